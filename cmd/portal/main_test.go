package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv("PORTAL_TEST_REPLICA") == "1" { // a child of TestTwoServerProcesses
		os.Exit(serveReplica())
	}
	os.Exit(storetest.Main(m))
}

func useDatabase(t *testing.T, env string) string {
	dsn := storetest.DSN(t, storetest.Empty)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("PORTAL_ENV", env)
	t.Setenv("PORTAL_VAR_DIR", t.TempDir())
	return dsn
}

func countUsers(t *testing.T, dsn string) int64 {
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, n, err := st.ListUsers(context.Background(), store.UserFilter{}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProductionLoadsNoDemoData(t *testing.T) {
	dsn := useDatabase(t, "production")
	d, err := prepareDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d.close()
	if n := countUsers(t, dsn); n != 0 {
		t.Fatalf("production database has %d users; want none", n)
	}
}

func TestDemoModeSeedsOnceAndIdempotently(t *testing.T) {
	dsn := useDatabase(t, "demo")
	for i := 0; i < 2; i++ {
		d, err := prepareDatabase(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		d.close()
	}
	want := int64(len(store.AllDemoAccounts()))
	if n := countUsers(t, dsn); n != want {
		t.Fatalf("demo database has %d users; want %d", n, want)
	}
}

func TestCreateAdminReadsThePasswordFromStdin(t *testing.T) {
	dsn := useDatabase(t, "production")
	stdin = strings.NewReader("short\n")
	if err := createAdmin(context.Background(), []string{"chief"}); err == nil {
		t.Fatal("a weak password was accepted")
	}
	stdin = strings.NewReader("Chief#Admin2026\n")
	if err := createAdmin(context.Background(), []string{"chief"}); err != nil {
		t.Fatal(err)
	}
	st, _ := store.Open(context.Background(), dsn)
	defer st.Close()
	u, err := st.UserByUsername(context.Background(), "chief")
	if err != nil || u.Role != models.RoleAdmin || !models.CheckPassword(u.PasswordHash, "Chief#Admin2026") {
		t.Fatalf("admin = %+v, %v", u, err)
	}
}
