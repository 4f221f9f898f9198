package models

import (
	"strings"
	"testing"
	"time"
)

func TestObjectionFormValidate(t *testing.T) {
	for _, c := range []struct {
		form ObjectionForm
		want []string // fields with an error
	}{
		{ObjectionForm{Reasons: "问题不存在", Evidence: 1}, nil},
		{ObjectionForm{Reasons: "  ", Evidence: 2}, []string{"reasons"}},
		{ObjectionForm{Reasons: "问题不存在"}, []string{"evidence"}},
		{ObjectionForm{}, []string{"evidence", "reasons"}},
	} {
		errs := c.form.Validate()
		if len(errs) != len(c.want) {
			t.Errorf("%+v: %v, want errors on %v", c.form, errs, c.want)
		}
		for _, f := range c.want {
			if errs[f] == "" {
				t.Errorf("%+v: no error on %s", c.form, f)
			}
		}
	}
	if msg := (ObjectionForm{Reasons: "x"}).Validate()["evidence"]; !strings.HasPrefix(msg, "提出异议须提交证明材料") {
		t.Errorf("evidence message %q", msg)
	}
}

func TestObjectionOpen(t *testing.T) {
	due := NewDate(2026, 10, 13)
	at := func(d, h int) time.Time { return time.Date(2026, 10, d, h, 0, 0, 0, ChinaTime) }
	dueDate := due
	clock := &Clock{DayType: ClockWorkingDays, DueDate: &dueDate}
	ended := at(12, 9)
	for _, c := range []struct {
		name   string
		state  State
		window *Clock
		now    time.Time
		want   bool
	}{
		{"no clock, on the last day", StateFailed, nil, at(13, 23), true},
		{"no clock, the day after", StateFailed, nil, at(14, 0), false},
		{"clock in time", StateFailed, clock, at(13, 10), true},
		{"clock late", StateFailed, clock, at(14, 10), false},
		{"clock ended in time, asked later", StateFailed, &Clock{DayType: ClockWorkingDays, DueDate: &dueDate, EndedAt: &ended}, at(20, 10), true},
		{"not failed", StateObjectionReview, clock, at(13, 10), false},
		{"final", StateFailedFinal, nil, at(12, 10), false},
	} {
		if got := ObjectionOpen(c.state, c.window, due, c.now); got != c.want {
			t.Errorf("%s: ObjectionOpen = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNoticeTakesComplaints(t *testing.T) {
	n := PublicNotice{Status: NoticeActive, StartDate: NewDate(2026, 11, 2), EndDate: NewDate(2026, 11, 15)}
	revoked := n
	revoked.Status = NoticeRevoked
	ended := n
	ended.Status = NoticeEnded
	for _, c := range []struct {
		n     PublicNotice
		today Date
		open  bool
	}{
		{n, NewDate(2026, 11, 2), true},
		{n, NewDate(2026, 11, 15), true},
		{n, NewDate(2026, 11, 1), false},
		{n, NewDate(2026, 11, 16), false},
		{revoked, NewDate(2026, 11, 5), false},
		{ended, NewDate(2026, 11, 5), false},
	} {
		err := c.n.TakesComplaints(c.today)
		if (err == nil) != c.open || err != nil && ErrorCode(err) != EConflict {
			t.Errorf("%s on %s: %v, want open %v", c.n.Status, c.today, err, c.open)
		}
	}
}
