package models

import (
	"strings"
	"testing"
)

func TestNewDeadline(t *testing.T) {
	cal := OfficialCalendar()
	tests := []struct {
		kind       DeadlineKind
		due, today string
		left       int
		overdue    int // -1 when not overdue
		text       string
	}{
		{DeadlineWorking, "2026-10-13", "2026-09-30", 5, -1, "还剩 5 个工作日"},
		{DeadlineWorking, "2026-10-13", "2026-10-09", 3, -1, "还剩 3 个工作日"},
		{DeadlineWorking, "2026-10-13", "2026-10-13", 0, -1, "今日截止"},
		{DeadlineWorking, "2026-10-13", "2026-10-15", 0, 2, "已逾期 2 天"},
		{DeadlineWorking, "2026-12-31", "2027-01-03", 0, 3, "已逾期 3 天"}, // 2027 unpublished: still shown
		{DeadlineNatural, "2026-11-15", "2026-11-02", 13, -1, "还剩 13 天"},
		{DeadlineNatural, "2026-11-15", "2026-11-15", 0, -1, "今日截止"},
		{DeadlineNatural, "2026-11-15", "2026-11-16", 0, 1, "已逾期 1 天"},
	}
	for _, tt := range tests {
		dl, err := NewDeadline(cal, tt.kind, d(t, tt.due), d(t, tt.today))
		if err != nil {
			t.Errorf("%s due %s on %s: %v", tt.kind, tt.due, tt.today, err)
			continue
		}
		overdue := -1
		if dl.Overdue {
			overdue = dl.OverdueDays
		}
		if dl.Left != tt.left || overdue != tt.overdue || dl.String() != tt.text {
			t.Errorf("%s due %s on %s = %+v %q; want left %d overdue %d %q", tt.kind, tt.due, tt.today, dl, dl.String(), tt.left, tt.overdue, tt.text)
		}
	}
	if _, err := NewDeadline(nil, DeadlineWorking, d(t, "2026-10-13"), d(t, "2026-10-09")); err == nil {
		t.Error("working deadline without a calendar accepted")
	}
	if _, err := NewDeadline(cal, DeadlineWorking, d(t, "2027-01-05"), d(t, "2026-12-30")); !strings.Contains(ErrorMessage(err), "2027") {
		t.Errorf("working days left into 2027: err = %v", err)
	}
}
