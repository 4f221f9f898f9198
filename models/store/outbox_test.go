package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// TestSendBackWritesOutboxAndJobInItsTransaction: a send-back mails the platform clerk;
// the outbox row carries the correction deadline and its delivery job is in River's
// table, both committed with the decision. A user who turned mail off gets none.
func TestSendBackWritesOutboxAndJobInItsTransaction(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	plat := c.user("platform1")
	before, err := st.OutboxMessages(c.ctx, plat.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "请补充银行存管协议", 10, c.app.Version))
	after, err := st.OutboxMessages(c.ctx, plat.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("outbox of platform1: %d → %d messages; want one more", len(before), len(after))
	}
	m := after[0]
	if m.To != "platform1@demo.portal.test" || !strings.Contains(m.Subject, "退回补正") ||
		!strings.Contains(m.Body, "请补充银行存管协议") || !strings.Contains(m.Body, "2026-12-07") || m.SentAt != nil {
		t.Fatalf("outbox message %+v", m)
	}
	found := false
	for _, j := range jobsOf(t, st, "deliver_mail") {
		found = found || j == m.ID
	}
	if !found {
		t.Fatalf("no deliver_mail job for outbox row %d", m.ID)
	}

	// A decision refused (stale version) writes neither the message nor the job.
	n0 := len(jobsOf(t, st, "deliver_mail"))
	if _, err := st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "再次退回", 10, c.app.Version-1); err == nil {
		t.Fatal("stale version accepted")
	}
	if n := len(jobsOf(t, st, "deliver_mail")); n != n0 {
		t.Fatalf("refused decision left %d jobs; want %d", n, n0)
	}

	// Turned off: the next message to platform1 is not written.
	if err := st.SetMailEnabled(c.ctx, c.as("platform1"), plat.ID, false); err != nil {
		t.Fatal(err)
	}
	c.ok(st.ApplyEvent(c.ctx, c.as("platform1"), c.app.ID, models.EventResubmit, store.DecisionInput{}, nil))
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "第二次退回", 10, c.app.Version))
	final, _ := st.OutboxMessages(c.ctx, plat.ID, 50)
	if len(final) != len(after) {
		t.Fatalf("mail off: outbox grew from %d to %d", len(after), len(final))
	}
}

// TestDeliverMailIsIdempotent: a delivered message is not sent again; a failed send is
// counted and returned for River to retry; a message to a user who turned mail off is
// skipped, not sent.
func TestDeliverMailIsIdempotent(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "请补充", 10, c.app.Version))
	plat := c.user("platform1")
	msgs, _ := st.OutboxMessages(c.ctx, plat.ID, 1)
	id := msgs[0].ID
	var sent []string
	fail := errors.New("smtp: 421 try later")
	if err := st.DeliverMail(c.ctx, id, c.now, func(context.Context, store.OutboxMessage) error { return fail }); !errors.Is(err, fail) {
		t.Fatalf("failed send: %v", err)
	}
	send := func(_ context.Context, m store.OutboxMessage) error { sent = append(sent, m.MessageID); return nil }
	for i := 0; i < 2; i++ {
		if err := st.DeliverMail(c.ctx, id, c.now, send); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _ = st.OutboxMessages(c.ctx, plat.ID, 1)
	if len(sent) != 1 || msgs[0].SentAt == nil || msgs[0].Attempts != 2 || msgs[0].LastError != "" {
		t.Fatalf("sent %v, row %+v", sent, msgs[0])
	}
	// Mail turned off after the decision: the queued message is skipped.
	c.ok(st.ApplyEvent(c.ctx, c.as("platform1"), c.app.ID, models.EventResubmit, store.DecisionInput{}, nil))
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "再补充", 10, c.app.Version))
	msgs, _ = st.OutboxMessages(c.ctx, plat.ID, 1)
	if err := st.SetMailEnabled(c.ctx, c.as("platform1"), plat.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := st.DeliverMail(c.ctx, msgs[0].ID, c.now, send); err != nil {
		t.Fatal(err)
	}
	msgs, _ = st.OutboxMessages(c.ctx, plat.ID, 1)
	if len(sent) != 1 || msgs[0].Skipped == "" {
		t.Fatalf("mail off: sent %v, row %+v", sent, msgs[0])
	}
}

// jobsOf lists the outbox ids of the queued jobs of kind.
func jobsOf(t *testing.T, st *store.Store, kind string) []int64 {
	t.Helper()
	sqlDB, _ := st.SQLDB()
	rows, err := sqlDB.Query("SELECT (args->>'outbox_id')::bigint FROM river_job WHERE kind = $1", kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestAddedCalendarYearMailsTheComputedDeadline: a deadline waiting for 2027 is computed
// when the admin adds the year; the platform's 期限 message is mailed from that same
// transaction (outbox row and River job), with the computed date in it.
func TestAddedCalendarYearMailsTheComputedDeadline(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 12, 28))
	plat := c.user("platform2")
	before, err := st.OutboxMessages(c.ctx, plat.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	days, _ := models.ParseCalendarYear(2027, "2027-01-01 放假 元旦")
	if n, err := st.AddCalendarYear(c.ctx, c.as("admin"), 2027, "国办发明电〔2026〕X号", days); err != nil || n != 1 {
		t.Fatalf("adding 2027: %d clocks, %v", n, err)
	}
	after, _ := st.OutboxMessages(c.ctx, plat.ID, 50)
	if len(after) != len(before)+1 {
		t.Fatalf("outbox of platform2: %d → %d messages; want one more", len(before), len(after))
	}
	m := after[0]
	if m.To != "platform2@demo.portal.test" || !strings.Contains(m.Subject, "2027-01-05") {
		t.Fatalf("outbox message %+v", m)
	}
	if !slices.Contains(jobsOf(t, st, "deliver_mail"), m.ID) {
		t.Fatalf("no deliver_mail job for outbox row %d", m.ID)
	}
}
