package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"portal/models/store"
	"portal/models/store/storetest"
)

// storeAndDB opens a store and a plain connection on the same fresh demo database.
func storeAndDB(t *testing.T) (*store.Store, *sql.DB) {
	t.Helper()
	dsn := storetest.DSN(t, storetest.Demo)
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return st, db
}

// whileLocked runs op while another transaction holds the application's row lock and
// has run change on it; op must wait for the lock, and sees the change once it commits.
func whileLocked(t *testing.T, db *sql.DB, appID int64, op func() error, change string, args ...any) error {
	t.Helper()
	ctx := context.Background()
	other, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	if _, err := other.Exec("SELECT id FROM applications WHERE id = $1 FOR UPDATE", appID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(change, args...); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op() }()
	waiting := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !waiting; {
		select {
		case err := <-done:
			t.Fatalf("finished (%v) while the other transaction still held the application", err)
		case <-time.After(20 * time.Millisecond):
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		waiting = n > 0
	}
	if !waiting {
		t.Fatal("never waited for the application's lock")
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	return <-done
}
