package models

import (
	"strings"
	"testing"
	"time"
)

// Expected dates are counted by hand from /work/shared/calendar-cn.md.

func TestMonthlyReportDue(t *testing.T) {
	cal := OfficialCalendar()
	cases := []struct {
		rs     RuleSetID
		period string
		want   string
		why    string
	}{
		{RuleSetNational, "2026-09", "2026-10-13", "003 §8: 10-01…07 off; 10-08, 10-09, 10-10 (Sat 调休), 10-12, 10-13"},
		{RuleSetNational, "2026-01", "2026-02-06", "003 §8: 02-02 … 02-06, plain week"},
		{RuleSetNational, "2025-12", "2026-01-08", "003 §8: 01-01…03 off; 01-04 (Sun 调休), 01-05, 06, 07, 08"},
		{RuleSetNational, "2026-04", "2026-05-11", "003 §8: 05-01…05 off; 05-06, 07, 08, 05-09 (Sat 调休), 05-11"},
		{RuleSetNational, "2025-01", "2025-02-10", "003 §8: 春节 01-28…02-04; 02-05, 06, 07, 02-08 (Sat 调休), 02-10"},
		{RuleSetNational, "2026-11", "2026-12-07", "003 §8: 12-01 … 12-04, 12-07"},
		{RuleSetShanghai, "2026-09", "2026-10-10", "002 §9(一)(二): the 10th, a fixed day"},
		{RuleSetShanghai, "2026-01", "2026-02-10", "002 §9(一)(二)"},
		{RuleSetShanghai, "2026-12", "2027-01-10", "002 §9(一)(二): a fixed day needs no 2027 calendar"},
	}
	for _, c := range cases {
		p, _ := ParsePeriod(c.period)
		got, err := MonthlyReportDue(cal, c.rs, p)
		if err != nil || got != d(t, c.want) {
			t.Errorf("%s %s: got %v, %v; want %s (%s)", c.rs, c.period, got, err, c.want, c.why)
		}
	}
}

func TestMonthlyReportDuePendingYear(t *testing.T) {
	// 003 §8: December 2026 figures are due in January 2027, whose arrangement is not
	// published: the calendar's pending refusal comes through, naming 2027.
	_, err := MonthlyReportDue(OfficialCalendar(), RuleSetNational, Period{2026, 12})
	if y, ok := MissingCalendarYear(err); !ok || y != 2027 {
		t.Fatalf("want pending 2027, got %v", err)
	}
	if _, err := MonthlyReportDue(OfficialCalendar(), RuleSetNational, Period{2026, 13}); ErrorCode(err) != EInvalid {
		t.Errorf("invalid period accepted: %v", err)
	}
}

func TestQuarterlyReportDue(t *testing.T) {
	cases := []struct{ period, want, why string }{
		{"2026-01", "2026-04-30", "002 §9(三)–(五): 03-31 + 30 days"},
		{"2026-03", "2026-04-30", "002 §9: same quarter"},
		{"2026-05", "2026-07-30", "002 §9: 06-30 + 30"},
		{"2026-08", "2026-10-30", "002 §9: 09-30 + 30, holidays count"},
		{"2026-12", "2027-01-30", "002 §9: 12-31 + 30"},
	}
	for _, c := range cases {
		p, _ := ParsePeriod(c.period)
		got, err := QuarterlyReportDue(RuleSetShanghai, p)
		if err != nil || got != d(t, c.want) {
			t.Errorf("%s: got %v, %v; want %s (%s)", c.period, got, err, c.want, c.why)
		}
	}
	if _, err := QuarterlyReportDue(RuleSetNational, Period{2026, 3}); ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), "第八条") {
		t.Errorf("national set has no quarterly report (003 §8 monthly): %v", err)
	}
}

func TestAnnualDue(t *testing.T) {
	if got, ok := AnnualBasicDue(RuleSetNational, 2026); !ok || got != d(t, "2026-01-10") {
		t.Errorf("003 §7(一)(二) by 01-10: %v %v", got, ok)
	}
	if _, ok := AnnualBasicDue(RuleSetShanghai, 2026); ok {
		t.Errorf("002 sets no yearly day for basic information (§13 changes)")
	}
	for _, rs := range []RuleSetID{RuleSetNational, RuleSetShanghai} {
		if got := AnnualAuditDue(rs, 2027); got != d(t, "2027-04-30") {
			t.Errorf("%s audit (003 §7(三) / 002 §10): %v", rs, got)
		}
	}
}

