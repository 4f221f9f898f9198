package store_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

func submitted(t *testing.T, st *store.Store, username string) (*models.Application, *models.User) {
	t.Helper()
	ctx := context.Background()
	u, err := st.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	app, err := st.CreateApplication(ctx, store.Actor{User: u, Now: t0}, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	app, err = st.ApplyEvent(ctx, store.Actor{User: u, Now: t0}, app.ID, models.EventSubmit, store.DecisionInput{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return app, u
}

func TestOnlyOneOpenApplication(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	_, u := submitted(t, st, "platform1")
	_, err := st.CreateApplication(context.Background(), store.Actor{User: u, Now: t0}, *u.InstitutionID, models.ApplicationTypeP2P)
	if models.ErrorCode(err) != models.EConflict {
		t.Fatalf("second open application: %v; want conflict", err)
	}
}

func TestFiftyConcurrentDecisionsMakeExactlyOne(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	_, seeded, _ := st.VerifyDecisionChain(ctx) // the demo data's decisions
	app, _ := submitted(t, st, "platform1")
	officer, _ := st.UserByUsername(ctx, "district1")
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ev := models.EventPass
			if i%2 == 1 {
				ev = models.EventReturn
			}
			_, errs[i] = st.ApplyEvent(ctx, store.Actor{User: officer, Now: t0}, app.ID, ev,
				store.DecisionInput{Opinion: "审核意见", Version: app.Version}, nil)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch models.ErrorCode(err) {
		case "":
			ok++
		case models.EConflict:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d decisions succeeded; want exactly 1", ok)
	}
	hist, _ := st.History(ctx, app.ID)
	if len(hist) != 2 { // submit + the one decision
		t.Fatalf("history has %d rows; want 2", len(hist))
	}
	if brk, n, err := st.VerifyDecisionChain(ctx); err != nil || brk != nil || n != seeded+2 {
		t.Fatalf("chain: %+v, %d rows, %v", brk, n, err)
	}
}

func TestDecisionNotifiesTheNextLevel(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	submitted(t, st, "platform1")
	d1, _ := st.UserByUsername(ctx, "district1")
	d2, _ := st.UserByUsername(ctx, "district2")
	if n, _ := st.UnreadCount(ctx, d1.ID); n != 1 {
		t.Fatalf("district1 unread = %d; want 1", n)
	}
	if n, _ := st.UnreadCount(ctx, d2.ID); n != 0 {
		t.Fatalf("district2 unread = %d; want 0", n)
	}
}

func TestChainCheckFindsAnEditedRow(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	submitted(t, st, "platform1")
	submitted(t, st, "platform2")
	submitted(t, st, "platform3")
	db, _ := st.SQLDB()
	if _, err := db.Exec("UPDATE decisions SET opinion = 'x' WHERE id = (SELECT min(id) + 1 FROM decisions)"); err == nil {
		t.Fatal("the append-only trigger let an UPDATE through")
	}
	// a superuser can switch the trigger off; the chain still tells
	mustExec(t, db, "ALTER TABLE decisions DISABLE TRIGGER decisions_no_update")
	mustExec(t, db, "UPDATE decisions SET opinion = '篡改' WHERE id = (SELECT min(id) + 1 FROM decisions)")
	var second int64
	_ = db.QueryRow("SELECT min(id) + 1 FROM decisions").Scan(&second)
	brk, _, err := st.VerifyDecisionChain(ctx)
	if err != nil || brk == nil || brk.DecisionID != second {
		t.Fatalf("break = %+v, %v; want row %d", brk, err, second)
	}
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
