package models

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// DayKind says how the State Council arrangement overrides a day's weekday.
type DayKind string

const (
	DayOff  DayKind = "off"  // public holiday, including weekend days inside a holiday range
	DayWork DayKind = "work" // make-up working day (调休上班) on a Saturday or Sunday
)

// CalendarDay is one row of the published arrangement. Days not listed follow the
// weekday: Monday–Friday work, Saturday and Sunday rest.
type CalendarDay struct {
	Date Date
	Kind DayKind
	Name string // holiday name, e.g. 春节; for make-up days e.g. 春节调休上班
}

// Calendar answers working-day questions for the years whose arrangement has been
// published. Outside those years it refuses rather than guess (calendar-cn.md).
type Calendar struct {
	years map[int]bool
	days  map[Date]CalendarDay
}

// NewCalendar checks the data an admin entered and builds a Calendar from it.
func NewCalendar(years []int, days []CalendarDay) (*Calendar, error) {
	c := &Calendar{years: map[int]bool{}, days: map[Date]CalendarDay{}}
	for _, y := range years {
		if y < 2000 || y > 2200 {
			return nil, Errorf(EInvalid, "日历年份 %d 不合理", y)
		}
		if c.years[y] {
			return nil, Errorf(EInvalid, "日历年份 %d 重复", y)
		}
		c.years[y] = true
	}
	for _, d := range days {
		if d.Date.IsZero() {
			return nil, Errorf(EInvalid, "日历中有未填写日期的记录")
		}
		if !c.years[d.Date.Year] {
			return nil, Errorf(EInvalid, "%s 不在已发布的日历年份内，请先添加 %d 年", d.Date, d.Date.Year)
		}
		if _, dup := c.days[d.Date]; dup {
			return nil, Errorf(EInvalid, "%s 在日历中重复出现", d.Date)
		}
		if d.Name == "" {
			return nil, Errorf(EInvalid, "%s 缺少节假日名称", d.Date)
		}
		switch d.Kind {
		case DayOff:
			// Weekend days inside a holiday range are listed too: the notices count them
			// in the holiday ("2月10日至17日放假调休，共8天").
		case DayWork:
			if !d.Date.IsWeekend() {
				return nil, Errorf(EInvalid, "%s 是%s，本来就是工作日，不能登记为调休上班日", d.Date, weekdayCN(d.Date.Weekday()))
			}
		default:
			return nil, Errorf(EInvalid, "%s 的类型「%s」无效，应为 off（放假）或 work（调休上班）", d.Date, d.Kind)
		}
		c.days[d.Date] = d
	}
	return c, nil
}

// Years lists the covered years in order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Covers reports whether year's arrangement has been published and entered.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Day returns the listed arrangement for d, if any.
func (c *Calendar) Day(d Date) (CalendarDay, bool) {
	cd, ok := c.days[d]
	return cd, ok
}

// yearNotPublished is the refusal to count into a year without a calendar. It carries
// the year, so that a clock can wait for it (MissingCalendarYear) instead of failing.
type yearNotPublished struct {
	err  *Error
	Year int
}

func (e yearNotPublished) Error() string { return e.err.Message }
func (e yearNotPublished) Unwrap() error { return e.err }

func errYearNotPublished(year int) error {
	return yearNotPublished{Errorf(EInvalid, "%d 年的法定节假日安排尚未发布，无法计算工作日期限，请管理员先补录该年日历", year), year}
}

// MissingCalendarYear reports whether err is the refusal to count into an unpublished
// year, and which year that is.
func MissingCalendarYear(err error) (int, bool) {
	var e yearNotPublished
	if errors.As(err, &e) {
		return e.Year, true
	}
	return 0, false
}

// IsWorkingDay applies the arrangement to d; it errs when d's year is not covered.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if !c.years[d.Year] {
		return false, errYearNotPublished(d.Year)
	}
	if cd, ok := c.days[d]; ok {
		return cd.Kind == DayWork, nil
	}
	return !d.IsWeekend(), nil
}

// AddWorkingDays is the deadline of "within n working days from from": the first
// counted day is the first working day after from, the deadline the n-th
// (calendar-cn.md). It errs, never guesses, when counting reaches an uncovered year.
func (c *Calendar) AddWorkingDays(from Date, n int) (Date, error) {
	if n <= 0 {
		return Date{}, Errorf(EInvalid, "工作日天数须为正整数，收到 %d", n)
	}
	d := from
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			counted++
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days d with from < d <= to, so that
// WorkingDaysBetween(x, AddWorkingDays(x, n)) == n. It is 0 when to is not after from.
func (c *Calendar) WorkingDaysBetween(from, to Date) (int, error) {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// WorkingDaysLeft is what "还剩 N 个工作日" shows on today: the working days after today
// up to and including the deadline. 0 means the deadline is today (or has passed).
func (c *Calendar) WorkingDaysLeft(today, deadline Date) (int, error) {
	return c.WorkingDaysBetween(today, deadline)
}

// NaturalDaysLeft is deadline − today in natural days; negative once it has passed.
func NaturalDaysLeft(today, deadline Date) int { return deadline.Sub(today) }

// MinNoticeDays is the shortest public notice: "不少于14个自然日" (seeds/004 plan 1
// 四(二)5(1)). A city may set more, e.g. 15 (plan 6 四(四)).
const MinNoticeDays = 14

func weekdayCN(w time.Weekday) string {
	return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[w]
}

// String helps test failures and logs; it is not shown to users.
func (cd CalendarDay) String() string { return fmt.Sprintf("%s %s %s", cd.Date, cd.Kind, cd.Name) }