func TestChangeReportDue(t *testing.T) {
	cal := OfficialCalendar()
	cases := []struct {
		rs       RuleSetID
		occurred string
		major    bool
		want     string
		why      string
	}{
		{RuleSetNational, "2026-09-28", false, "2026-10-16", "003 §7 10 wd: 09-29, 09-30, 10-08, 09, 10(Sat 调休), 12, 13, 14, 15, 16"},
		{RuleSetNational, "2026-09-28", true, "2026-10-16", "003 §7 has no shorter rule for major changes"},
		{RuleSetShanghai, "2026-09-28", false, "2026-10-23", "002 §13 15 wd: … 10-16 (10th), 19, 20, 21, 22, 23"},
		{RuleSetShanghai, "2026-09-28", true, "2026-10-10", "002 §13 major 5 wd: 09-29, 09-30, 10-08, 10-09, 10-10 (Sat 调休)"},
		{RuleSetShanghai, "2026-02-12", true, "2026-02-26", "002 §13 major 5 wd: 02-13, 02-14 (Sat 调休), 春节 to 02-23, 02-24, 25, 26"},
		// After Fri 2024-09-27: 09-29 Sun 调休 (1), 09-30 (2), 10-01…07 off, 10-08 (3),
		// 09 (4), 10 (5), 11 (6), 10-12 Sat 调休 (7), 10-14 (8), 15 (9), 16 (10).
		{RuleSetNational, "2024-09-27", false, "2024-10-16", "003 §7 10 wd across 国庆 2024 with two 调休 days"},
	}
	for _, c := range cases {
		got, err := ChangeReportDue(cal, c.rs, d(t, c.occurred), c.major)
		if err != nil || got != d(t, c.want) {
			t.Errorf("%s %s major=%v: got %v, %v; want %s (%s)", c.rs, c.occurred, c.major, got, err, c.want, c.why)
		}
	}
	_, err := ChangeReportDue(cal, RuleSetNational, d(t, "2026-12-25"), false)
	if y, ok := MissingCalendarYear(err); !ok || y != 2027 {
		t.Errorf("003 §7 counting into 2027 must wait for its calendar: %v", err)
	}
	if _, err := ChangeReportDue(cal, RuleSetNational, Date{}, false); ErrorCode(err) != EInvalid {
		t.Errorf("zero date accepted: %v", err)
	}
}

func TestEventReportDue(t *testing.T) {
	// 003 §10: 48 clock hours, holidays included.
	at := time.Date(2026, 9, 30, 18, 0, 0, 0, ChinaTime)
	want := time.Date(2026, 10, 2, 18, 0, 0, 0, ChinaTime)
	if got := EventReportDue(at); !got.Equal(want) {
		t.Errorf("EventReportDue = %v, want %v", got, want)
	}
	if EventReportLate(at, want) {
		t.Errorf("at exactly 48 hours is in time")
	}
	if !EventReportLate(at, want.Add(time.Minute)) {
		t.Errorf("48 hours and a minute is late")
	}
}

func TestMajorEventCategories(t *testing.T) {
	if len(MajorEventCategories) != 7 {
		t.Fatalf("003 §10 lists 7 categories, have %d", len(MajorEventCategories))
	}
	items := []string{"(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)"}
	seen := map[MajorEventCategory]bool{}
	for i, c := range MajorEventCategories {
		if seen[c.Category] || c.Name == "" || c.Text == "" || !strings.HasSuffix(c.Clause, "第十条"+items[i]) {
			t.Errorf("category %d: %+v", i, c)
		}
		seen[c.Category] = true
	}
	if EventBankruptcy.Label() != "依法进入破产程序" {
		t.Errorf("label: %s", EventBankruptcy.Label())
	}
	errs := CheckMajorEventReport(MajorEventReport{Cause: "  "})
	fields := map[string]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	for _, f := range []string{"category", "occurred_at", "cause", "state", "impact", "measures"} {
		if !fields[f] {
			t.Errorf("003 §10: missing %s not refused: %s", f, FieldErrorsText(errs))
		}
	}
	ok := MajorEventReport{Category: EventBusinessHalt, OccurredAt: time.Date(2026, 10, 1, 9, 0, 0, 0, ChinaTime),
		Cause: "存管银行系统故障", State: "出借人无法提现", Impact: "本月回款延迟", Measures: "已启用备用通道"}
	if errs := CheckMajorEventReport(ok); len(errs) != 0 {
		t.Errorf("complete report refused: %s", FieldErrorsText(errs))
	}
}

