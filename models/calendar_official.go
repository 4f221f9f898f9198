package models

import "time"

// The State Council arrangements for 2024–2026, transcribed from calendar-cn.md in the
// shape the notices use (a range of days off plus make-up working days) so a reader can
// compare them line by line. migrations/00002_calendar.sql holds the same days expanded;
// TestMigrationMatchesOfficialCalendar keeps the two equal.
type officialHoliday struct {
	name   string
	from   string // first day off, mm-dd
	to     string // last day off, mm-dd, inclusive
	makeUp []string
}

type officialYear struct {
	year     int
	source   string
	holidays []officialHoliday
}

var officialYears = []officialYear{
	{2024, "国办发明电〔2023〕7号", []officialHoliday{
		{"元旦", "01-01", "01-01", nil},
		{"春节", "02-10", "02-17", []string{"02-04", "02-18"}},
		{"清明节", "04-04", "04-06", []string{"04-07"}},
		{"劳动节", "05-01", "05-05", []string{"04-28", "05-11"}},
		{"端午节", "06-10", "06-10", nil},
		{"中秋节", "09-15", "09-17", []string{"09-14"}},
		{"国庆节", "10-01", "10-07", []string{"09-29", "10-12"}},
	}},
	{2025, "国办发明电〔2024〕12号", []officialHoliday{
		{"元旦", "01-01", "01-01", nil},
		{"春节", "01-28", "02-04", []string{"01-26", "02-08"}},
		{"清明节", "04-04", "04-06", nil},
		{"劳动节", "05-01", "05-05", []string{"04-27"}},
		{"端午节", "05-31", "06-02", nil},
		{"国庆节、中秋节", "10-01", "10-08", []string{"09-28", "10-11"}},
	}},
	{2026, "国办发明电〔2025〕7号", []officialHoliday{
		{"元旦", "01-01", "01-03", []string{"01-04"}},
		{"春节", "02-15", "02-23", []string{"02-14", "02-28"}},
		{"清明节", "04-04", "04-06", nil},
		{"劳动节", "05-01", "05-05", []string{"05-09"}},
		{"端午节", "06-19", "06-21", nil},
		{"中秋节", "09-25", "09-27", nil},
		{"国庆节", "10-01", "10-07", []string{"09-20", "10-10"}},
	}},
}

// OfficialCalendar2024to2026 returns the published years and every listed day: each day
// off expanded from its range, and each make-up working day. Fresh slices on each call.
func OfficialCalendar2024to2026() (years []int, days []CalendarDay) {
	for _, y := range officialYears {
		years = append(years, y.year)
		for _, h := range y.holidays {
			last := monthDay(y.year, h.to)
			for d := monthDay(y.year, h.from); !d.After(last); d = d.AddDays(1) {
				days = append(days, CalendarDay{d, DayOff, h.name})
			}
			for _, md := range h.makeUp {
				days = append(days, CalendarDay{monthDay(y.year, md), DayWork, h.name + "调休上班"})
			}
		}
	}
	return years, days
}

// OfficialCalendarSource names the notice that published year's arrangement, "" if none.
func OfficialCalendarSource(year int) string {
	for _, y := range officialYears {
		if y.year == year {
			return y.source
		}
	}
	return ""
}

// OfficialCalendar is the 2024–2026 Calendar, for tests, demo data and as a fallback
// before the database is seeded. The data is checked by tests, so a failure here is a
// programming error.
func OfficialCalendar() *Calendar {
	c, err := NewCalendar(OfficialCalendar2024to2026())
	if err != nil {
		panic("official calendar data: " + err.Error())
	}
	return c
}

func monthDay(year int, mmdd string) Date {
	t, err := time.Parse("01-02", mmdd)
	if err != nil {
		panic("official calendar data: bad day " + mmdd)
	}
	return NewDate(year, t.Month(), t.Day())
}
