package store_test

import (
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

var evidence = []store.FileRef{{Name: "存管协议.pdf", SHA256: strings.Repeat("ab", 32), Size: 1024, ContentType: "application/pdf"}}

// failedOn fails platform2's application at 10:00 of day, as district2.
func failedOn(t *testing.T, st *store.Store, day models.Date) *chain {
	c := newChain(t, st, "platform2")
	c.now = day.Start().Add(10 * time.Hour)
	if err := st.Claim(c.ctx, c.as("district2"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.check("district2")
	c.ok(st.Fail(c.ctx, c.as("district2"), c.app.ID, []string{"银行存管未通过测评", "仍有自融行为"}, "", c.app.Version))
	c.want(models.StateFailed)
	return c
}

func TestFailureNoticeDeadlineAcrossNationalDay(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 9, 30))
	fn, err := st.LatestFailureNotice(c.ctx, c.app.ID)
	if err != nil || fn == nil {
		t.Fatal(fn, err)
	}
	if fn.ObjectionDeadline != models.NewDate(2026, 10, 13) || fn.NotifiedOn != models.NewDate(2026, 9, 30) {
		t.Fatalf("notice %+v; objection deadline must be 2026-10-13", fn)
	}
	if fn.Authority != "广州市越秀区金融工作部门" || len(fn.ProblemList()) != 2 {
		t.Fatalf("notice %+v", fn)
	}
	if *c.app.DueDate != fn.ObjectionDeadline || c.app.DueLabel != "异议截止" {
		t.Fatalf("application deadline %v %s", c.app.DueDate, c.app.DueLabel)
	}
	hist, _ := st.History(c.ctx, c.app.ID)
	if op := hist[len(hist)-1].Opinion; !strings.Contains(op, models.StopBusinessOrder) || !strings.Contains(op, "1. 银行存管未通过测评") {
		t.Fatalf("failure decision opinion:\n%s", op)
	}
	// the platform's inbox says so, with the deadline
	p2 := c.user("platform2")
	msgs, _, _ := st.Notifications(c.ctx, p2.ID, models.Page{})
	if len(msgs) == 0 || msgs[0].Kind != "failed" || !strings.Contains(msgs[0].Body, "2026-10-13") {
		t.Fatalf("platform's inbox %+v", msgs)
	}
}

func TestObjectionOnTheLastDayUpheld(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 9, 30))
	c.now = time.Date(2026, 10, 13, 23, 0, 0, 0, time.FixedZone("CST", 8*3600)) // 24:00 is the end
	if _, err := st.Object(c.ctx, c.as("platform2"), c.app.ID, "已更换存管银行", nil, c.app.Version); code(err) != models.EInvalid {
		t.Fatalf("objection without evidence: %v", err)
	}
	c.ok(st.Object(c.ctx, c.as("platform2"), c.app.ID, "已更换存管银行，见存管协议", evidence, c.app.Version))
	c.want(models.StateObjectionReview)
	files, _ := st.ReviewFiles(c.ctx, c.app.ID, store.FileEvidence)
	if len(files) != 1 || files[0].ObjectionID == nil {
		t.Fatalf("evidence %+v", files)
	}
	if _, err := st.ResolveObjection(c.ctx, c.as("province1"), c.app.ID, models.EventUphold, "属实", c.app.Version); code(err) != models.EForbidden {
		t.Fatalf("the province upholds a small platform's objection: %v", err)
	}
	c.ok(st.ResolveObjection(c.ctx, c.as("city1"), c.app.ID, models.EventUphold, "经核实，存管问题已解决", c.app.Version))
	c.want(models.StateCityConfirm)
	fn, _ := st.LatestFailureNotice(c.ctx, c.app.ID)
	o, _ := st.ObjectionTo(c.ctx, fn.ID)
	if o == nil || o.Outcome != store.ObjectionUpheld || o.OutcomeDecisionID == nil {
		t.Fatalf("objection %+v", o)
	}
	// the leadership group confirms as after any preliminary pass: another officer
	c.ok(st.Act(c.ctx, c.as("city2"), c.app.ID, models.EventConfirm, "", c.app.Version))
	c.want(models.StatePublicNotice)
}

func TestObjectionAfterTheDeadlineRefusedThenExit(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 9, 30))
	c.now = time.Date(2026, 10, 14, 0, 5, 0, 0, time.FixedZone("CST", 8*3600))
	_, err := st.Object(c.ctx, c.as("platform2"), c.app.ID, "迟到的异议", evidence, c.app.Version)
	if code(err) != models.EInvalid || !strings.Contains(models.ErrorMessage(err), "2026-10-13") {
		t.Fatalf("late objection: %v", err)
	}
	if err := st.RecordExit(c.ctx, c.as("district2"), c.app.ID, models.ExitBan, models.ClassRectify, ""); code(err) != models.EInvalid {
		t.Fatalf("ban with 整改类: %v", err)
	}
	if err := st.RecordExit(c.ctx, c.as("district1"), c.app.ID, models.ExitWindDown, models.ClassRectify, ""); code(err) != models.ENotFound {
		t.Fatalf("another district records the exit: %v", err)
	}
	if err := st.RecordExit(c.ctx, c.as("district2"), c.app.ID, models.ExitWindDown, models.ClassRectify, "配合清退"); err != nil {
		t.Fatal(err)
	}
	row, err := st.ApplicationRow(c.ctx, c.user("district2"), c.app.ID)
	if err != nil || row.ExitClass != models.ExitWindDown || row.Classification != models.ClassRectify {
		t.Fatalf("row %+v %v", row, err)
	}
}

func TestObjectionRejectedIsFinal(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := failedOn(t, st, models.NewDate(2026, 11, 23))
	if err := st.RecordExit(c.ctx, c.as("district2"), c.app.ID, models.ExitWindDown, models.ClassRectify, ""); code(err) != models.EInvalid {
		t.Fatalf("exit during the objection period: %v", err)
	}
	c.ok(st.Object(c.ctx, c.as("platform2"), c.app.ID, "异议", evidence, c.app.Version))
	c.ok(st.ResolveObjection(c.ctx, c.as("city1"), c.app.ID, models.EventReject, "异议不成立：存管银行仍未通过测评", c.app.Version))
	c.want(models.StateFailedFinal)
	if err := st.RecordExit(c.ctx, c.as("city1"), c.app.ID, models.ExitBan, models.ClassBan, ""); err != nil {
		t.Fatal(err)
	}
}
