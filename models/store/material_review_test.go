package store_test

import (
	"context"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store/storetest"
)

// A district officer reviews a material while, in another transaction, the case is being
// sent back for correction or given to another officer. The review waits for the
// application's lock and then finds the case no longer in the officer's hands: it is
// refused, and nothing of it is written. Checked outside the transaction, it would see
// the old state and assignee and write anyway.
func TestMaterialReviewWaitsForAConcurrentDecision(t *testing.T) {
	for _, tc := range []struct {
		name, change string
		code, words  string
	}{
		{"returned", "UPDATE applications SET state = 'correction', version = version + 1 WHERE id = $1", models.EConflict, "不在区级审核环节"},
		{"reassigned", "UPDATE applications SET assignee_id = (SELECT id FROM users WHERE username = 'district2') WHERE id = $1", models.EForbidden, "只有"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, db := storeAndDB(t)
			c := newChain(t, st, "platform1")
			if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
				t.Fatal(err)
			}
			v, err := st.Checklist(c.ctx, c.user("district1"), c.app.ID)
			if err != nil || len(v.Items) == 0 {
				t.Fatalf("checklist: %v", err)
			}
			err = whileLocked(t, db, c.app.ID, func() error {
				return st.ReviewMaterialInDistrictReview(context.Background(), c.as("district1"), c.app.ID, v.Items[0].Material.ID, models.ReviewAccepted, "")
			}, tc.change, c.app.ID)
			if code(err) != tc.code || !strings.Contains(models.ErrorMessage(err), tc.words) {
				t.Fatalf("review after the case was %s: %v; want %s", tc.name, err, tc.code)
			}
			var reviews, records int
			if err := db.QueryRow("SELECT count(*) FROM application_materials WHERE application_id = $1 AND reviewed_at IS NOT NULL", c.app.ID).Scan(&reviews); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow("SELECT count(*) FROM decisions WHERE application_id = $1 AND event = $2", c.app.ID, models.EventMaterialReview).Scan(&records); err != nil {
				t.Fatal(err)
			}
			if reviews != 0 || records != 0 {
				t.Fatalf("refused review wrote %d reviews and %d history rows", reviews, records)
			}
		})
	}
}

// A material's review is a row of the case history, made by the officer who holds the
// case; an officer of another district is refused and leaves no row.
func TestMaterialReviewIsInTheHistory(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	v, err := st.Checklist(c.ctx, c.user("district1"), c.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Items[0].Material
	if err := st.ReviewMaterialInDistrictReview(c.ctx, c.as("district2"), c.app.ID, m.ID, models.ReviewAccepted, ""); code(err) != models.ENotFound {
		t.Fatalf("review by an officer of another district: %v", err)
	}
	if err := st.ReviewMaterialInDistrictReview(c.ctx, c.as("district1"), c.app.ID, m.ID, models.ReviewReturned, "缺少盖章页"); err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(c.ctx, c.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []models.Decision
	for _, d := range hist {
		if d.Event == models.EventMaterialReview {
			got = append(got, d)
		}
	}
	if len(got) != 1 || got[0].Opinion != m.Name+"：退回 缺少盖章页" || got[0].FromState != models.StateDistrictReview ||
		got[0].ToState != models.StateDistrictReview || got[0].ActorName != "district1" {
		t.Fatalf("material review rows %+v", got)
	}
	if brk, _, err := st.VerifyDecisionChain(c.ctx); err != nil || brk != nil {
		t.Fatalf("chain after the review: %v %v", brk, err)
	}
}
