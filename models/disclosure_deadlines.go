package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Disclosure deadlines of both rule sets, on the official calendar. A working-day due date
// that reaches a year whose holiday arrangement is not published is not guessed: the
// calendar's refusal is returned as it is, so MissingCalendarYear(err) names the year and
// the UI shows PendingCalendarText (待公布) rather than failing. Fixed-day deadlines need no
// calendar.

// MonthlyReportDue is the last day for the monthly figures as of p's month end: national,
// the 5th working day of the next month (003 §8 "每月前5个工作日内"); Shanghai, the 10th of
// the next month (002 §9(一)(二) "每月10日前").
func MonthlyReportDue(cal *Calendar, rs RuleSetID, p Period) (Date, error) {
	if !p.Valid() {
		return Date{}, Errorf(EInvalid, "报告期无效：%s", p)
	}
	return dueAfter(cal, DisclosureRules(rs).Monthly, p.MonthEnd())
}

// QuarterEnd is the last day of the quarter p falls in.
func QuarterEnd(p Period) Date { return Period{p.Year, (p.Month-1)/3*3 + 3}.MonthEnd() }

// QuarterLabel reads "2026年第3季度".
func QuarterLabel(p Period) string { return fmt.Sprintf("%d年第%d季度", p.Year, (p.Month-1)/3+1) }

// QuarterlyReportDue is the last day for the quarterly figures (concentration, overdue
// 90 days, customers) of the quarter p falls in: 30 natural days after the quarter end
// (002 §9(三)–(五) "每季度后30日内"). The national set has no quarterly report: these
// items are monthly there (003 §8), and it refuses.
func QuarterlyReportDue(rs RuleSetID, p Period) (Date, error) {
	r := DisclosureRules(rs)
	if r.Quarterly == nil {
		return Date{}, Errorf(EInvalid, "%s不设季度披露，集中度、逾期等数据按月披露（%s第八条）", r.Name, citeNationalDisclosure)
	}
	if !p.Valid() {
		return Date{}, Errorf(EInvalid, "报告期无效：%s", p)
	}
	return dueAfter(nil, *r.Quarterly, QuarterEnd(p))
}

// IsQuarterEnd reports whether p is the last month of its quarter (March, June, September,
// December).
func IsQuarterEnd(p Period) bool { return p.Month%3 == 0 }

// QuarterlyReportStatus is where the Shanghai quarterly report of the quarter ending with
// the month q stands. The quarterly items of 002 §9(三)–(五) are figures "截至上季度末": the
// top-10 and largest borrower's balances and shares, the 90-day overdue amount and rates,
// and the customer counts, as of the quarter end. The monthly report of the quarter's last
// month carries every one of them as of that same day (the concentration, overdue and
// customer items of 003 §8 are in the monthly set), so the portal asks for no second form:
// the first version of q's monthly report is the quarterly report, timed against the
// quarterly due day (30 natural days after the quarter end) rather than the monthly one.
// A platform whose March figures came on 20 April is late for the month (the 10th) but on
// time for the quarter (30 April). first is that first submission, nil when none.
func QuarterlyReportStatus(q Period, filed Date, first *time.Time, due, today Date) ReportStatus {
	return MonthlyReportStatus(q, filed, first, due, today)
}

// AnnualBasicDue is the last day in year for the filing and organisation information of
// 003 §7(一)(二): 01-10. Shanghai sets no such day (its basic information is kept current
// within 15 working days of a change, 002 §13): ok is false.
func AnnualBasicDue(rs RuleSetID, year int) (due Date, ok bool) {
	r := DisclosureRules(rs)
	if r.AnnualBasic == nil {
		return Date{}, false
	}
	return NewDate(year, time.Month(r.AnnualBasic.Month), r.AnnualBasic.DayOfMonth), true
}

// AnnualAuditDue is the last day in year for the previous year's audit: national, the
// audit report, key-link audit and compliance review by 04-30 (003 §7(三)); Shanghai, the
// accounts and audit report by the end of April (002 §10).
func AnnualAuditDue(rs RuleSetID, year int) Date {
	r := DisclosureRules(rs).AnnualAudit
	return NewDate(year, time.Month(r.Month), r.DayOfMonth)
}

// ChangeRule is the rule a change to disclosed information falls under.
func ChangeRule(rs RuleSetID, major bool) DeadlineRule {
	r := DisclosureRules(rs)
	if major && r.ChangeMajor != nil {
		return *r.ChangeMajor
	}
	return r.Change
}

// ChangeReportDue is the last day to update disclosed information after a change on
// occurred: national, 10 working days (003 §7), major or not (a major event has its own
// 48 hours, EventReportDue); Shanghai, 15 working days, a major matter 5 (002 §13).
func ChangeReportDue(cal *Calendar, rs RuleSetID, occurred Date, major bool) (Date, error) {
	if occurred.IsZero() {
		return Date{}, Errorf(EInvalid, "请填写信息发生变更的日期")
	}
	return dueAfter(cal, ChangeRule(rs, major), occurred)
}

