package models

import "fmt"

// Due dates are computed by the clock engine (clock.go) only; this file holds the
// statutory lengths and how a known due date reads on a given day.

// Statutory periods in working days.
const (
	// ObjectionWorkingDays: an objection to a failed acceptance is due "自被告知之日起5个
	// 工作日内" (seeds/004 plan 1 四(二)5(2)).
	ObjectionWorkingDays = 5
	// ScopeChangeWorkingDays: after the certificate the business scope must be changed
	// "应于5个工作日内" (seeds/004 plan 1 六(一)).
	ScopeChangeWorkingDays = 5
)

// DeadlineKind says whether a deadline counts working or natural days.
type DeadlineKind string

const (
	DeadlineWorking DeadlineKind = "working"
	DeadlineNatural DeadlineKind = "natural"
)

// Deadline is what a list or page shows about a due date on a given day. A deadline runs
// to 24:00 of Due (calendar-cn.md), so it is overdue only from the next day on.
type Deadline struct {
	Due         Date
	Kind        DeadlineKind
	Left        int  // working or natural days after today up to Due; 0 on the day itself
	Overdue     bool // today is after Due
	OverdueDays int  // natural days past Due, when Overdue
}

// NewDeadline describes due as seen on today. cal may be nil for natural-day deadlines.
func NewDeadline(cal *Calendar, kind DeadlineKind, due, today Date) (Deadline, error) {
	dl := Deadline{Due: due, Kind: kind}
	if today.After(due) {
		// Lateness is told in natural days whatever the kind: it is elapsed time, and it
		// must still show when today lies in a year whose calendar is not yet entered.
		dl.Overdue, dl.OverdueDays = true, today.Sub(due)
		return dl, nil
	}
	switch kind {
	case DeadlineNatural:
		dl.Left = NaturalDaysLeft(today, due)
	case DeadlineWorking:
		if cal == nil {
			return Deadline{}, Errorf(EInternal, "工作日期限缺少日历")
		}
		left, err := cal.WorkingDaysLeft(today, due)
		if err != nil {
			return Deadline{}, err
		}
		dl.Left = left
	default:
		return Deadline{}, Errorf(EInternal, "未知的期限类型「%s」", kind)
	}
	return dl, nil
}

// String is the short Chinese text for a deadline chip.
func (dl Deadline) String() string {
	switch {
	case dl.Overdue:
		return fmt.Sprintf("已逾期 %d 天", dl.OverdueDays)
	case dl.Left == 0:
		return "今日截止"
	case dl.Kind == DeadlineWorking:
		return fmt.Sprintf("还剩 %d 个工作日", dl.Left)
	default:
		return fmt.Sprintf("还剩 %d 天", dl.Left)
	}
}
