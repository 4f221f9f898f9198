package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// appendDecisions adds n valid decisions to the chain, on the demo's first application,
// with COPY-free multi-row inserts: the hashes are computed as the store computes them.
func appendDecisions(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	var appID int64
	var prev string
	if err := db.QueryRow("SELECT min(id) FROM applications").Scan(&appID); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT COALESCE((SELECT hash FROM decisions ORDER BY id DESC LIMIT 1), $1)", models.GenesisHash).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		k := min(500, n-done)
		var ids []int64
		rows, err := db.Query("SELECT nextval('decisions_id_seq') FROM generate_series(1, $1)", k)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		var vals []string
		var args []any
		for i, id := range ids {
			d := models.Decision{ID: id, ApplicationID: appID, At: at.Add(time.Duration(done+i) * time.Second), ActorName: "bench",
				Role: "district", Event: models.EventReturn, FromState: models.StateDistrictReview, ToState: models.StateCorrection,
				Opinion: fmt.Sprintf("第 %d 条测试记录", done+i), PrevHash: prev}
			d.Hash = models.DecisionHash(d)
			prev = d.Hash
			b := len(args)
			vals = append(vals, fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", b+1, b+2, b+3, b+4, b+5, b+6, b+7, b+8, b+9, b+10, b+11))
			args = append(args, d.ID, d.ApplicationID, d.At, d.ActorName, d.Role, string(d.Event), string(d.FromState), string(d.ToState), d.Opinion, d.PrevHash, d.Hash)
		}
		if _, err := db.Exec(`INSERT INTO decisions (id, application_id, at, actor_name, role, event, from_state, to_state, opinion, prev_hash, hash)
			VALUES `+strings.Join(vals, ","), args...); err != nil {
			t.Fatal(err)
		}
		done += k
	}
}

func tamper(t *testing.T, db *sql.DB, id int64) {
	t.Helper()
	mustExec(t, db, "ALTER TABLE decisions DISABLE TRIGGER decisions_no_update")
	mustExec(t, db, fmt.Sprintf("UPDATE decisions SET opinion = '篡改' WHERE id = %d", id))
	mustExec(t, db, "ALTER TABLE decisions ENABLE TRIGGER decisions_no_update")
}

func check(t *testing.T, st *store.Store, full bool, batch int) *store.ChainCheck {
	t.Helper()
	res, err := st.CheckDecisionChain(context.Background(), store.ChainCheckOptions{Full: full, Batch: batch, Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestChainCheckpointHidesOldRowsFromTheRoutineCheckOnly(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, _ := st.SQLDB()
	var seeded, first int64
	_ = db.QueryRow("SELECT count(*), min(id) FROM decisions").Scan(&seeded, &first)
	if seeded < 2 {
		t.Fatalf("the demo data has %d decisions", seeded)
	}
	res := check(t, st, false, 0) // no checkpoint yet: the first check reads everything
	if !res.Full || res.Break != nil || res.Checked != seeded || res.Checkpoint == nil || res.Checkpoint.RowsCovered != seeded {
		t.Fatalf("first check = %+v", res)
	}
	cpID := res.Checkpoint.LastID
	appendDecisions(t, db, 7)
	res = check(t, st, false, 0)
	if res.Full || res.Break != nil || res.Checked != 7 || res.After != cpID || res.Checkpoint.RowsCovered != seeded+7 {
		t.Fatalf("routine check after 7 new rows = %+v (checkpoint %+v)", res, res.Checkpoint)
	}
	cpID = res.Checkpoint.LastID

	// a row below the checkpoint: the routine check does not read it, the full one does
	tamper(t, db, first+1)
	if res = check(t, st, false, 0); res.Break != nil || res.Checked != 0 || res.Checkpoint.LastID != cpID {
		t.Fatalf("routine check over nothing new = %+v", res)
	}
	res = check(t, st, true, 0)
	if res.Break == nil || res.Break.DecisionID != first+1 || res.Checkpoint.LastID != cpID {
		t.Fatalf("full check = %+v, break %+v; want row %d and checkpoint still %d", res, res.Break, first+1, cpID)
	}
	// the break stays on the checkpoint, for the routine checks after it
	appendDecisions(t, db, 2)
	res = check(t, st, false, 0)
	if res.Break != nil || res.Checked != 2 || res.Checkpoint.BrokenID == nil || *res.Checkpoint.BrokenID != first+1 {
		t.Fatalf("routine check after the full check's break = %+v (checkpoint %+v)", res, res.Checkpoint)
	}
}

func TestChainRoutineCheckSeesATamperedNewRow(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, _ := st.SQLDB()
	res := check(t, st, false, 0)
	cp := *res.Checkpoint
	appendDecisions(t, db, 10)
	var fifth int64
	_ = db.QueryRow("SELECT id FROM decisions WHERE id > $1 ORDER BY id OFFSET 4 LIMIT 1", cp.LastID).Scan(&fifth)
	tamper(t, db, fifth)
	res = check(t, st, false, 0)
	if res.Break == nil || res.Break.DecisionID != fifth || res.Checked != 4 {
		t.Fatalf("routine check = %+v, break %+v; want row %d after 4 good ones", res, res.Break, fifth)
	}
	if res.Checkpoint.LastID != cp.LastID || res.Checkpoint.RowsCovered != cp.RowsCovered {
		t.Fatalf("a break moved the checkpoint: %+v → %+v", cp, *res.Checkpoint)
	}
	// and again: the break is still ahead of the checkpoint
	if again := check(t, st, false, 0); again.Break == nil || again.Break.DecisionID != fifth {
		t.Fatalf("second routine check = %+v", again)
	}
}

// TestChainFullCheckReadsInBatches counts the queries on decisions the full check sends:
// one per batch of 50, plus the one that finds the end, whatever the chain's length.
func TestChainFullCheckReadsInBatches(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, _ := st.SQLDB()
	appendDecisions(t, db, 480)
	var total int
	_ = db.QueryRow("SELECT count(*) FROM decisions").Scan(&total)
	ctx, log := store.WithStatementLog(context.Background())
	res, err := st.CheckDecisionChain(ctx, store.ChainCheckOptions{Full: true, Batch: 50, Now: t0})
	if err != nil || res.Break != nil || res.Checked != int64(total) {
		t.Fatalf("full check = %+v, %v; want %d rows", res, err, total)
	}
	reads := 0
	for _, q := range log.Statements() {
		if strings.Contains(q, `FROM "decisions"`) {
			reads++
			if !strings.Contains(q, "LIMIT ") || !strings.Contains(q, "id >") {
				t.Errorf("a read of the chain without keyset and limit: %s", q)
			}
		}
	}
	if want := total/50 + 1; reads != want || res.Batches != want {
		t.Fatalf("%d rows read in %d queries (%d reported); want %d", total, reads, res.Batches, want)
	}
}