// EventReportDue is the instant by which a major event of 003 §10, of the institution or
// one of its branches, must be disclosed: 48 clock hours after it occurred, holidays
// included (calendar-cn.md).
func EventReportDue(occurredAt time.Time) time.Time {
	return occurredAt.Add(EventReportHours * time.Hour)
}

// EventReportLate reports whether a disclosure at reportedAt missed the 48 hours.
func EventReportLate(occurredAt, reportedAt time.Time) bool {
	return reportedAt.After(EventReportDue(occurredAt))
}

// dueAfter applies a day-counting or fixed-day rule to the day that starts it.
func dueAfter(cal *Calendar, r DeadlineRule, from Date) (Date, error) {
	if r.DayOfMonth > 0 {
		if r.Month > 0 {
			return NewDate(from.Year, time.Month(r.Month), r.DayOfMonth), nil
		}
		next := PeriodOf(from).Next()
		return NewDate(next.Year, time.Month(next.Month), r.DayOfMonth), nil
	}
	switch r.DayType {
	case ClockNaturalDays:
		return from.AddDays(r.Length), nil
	case ClockWorkingDays:
		if cal == nil {
			return Date{}, Errorf(EInternal, "工作日期限缺少日历")
		}
		return cal.AddWorkingDays(from, r.Length)
	}
	return Date{}, Errorf(EInternal, "期限规则「%s」不按日计算", r.Name)
}

// MajorEventCategory is one of the seven kinds of 003 §10.
type MajorEventCategory string

const (
	EventCapitalChange     MajorEventCategory = "capital_change"     // (一)
	EventBankruptcy        MajorEventCategory = "bankruptcy"         // (二)
	EventOrderedClosure    MajorEventCategory = "ordered_closure"    // (三)
	EventCompanyLitigation MajorEventCategory = "company_litigation" // (四)
	EventOfficerLitigation MajorEventCategory = "officer_litigation" // (五)
	EventBusinessHalt      MajorEventCategory = "business_halt"      // (六)
	EventOtherMajor        MajorEventCategory = "other_major"        // (七)
)

// MajorEventCategoryInfo is one row of the table of 003 §10.
type MajorEventCategoryInfo struct {
	Category MajorEventCategory
	Name     string // short Chinese name for lists
	Text     string // the clause's words
	Clause   string
}

func e10(item string) string { return citeNationalDisclosure + "第十条" + item }

// MajorEventCategories are the seven kinds, in the order of 003 §10.
var MajorEventCategories = []MajorEventCategoryInfo{
	{EventCapitalChange, "减资、合并、分立、解散或申请破产", "公司减资、合并、分立、解散或申请破产", e10("(一)")},
	{EventBankruptcy, "依法进入破产程序", "公司依法进入破产程序", e10("(二)")},
	{EventOrderedClosure, "被责令停业、整顿、关闭", "公司被责令停业、整顿、关闭", e10("(三)")},
	{EventCompanyLitigation, "公司涉及重大诉讼、仲裁或被调查、处罚", "公司涉及重大诉讼、仲裁，或涉嫌违法违规被有权机关调查，或受到刑事处罚、重大行政处罚", e10("(四)")},
	{EventOfficerLitigation, "主要人员涉及重大诉讼、仲裁或被调查、处罚、采取强制措施", "公司法定代表人、实际控制人、主要负责人、董事、监事、高级管理人员涉及重大诉讼、仲裁，或涉嫌违法违纪被有权机关调查，或受到刑事处罚、重大行政处罚，或被采取强制措施", e10("(五)")},
	{EventBusinessHalt, "主要或全部业务陷入停顿", "公司主要或者全部业务陷入停顿", e10("(六)")},
	{EventOtherMajor, "欺诈、损害出借人利益等其他重大事项", "存在欺诈、损害出借人利益等其他影响网络借贷信息中介机构经营活动的重大事项", e10("(七)")},
}

// MajorEventCategoryOf looks a category up.
func MajorEventCategoryOf(c MajorEventCategory) (MajorEventCategoryInfo, bool) {
	for _, i := range MajorEventCategories {
		if i.Category == c {
			return i, true
		}
	}
	return MajorEventCategoryInfo{}, false
}

// Label is the short Chinese name.
func (c MajorEventCategory) Label() string {
	if i, ok := MajorEventCategoryOf(c); ok {
		return i.Name
	}
	return string(c)
}

// MajorEventReport is the disclosure of one event: 003 §10 requires its cause, current
// state, possible impact and the measures taken.
type MajorEventReport struct {
	Category   MajorEventCategory
	OccurredAt time.Time
	Cause      string // 事件的起因
	State      string // 目前的状态
	Impact     string // 可能产生的影响
	Measures   string // 采取的措施
}

