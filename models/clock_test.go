package models

import (
	"strings"
	"testing"
	"time"
)

// calendarWith2027 is the official calendar plus a 2027 in which only 元旦 (01-01) is off
// and 01-09 (Saturday) is a make-up working day: enough to see the pending clocks resolve.
func calendarWith2027(t *testing.T) *Calendar {
	t.Helper()
	years, days := OfficialCalendar2024to2026()
	days = append(days, CalendarDay{d(t, "2027-01-01"), DayOff, "元旦"}, CalendarDay{d(t, "2027-01-09"), DayWork, "测试调休上班"})
	cal, err := NewCalendar(append(years, 2027), days)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func rule(t *testing.T, r ClockRule) ClockRuleInfo {
	t.Helper()
	ri, ok := ClockRuleOf(r)
	if !ok {
		t.Fatalf("no rule %s", r)
	}
	return ri
}

func TestClockDueDates(t *testing.T) {
	cal := OfficialCalendar()
	tests := []struct {
		name    string
		rule    ClockRule
		length  int
		start   string
		due     string // "" when pending
		pending int
	}{
		// 2026-02-14 (Sat) is a make-up working day, 02-15 … 02-23 are off (春节).
		{"调休 Saturday counts", RuleCorrection, 3, "2026-02-12", "2026-02-24", 0},
		// 2026-09-20 (Sun) is a make-up working day before 国庆.
		{"调休 Sunday counts", RuleCorrection, 1, "2026-09-18", "2026-09-20", 0},
		{"objection over 国庆", RuleObjectionWindow, 0, "2026-09-30", "2026-10-13", 0},
		{"objection from a Friday", RuleObjectionWindow, 0, "2026-11-06", "2026-11-13", 0},
		{"scope change over 春节 2024", RuleScopeChange, 0, "2024-02-08", "2024-02-21", 0},
		{"correction of 10 working days", RuleCorrection, 10, "2026-04-01", "2026-04-16", 0},
		// A December decision: 15 working days are left in 2026, the rest needs 2027.
		{"December correction reaches 2027", RuleCorrection, 25, "2026-12-10", "", 2027},
		{"objection notified 2026-12-28", RuleObjectionWindow, 0, "2026-12-28", "", 2027},
		{"correction ending on 2026-12-31", RuleCorrection, 15, "2026-12-10", "2026-12-31", 0},
		// natural days: a 14-day notice starting 11-02 covers 11-02 … 11-15, whatever the calendar
		{"notice of 14 natural days", RuleNotice, 14, "2026-11-02", "2026-11-15", 0},
		{"notice into 2027 needs no calendar", RuleNotice, 15, "2026-12-25", "2027-01-08", 0},
	}
	for _, tt := range tests {
		c, err := NewClock(cal, rule(t, tt.rule), 1, tt.length, at(t, tt.start, "10:00"))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := ""
		if c.DueDate != nil {
			got = c.DueDate.String()
		}
		if got != tt.due || c.PendingYear != tt.pending {
			t.Errorf("%s: due %q pending %d; want %q pending %d", tt.name, got, c.PendingYear, tt.due, tt.pending)
		}
	}
}

func TestClockPendingResolvesWhenYearAdded(t *testing.T) {
	c, err := NewClock(OfficialCalendar(), rule(t, RuleCorrection), 7, 25, at(t, "2026-12-10", "15:00"))
	if err != nil {
		t.Fatal(err)
	}
	now := at(t, "2026-12-11", "09:00")
	v := c.View(OfficialCalendar(), now)
	if v.Status != ClockPending || v.Text != "待定：须待 2027 年法定节假日安排公布" || v.Due != "" || v.Overdue {
		t.Fatalf("pending view = %+v", v)
	}
	if v.String() != "补正截止：待定：须待 2027 年法定节假日安排公布" {
		t.Errorf("chip = %q", v.String())
	}
	changed, err := c.Recompute(calendarWith2027(t))
	if err != nil || !changed {
		t.Fatalf("recompute: changed %v, %v", changed, err)
	}
	// 15 working days in December (12-11 … 12-31); 2027: 01-01 off, 01-04 … 01-08 (5),
	// 01-09 make-up Saturday (21), 01-11 … 01-14 (25).
	if c.DueDate == nil || c.DueDate.String() != "2027-01-14" || c.PendingYear != 0 {
		t.Fatalf("due %v pending %d; want 2027-01-14", c.DueDate, c.PendingYear)
	}
	if v := c.View(calendarWith2027(t), now); v.Status != ClockRunning || v.Text != "还剩 24 个工作日" {
		t.Errorf("after 2027 added: %+v", v)
	}
	if changed, _ := c.Recompute(calendarWith2027(t)); changed {
		t.Error("a second recompute on the same calendar reported a change")
	}
}

func TestClockPauseResume(t *testing.T) {
	cal := OfficialCalendar()
	c, err := NewClock(cal, rule(t, RuleDistrictReview), 1, 20, at(t, "2026-03-02", "09:00"))
	if err != nil {
		t.Fatal(err)
	}
	// unpaused: 03-03 … 03-30 are the 20 working days
	if c.DueDate.String() != "2026-03-30" {
		t.Fatalf("due %s; want 2026-03-30", c.DueDate)
	}
	if err := c.Pause(cal, at(t, "2026-03-04", "10:00"), "等待机构补正"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pause(cal, at(t, "2026-03-05", "10:00"), "again"); ErrorCode(err) != EConflict {
		t.Errorf("second pause: %v", err)
	}
	mid := at(t, "2026-03-09", "16:00")
	v := c.View(cal, mid)
	if c.DueDate != nil || v.Status != ClockPaused || !c.Paused {
		t.Fatalf("paused: due %v, %+v", c.DueDate, v)
	}
	// 03-03 and 03-04 counted: 18 left
	if v.Text != "已暂停，恢复后剩余 18 个工作日" || v.Paused != "累计暂停 5 天 6 小时（等待机构补正）" {
		t.Errorf("paused view: %q / %q", v.Text, v.Paused)
	}
	if v.String() != "区级审核期限：已暂停，恢复后剩余 18 个工作日" {
		t.Errorf("paused chip %q", v.String())
	}
	if err := c.Resume(cal, at(t, "2026-03-11", "10:00")); err != nil {
		t.Fatal(err)
	}
	if err := c.Resume(cal, at(t, "2026-03-11", "11:00")); ErrorCode(err) != EConflict {
		t.Errorf("second resume: %v", err)
	}
	// 03-05 … 03-11 do not count; 18 more from 03-12, over 清明 (04-04 … 04-06): 04-07
	if c.DueDate == nil || c.DueDate.String() != "2026-04-07" || c.Paused {
		t.Fatalf("resumed due %v; want 2026-04-07", c.DueDate)
	}
	now := at(t, "2026-03-12", "09:00")
	v = c.View(cal, now)
	if v.Status != ClockRunning || v.Paused != "累计暂停 7 天（等待机构补正）" {
		t.Errorf("resumed view %+v", v)
	}
	if got := c.PausedFor(now); got != 7*24*time.Hour {
		t.Errorf("paused for %v", got)
	}
	// a pause and resumption on the same day lose nothing
	c2, _ := NewClock(cal, rule(t, RuleDistrictReview), 1, 20, at(t, "2026-03-02", "09:00"))
	_ = c2.Pause(cal, at(t, "2026-03-04", "10:00"), "x")
	_ = c2.Resume(cal, at(t, "2026-03-04", "15:00"))
	if c2.DueDate.String() != "2026-03-30" {
		t.Errorf("same-day pause moved the due date to %s", c2.DueDate)
	}
}

func TestClockPausedAcrossUnpublishedYear(t *testing.T) {
	cal := OfficialCalendar()
	c, _ := NewClock(cal, rule(t, RuleDistrictReview), 1, 20, at(t, "2026-12-01", "09:00"))
	if c.DueDate == nil || c.DueDate.String() != "2026-12-29" {
		t.Fatalf("due %v", c.DueDate)
	}
	_ = c.Pause(cal, at(t, "2026-12-03", "09:00"), "等待机构补正")
	_ = c.Resume(cal, at(t, "2026-12-21", "09:00"))
	// 2 counted, 18 more from 12-22: 8 left in 2026, the rest needs 2027
	if c.DueDate != nil || c.PendingYear != 2027 || c.Status(at(t, "2026-12-21", "10:00")) != ClockPending {
		t.Fatalf("due %v pending %d", c.DueDate, c.PendingYear)
	}
	if _, err := c.Recompute(calendarWith2027(t)); err != nil {
		t.Fatal(err)
	}
	// 12-22 … 12-31 bring it to 10; 2027: 01-04 … 01-08 (15), 01-09 (16), 01-11 … 01-14 (20)
	if c.DueDate == nil || c.DueDate.String() != "2027-01-14" {
		t.Errorf("due %v; want 2027-01-14", c.DueDate)
	}
}

func TestClockStatusAndText(t *testing.T) {
	cal := OfficialCalendar()
	mk := func(r ClockRule, n int, start string) *Clock {
		c, err := NewClock(cal, rule(t, r), 1, n, at(t, start, "10:00"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name    string
		c       *Clock
		end     string // ended at, "" if open
		outcome ClockStatus
		now     string
		status  ClockStatus
		text    string
		overdue bool
	}{
		{"running", mk(RuleObjectionWindow, 0, "2026-09-30"), "", "", "2026-10-09", ClockRunning, "还剩 3 个工作日", false},
		{"due today", mk(RuleObjectionWindow, 0, "2026-09-30"), "", "", "2026-10-13", ClockRunning, "今日截止", false},
		{"window past reads 已届满", mk(RuleObjectionWindow, 0, "2026-09-30"), "", "", "2026-10-15", ClockOverdue, "已届满", false},
		{"duty past is overdue", mk(RuleCityReview, 0, "2026-09-01"), "", "", "2026-10-01", ClockOverdue, "已逾期 10 天", true},
		{"met in time", mk(RuleObjectionWindow, 0, "2026-09-30"), "2026-10-12", ClockMet, "2026-12-01", ClockMet, "已在期限内提出异议（2026-10-12）", false},
		{"met late", mk(RuleCityReview, 0, "2026-09-01"), "2026-09-30", ClockMet, "2026-12-01", ClockMet, "已完成初验（2026-09-30），超出期限 9 天", false},
		{"stopped", mk(RuleNotice, 14, "2026-11-02"), "2026-11-05", ClockStopped, "2026-12-01", ClockStopped, "已终止（2026-11-05）：公示已撤销", false},
		{"natural days left", mk(RuleNotice, 14, "2026-11-02"), "", "", "2026-11-02", ClockRunning, "还剩 13 天", false},
		{"pending never overdue", mk(RuleCorrection, 25, "2026-12-10"), "", "", "2027-03-01", ClockPending, "待定：须待 2027 年法定节假日安排公布", false},
	}
	for _, tt := range tests {
		if tt.end != "" {
			note := ""
			if tt.outcome == ClockStopped {
				note = "公示已撤销"
			}
			tt.c.End(at(t, tt.end, "11:00"), tt.outcome, note)
		}
		v := tt.c.View(cal, at(t, tt.now, "12:00"))
		if v.Status != tt.status || v.Text != tt.text || v.Overdue != tt.overdue {
			t.Errorf("%s: %s %q overdue=%v; want %s %q %v", tt.name, v.Status, v.Text, v.Overdue, tt.status, tt.text, tt.overdue)
		}
	}
}

func TestClockHours(t *testing.T) {
	ri := ClockRuleInfo{Rule: "event_48h", Label: "重大事项披露截止", DayType: ClockHours, DefaultLength: 48}
	c, err := NewClock(nil, ri, 1, 0, at(t, "2026-10-01", "09:30"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DueAt == nil || !c.DueAt.Equal(at(t, "2026-10-03", "09:30")) {
		t.Fatalf("48h due %v", c.DueAt)
	}
	if s := c.Status(at(t, "2026-10-03", "09:30")); s != ClockRunning {
		t.Errorf("at the hour: %s", s)
	}
	v := c.View(nil, at(t, "2026-10-03", "10:30"))
	if v.Status != ClockOverdue || v.Text != "已逾期 1 小时" || v.Due != "2026-10-03 09:30" {
		t.Errorf("hours overdue view %+v", v)
	}
	_ = c.Pause(nil, at(t, "2026-10-02", "09:30"), "x")
	_ = c.Resume(nil, at(t, "2026-10-02", "12:30"))
	if !c.DueAt.Equal(at(t, "2026-10-03", "12:30")) {
		t.Errorf("paused 3h: due %v", c.DueAt)
	}
}

func TestClockInTime(t *testing.T) {
	cal := OfficialCalendar()
	c, _ := NewClock(cal, rule(t, RuleObjectionWindow), 1, 0, at(t, "2026-11-06", "10:00"))
	if !c.InTime(at(t, "2026-11-13", "23:59")) || c.InTime(at(t, "2026-11-14", "00:01")) {
		t.Error("objection window runs to 24:00 of 2026-11-13")
	}
	p, _ := NewClock(cal, rule(t, RuleObjectionWindow), 1, 0, at(t, "2026-12-28", "10:00"))
	if !p.InTime(at(t, "2027-01-20", "10:00")) {
		t.Error("a pending window has not been shown to have passed")
	}
}

func TestClockRulesTable(t *testing.T) {
	seen := map[State]bool{}
	for _, ri := range ClockRules {
		if seen[ri.Stage] {
			t.Errorf("two clocks for stage %s", ri.Stage)
		}
		seen[ri.Stage] = true
		if ri.Citation == "" || ri.Label == "" || ri.Name == "" || ri.DefaultLength <= 0 || ri.MetText == "" {
			t.Errorf("rule %s incomplete: %+v", ri.Rule, ri)
		}
	}
	// every stage in which someone must act has a clock
	for _, s := range []State{StateDistrictReview, StateCorrection, StateCityReview, StateCityConfirm, StateJointReview,
		StatePublicNotice, StateSignoff, StateCertified, StateScopeChanged, StateFailed, StateObjectionReview} {
		if !seen[s] {
			t.Errorf("stage %s has no clock", s)
		}
	}
	for _, s := range []State{StateFiled, StateFailedFinal, StateAbandoned} {
		if seen[s] {
			t.Errorf("final stage %s has a clock", s)
		}
	}
	if err := ValidateServiceDays("区级审核", 0); ErrorCode(err) != EInvalid {
		t.Errorf("0 days: %v", err)
	}
	if err := ValidateServiceDays("区级审核", MaxServiceDays+1); ErrorCode(err) != EInvalid {
		t.Errorf("too long: %v", err)
	}
}

func TestFailureLetterWithAPendingDeadline(t *testing.T) {
	doc := FailureLetter(FailureLetterFacts{Institution: "甲", USCC: "x", Problems: []string{"资金未存管"}, NotifiedOn: d(t, "2026-12-28"),
		ObjectionPending: 2027})
	text := strings.Join(doc.Body, "\n")
	if !strings.Contains(text, "自被告知之日起 5 个工作日内（截止日期待定：须待 2027 年法定节假日安排公布后确定）") || strings.Contains(text, "0年0月0日") {
		t.Fatalf("letter:\n%s", text)
	}
}