func TestDisclosureObligations(t *testing.T) {
	cal := OfficialCalendar()
	nat, err := DisclosureObligations(cal, RuleSetNational, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(nat) != 14 {
		t.Fatalf("national 2026: 12 monthly + basic + audit, got %d", len(nat))
	}
	// First: December 2025 figures due 01-08 (hand count above), then basic info 01-10.
	if nat[0].Kind != DisclosureMonthly || nat[0].Covers != "2025-12" || nat[0].Due != d(t, "2026-01-08") {
		t.Errorf("first: %+v", nat[0])
	}
	if nat[1].Kind != DisclosureAnnualBasic || nat[1].Due != d(t, "2026-01-10") {
		t.Errorf("second: %+v", nat[1])
	}
	found := false
	for i, o := range nat {
		if i > 0 && o.Due.Before(nat[i-1].Due) {
			t.Errorf("not in date order at %d", i)
		}
		if o.Covers == "2026-09" {
			found = o.Due == d(t, "2026-10-13")
		}
		if o.Kind == DisclosureAnnualAudit && (o.Due != d(t, "2026-04-30") || o.Covers != "2025年度") {
			t.Errorf("audit: %+v", o)
		}
	}
	if !found {
		t.Errorf("September 2026 figures not due 2026-10-13")
	}

	sh, err := DisclosureObligations(cal, RuleSetShanghai, 2026)
	if err != nil || len(sh) != 17 {
		t.Fatalf("Shanghai 2026: 12 monthly + 4 quarterly + audit, got %d, %v", len(sh), err)
	}
	var quarters []string
	for _, o := range sh {
		if o.Kind == DisclosureQuarterly {
			quarters = append(quarters, o.Covers+"@"+o.Due.String())
		}
	}
	want := "2025年第4季度@2026-01-30 2026年第1季度@2026-04-30 2026年第2季度@2026-07-30 2026年第3季度@2026-10-30"
	if strings.Join(quarters, " ") != want {
		t.Errorf("quarters: %v", quarters)
	}

	// 2027 has no published calendar: the national monthly dates wait for it.
	n27, err := DisclosureObligations(cal, RuleSetNational, 2027)
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, o := range n27 {
		if o.PendingYear == 2027 {
			pending++
			if !strings.Contains(o.DueText(), "2027") || !o.Due.IsZero() {
				t.Errorf("pending text: %q", o.DueText())
			}
		}
	}
	if pending != 12 {
		t.Errorf("want 12 monthly dates pending 2027, got %d", pending)
	}
}

func TestObligationDayKindAndOnTime(t *testing.T) {
	cal := OfficialCalendar()
	nat, _ := DisclosureObligations(cal, RuleSetNational, 2026)
	for _, o := range nat {
		want := DeadlineNatural // fixed days (003 §7)
		if o.Kind == DisclosureMonthly {
			want = DeadlineWorking // 003 §8 working days
		}
		if o.DayKind != want {
			t.Errorf("%s %s: day kind %s", o.Kind, o.Covers, o.DayKind)
		}
		if o.Covers == "2026-09" {
			if ok, known := o.OnTime(d(t, "2026-10-13")); !ok || !known {
				t.Errorf("on the due day is in time")
			}
			if ok, _ := o.OnTime(d(t, "2026-10-14")); ok {
				t.Errorf("the day after is late")
			}
			// On 2026-10-09: 10-10 (Sat 调休), 10-12, 10-13 are left.
			if dl, err := o.Deadline(cal, d(t, "2026-10-09")); err != nil || dl.Left != 3 || dl.String() != "还剩 3 个工作日" {
				t.Errorf("deadline on 10-09: %+v %v", dl, err)
			}
		}
	}
	sh, _ := DisclosureObligations(cal, RuleSetShanghai, 2026)
	for _, o := range sh {
		if o.DayKind != DeadlineNatural {
			t.Errorf("Shanghai %s: fixed day or natural days, got %s", o.Kind, o.DayKind)
		}
	}
	n27, _ := DisclosureObligations(cal, RuleSetNational, 2027)
	for _, o := range n27 {
		if o.PendingYear != 0 {
			if ok, known := o.OnTime(d(t, "2027-12-31")); !ok || known {
				t.Errorf("pending due date cannot show a submission late")
			}
			if _, err := o.Deadline(cal, d(t, "2027-01-02")); err == nil {
				t.Errorf("pending deadline computed")
			} else if y, ok := MissingCalendarYear(err); !ok || y != 2027 {
				t.Errorf("pending error: %v", err)
			}
			break
		}
	}
}
