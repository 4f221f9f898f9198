package models

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Date is a civil date in China, with no time of day and no zone: deadlines, notice
// periods and calendar days are whole days. It prints and parses as yyyy-mm-dd
// (seeds/003 attachment 1.3). The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ChinaTime is UTC+8, the one China time zone of the portal. China has kept it without
// daylight saving since 1991, so a fixed zone gives the same answer as Asia/Shanghai without
// depending on tzdata being installed.
var ChinaTime = time.FixedZone("CST", 8*60*60)

// DateTimeCN formats an instant in China time for lists and records: 2026-11-23 09:00.
func DateTimeCN(t time.Time) string { return t.In(ChinaTime).Format("2006-01-02 15:04") }

// DateTimeSecondsCN formats an instant in China time to the second, for records.
func DateTimeSecondsCN(t time.Time) string { return t.In(ChinaTime).Format("2006-01-02 15:04:05") }

const dateLayout = "2006-01-02"

// NewDate builds a Date, normalising overflow the way time.Date does (01-32 is 02-01).
func NewDate(year int, month time.Month, day int) Date {
	return dateFromTime(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf is the calendar day in China at instant t: the "today" of a request clock.
func DateOf(t time.Time) Date {
	y, m, d := t.In(ChinaTime).Date()
	return Date{y, m, d}
}

// ParseDate reads yyyy-mm-dd and rejects impossible days such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, Errorf(EInvalid, "日期「%s」格式不正确，应为 yyyy-mm-dd，例如 2026-03-10", s)
	}
	return dateFromTime(t), nil
}

// ParseRequiredDate is ParseDate for a date a form must have: a blank one is refused
// with 请填写 and what names.
func ParseRequiredDate(s, what string) (Date, error) {
	if strings.TrimSpace(s) == "" {
		return Date{}, Errorf(EInvalid, "请填写%s", what)
	}
	return ParseDate(s)
}

func dateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// utc is midnight UTC of d, used only for arithmetic: UTC has no DST, so every day is 24h.
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Start is the instant the day begins in China, for storing in timestamptz columns.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, ChinaTime)
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays moves d by n natural days (n may be negative).
func (d Date) AddDays(n int) Date { return dateFromTime(d.utc().AddDate(0, 0, n)) }

// Sub is the number of natural days from o to d: 2026-11-16.Sub(2026-11-02) == 14.
func (d Date) Sub(o Date) int { return int(d.utc().Sub(o.utc()).Hours() / 24) }

func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// IsWeekend reports Saturday or Sunday, before any holiday arrangement is applied.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }
func (d Date) After(o Date) bool  { return d.Compare(o) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int { return d.utc().Compare(o.utc()) }

// MarshalText and UnmarshalText let forms and JSON carry a Date as yyyy-mm-dd.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores a Date in a PostgreSQL date column; the zero Date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column. Drivers return either time.Time (at midnight, the zone of
// which is irrelevant for a date) or text.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, day := v.Date()
		*d = Date{y, m, day}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("models.Date: cannot scan %T", src)
}