// CheckMajorEventReport lists what a report lacks, by form field: category, occurred_at,
// cause, state, impact, measures.
func CheckMajorEventReport(r MajorEventReport) []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{Field: field, Err: Errorf(EInvalid, format, args...)})
	}
	if _, ok := MajorEventCategoryOf(r.Category); !ok {
		add("category", "请选择重大事件类别（%s第十条所列七类）", citeNationalDisclosure)
	}
	if r.OccurredAt.IsZero() {
		add("occurred_at", "请填写事件发生时间：48 小时披露期限自发生时起算（%s）", e10(""))
	}
	for _, f := range []struct{ key, name, v string }{
		{"cause", "事件的起因", r.Cause}, {"state", "目前的状态", r.State},
		{"impact", "可能产生的影响", r.Impact}, {"measures", "采取的措施", r.Measures},
	} {
		if strings.TrimSpace(f.v) == "" {
			add(f.key, "请填写%s（%s）", f.name, e10(""))
		}
	}
	return out
}

// DisclosureObligation is one due date of a platform's submission calendar.
type DisclosureObligation struct {
	Kind        DisclosureKind
	Name        string
	Covers      string       // what it reports on: 2026-09, 2026年第3季度, 2025年度
	Period      Period       // the month (monthly), the quarter's last month (quarterly), or {year-1, 12} (annual)
	Due         Date         // zero while pending
	PendingYear int          // the year whose calendar the due date waits for; 0 if known
	Rule        string       // 每月前 5 个工作日内 …
	DayKind     DeadlineKind // how NewDeadline counts the days left
	Clause      string
}

// OnTime reports whether a submission on submitted met the obligation; known is false
// while the due date is pending (a submission is then not shown to be late).
func (o DisclosureObligation) OnTime(submitted Date) (onTime, known bool) {
	if o.PendingYear != 0 || o.Due.IsZero() {
		return true, false
	}
	return !submitted.After(o.Due), true
}

// Deadline is how the obligation reads on today (还剩 N 个工作日 / 已逾期 N 天), by
// NewDeadline; a pending due date returns the calendar's pending refusal.
func (o DisclosureObligation) Deadline(cal *Calendar, today Date) (Deadline, error) {
	if o.PendingYear != 0 {
		return Deadline{}, errYearNotPublished(o.PendingYear)
	}
	return NewDeadline(cal, o.DayKind, o.Due, today)
}

// DueText is the due date as shown, or 待定：须待 N 年法定节假日安排公布.
func (o DisclosureObligation) DueText() string {
	if o.PendingYear != 0 {
		return PendingCalendarText(o.PendingYear)
	}
	return o.Due.String()
}

// DisclosureObligations lists every periodic due date that falls in year under rs, in
// date order: the monthly figures (those of the previous December to November), the
// quarterly figures (Shanghai), the yearly basic information (national) and the audit.
// Changes and events have no calendar: they run from their own day. A due date that
// needs an unpublished year is listed as pending.
func DisclosureObligations(cal *Calendar, rs RuleSetID, year int) ([]DisclosureObligation, error) {
	r := DisclosureRules(rs)
	var out []DisclosureObligation
	add := func(o DisclosureObligation, due Date, err error) error {
		if y, missing := MissingCalendarYear(err); missing {
			o.PendingYear = y
		} else if err != nil {
			return err
		} else {
			o.Due = due
		}
		out = append(out, o)
		return nil
	}
	if due, ok := AnnualBasicDue(rs, year); ok {
		b := r.AnnualBasic
		out = append(out, DisclosureObligation{Kind: b.Kind, Name: b.Name, Covers: fmt.Sprintf("%d年度", year),
			Period: Period{year - 1, 12}, Due: due, Rule: b.Text, DayKind: b.DeadlineKind(), Clause: b.Clause})
	}
	a := r.AnnualAudit
	out = append(out, DisclosureObligation{Kind: a.Kind, Name: a.Name, Covers: fmt.Sprintf("%d年度", year-1),
		Period: Period{year - 1, 12}, Due: AnnualAuditDue(rs, year), Rule: a.Text, DayKind: a.DeadlineKind(), Clause: a.Clause})
	for p, last := (Period{year - 1, 12}), (Period{year, 11}); p.Key() <= last.Key(); p = p.Next() {
		due, err := MonthlyReportDue(cal, rs, p)
		if err := add(DisclosureObligation{Kind: r.Monthly.Kind, Name: r.Monthly.Name, Covers: p.String(), Period: p,
			Rule: r.Monthly.Text, DayKind: r.Monthly.DeadlineKind(), Clause: r.Monthly.Clause}, due, err); err != nil {
			return nil, err
		}
	}
	if q := r.Quarterly; q != nil {
		for _, p := range []Period{{year - 1, 12}, {year, 3}, {year, 6}, {year, 9}} {
			due, err := QuarterlyReportDue(rs, p)
			if err := add(DisclosureObligation{Kind: q.Kind, Name: q.Name, Covers: QuarterLabel(p), Period: p,
				Rule: q.Text, DayKind: q.DeadlineKind(), Clause: q.Clause}, due, err); err != nil {
				return nil, err
			}
		}
	}
	key := func(o DisclosureObligation) Date {
		if o.PendingYear != 0 {
			return o.Period.MonthEnd().AddDays(1)
		}
		return o.Due
	}
	slices.SortStableFunc(out, func(a, b DisclosureObligation) int { return key(a).Compare(key(b)) })
	return out, nil
}
