package store_test

import (
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// Every workflow event is applied within the actor's jurisdiction: an officer of another
// district, or another platform, reaches no application of this one, and nothing is
// written; the system (a job) reaches every one.
func TestDecisionsStayInTheActorsJurisdiction(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	before, err := st.History(c.ctx, c.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who string
		ev  models.Event
	}{
		{"district2", models.EventReturn},
		{"district2", models.EventPass},
		{"platform2", models.EventResubmit},
	} {
		_, err := st.ApplyEvent(c.ctx, c.as(tc.who), c.app.ID, tc.ev, store.DecisionInput{Opinion: "越权处理"}, nil)
		if code(err) != models.ENotFound {
			t.Errorf("%s applies %s to another jurisdiction's application: %v; want not found", tc.who, tc.ev, err)
		}
	}
	after, _ := st.History(c.ctx, c.app.ID)
	if len(after) != len(before) {
		t.Fatalf("refused decisions wrote %d history rows", len(after)-len(before))
	}
	c.ok(st.ApplyEvent(c.ctx, c.as("district1"), c.app.ID, models.EventReturn, store.DecisionInput{Opinion: "请补正"}, nil))
	c.want(models.StateCorrection)
}
