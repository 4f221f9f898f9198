package models

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIsWorkingDay(t *testing.T) {
	cal := OfficialCalendar()
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-09-20", true, "Sunday make-up day before National Day"},
		{"2026-10-10", true, "Saturday make-up day after National Day"},
		{"2026-10-07", false, "National Day holiday, Wednesday"},
		{"2026-10-08", true, "first weekday after National Day"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2024-02-04", true, "Sunday make-up day before Spring Festival 2024"},
		{"2024-02-09", true, "除夕 2024 is not in the off range"},
		{"2024-02-12", false, "Spring Festival 2024, Monday"},
		{"2024-02-17", false, "last day of Spring Festival 2024, Saturday"},
		{"2024-02-18", true, "Sunday make-up day after Spring Festival 2024"},
		{"2025-01-26", true, "Sunday make-up day 2025"},
		{"2025-10-08", false, "2025 National Day and Mid-Autumn run to 10-08"},
		{"2026-01-02", false, "New Year 2026, Friday"},
		{"2026-01-04", true, "Sunday make-up day 2026"},
		{"2026-06-19", false, "Dragon Boat 2026, Friday"},
		{"2026-11-03", true, "ordinary Tuesday"},
	}
	for _, tt := range tests {
		got, err := cal.IsWorkingDay(d(t, tt.day))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v (%s)", tt.day, got, err, tt.want, tt.why)
		}
	}
}

func TestIsWorkingDayRefusesUnpublishedYear(t *testing.T) {
	cal := OfficialCalendar()
	for _, day := range []string{"2023-12-29", "2027-01-04"} {
		_, err := cal.IsWorkingDay(d(t, day))
		if ErrorCode(err) != EInvalid {
			t.Fatalf("IsWorkingDay(%s) err = %v, want EInvalid", day, err)
		}
		want := day[:4] + " 年的法定节假日安排尚未发布，无法计算工作日期限，请管理员先补录该年日历"
		if ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", ErrorMessage(err), want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := OfficialCalendar()
	tests := []struct {
		from string
		n    int
		want string
		why  string
	}{
		// After 09-30: 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 Mon, 10-13 Tue.
		{"2026-09-30", 5, "2026-10-13", "objection across National Day 2026"},
		{"2026-09-18", 1, "2026-09-20", "Sunday make-up day counts"},
		// After 02-08 (Thu): 02-09 Fri, then 02-18 Sun (make-up), 02-19 Mon.
		{"2024-02-08", 3, "2024-02-19", "across Spring Festival 2024"},
		{"2024-02-10", 1, "2024-02-18", "notified during the holiday"},
		{"2024-02-03", 1, "2024-02-04", "from a Saturday to the Sunday make-up day"},
		{"2026-10-12", 1, "2026-10-13", "an ordinary next day"},
		// After 12-26: 12-29, 12-30, 12-31, 01-04 (Sun make-up), 01-05.
		{"2025-12-26", 5, "2026-01-05", "across New Year 2026 and its Sunday make-up day"},
		{"2026-12-23", 5, "2026-12-30", "inside the covered year"},
	}
	for _, tt := range tests {
		got, err := cal.AddWorkingDays(d(t, tt.from), tt.n)
		if err != nil || got.String() != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, %v; want %s (%s)", tt.from, tt.n, got, err, tt.want, tt.why)
		}
	}
}

func TestAddWorkingDaysRefuses(t *testing.T) {
	cal := OfficialCalendar()
	// 12-29, 12-30, 12-31 count; the fourth day would be in 2027, which is unpublished.
	_, err := cal.AddWorkingDays(d(t, "2026-12-28"), 5)
	if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), "2027 年的法定节假日安排尚未发布") {
		t.Errorf("reaching 2027: err = %v", err)
	}
	for _, n := range []int{0, -1} {
		if _, err := cal.AddWorkingDays(d(t, "2026-03-02"), n); ErrorCode(err) != EInvalid {
			t.Errorf("n=%d: err = %v, want EInvalid", n, err)
		}
	}
	// A gap in the covered years is refused too, not bridged.
	gappy, err := NewCalendar([]int{2024, 2026}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gappy.AddWorkingDays(d(t, "2024-12-30"), 3); !strings.Contains(ErrorMessage(err), "2025 年") {
		t.Errorf("gap year: err = %v", err)
	}
}

func TestWorkingDaysBetweenInvertsAdd(t *testing.T) {
	cal := OfficialCalendar()
	for _, from := range []string{"2024-02-08", "2024-09-27", "2025-09-26", "2026-09-30", "2026-02-13", "2026-05-08"} {
		for n := 1; n <= 12; n++ {
			due, err := cal.AddWorkingDays(d(t, from), n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cal.WorkingDaysBetween(d(t, from), due)
			if err != nil || got != n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", from, due, got, err, n)
			}
		}
	}
	if n, _ := cal.WorkingDaysBetween(d(t, "2026-10-13"), d(t, "2026-10-12")); n != 0 {
		t.Errorf("backwards span = %d, want 0", n)
	}
}

func TestWorkingDaysPerYear(t *testing.T) {
	// Worked by hand: weekdays − holidays falling on weekdays + make-up days.
	// 2024: 262 − 19 + 8; 2025: 261 − 18 + 5; 2026: 261 − 19 + 6.
	cal := OfficialCalendar()
	for year, want := range map[int]int{2024: 251, 2025: 248, 2026: 248} {
		got, err := cal.WorkingDaysBetween(NewDate(year, time.January, 0), NewDate(year, time.December, 31))
		if err != nil || got != want {
			t.Errorf("%d: %d working days, %v; want %d", year, got, err, want)
		}
	}
}

func TestLeftAndNatural(t *testing.T) {
	cal := OfficialCalendar()
	due := d(t, "2026-10-13")
	tests := []struct {
		today            string
		working, natural int
	}{
		{"2026-09-30", 5, 13},
		{"2026-10-03", 5, 10}, // holidays do not use up the time
		{"2026-10-12", 1, 1},
		{"2026-10-13", 0, 0},
	}
	for _, tt := range tests {
		w, err := cal.WorkingDaysLeft(d(t, tt.today), due)
		if err != nil || w != tt.working {
			t.Errorf("WorkingDaysLeft(%s) = %d, %v; want %d", tt.today, w, err, tt.working)
		}
		if n := NaturalDaysLeft(d(t, tt.today), due); n != tt.natural {
			t.Errorf("NaturalDaysLeft(%s) = %d, want %d", tt.today, n, tt.natural)
		}
	}
	if n := NaturalDaysLeft(d(t, "2026-10-15"), due); n != -2 {
		t.Errorf("NaturalDaysLeft after due = %d, want -2", n)
	}
}

func TestNewCalendarValidates(t *testing.T) {
	day := func(s string, k DayKind, name string) CalendarDay { return CalendarDay{d(t, s), k, name} }
	tests := []struct {
		name  string
		years []int
		days  []CalendarDay
		want  string // substring of the error, "" for success
	}{
		{"ok", []int{2026}, []CalendarDay{day("2026-10-01", DayOff, "国庆节"), day("2026-10-10", DayWork, "国庆节调休上班")}, ""},
		{"weekend inside a holiday range is fine", []int{2026}, []CalendarDay{day("2026-10-03", DayOff, "国庆节")}, ""},
		{"day outside covered years", []int{2026}, []CalendarDay{day("2027-01-01", DayOff, "元旦")}, "请先添加 2027 年"},
		{"duplicate day", []int{2026}, []CalendarDay{day("2026-10-01", DayOff, "国庆节"), day("2026-10-01", DayOff, "国庆节")}, "重复"},
		{"make-up day on a weekday", []int{2026}, []CalendarDay{day("2026-10-09", DayWork, "调休")}, "本来就是工作日"},
		{"unknown kind", []int{2026}, []CalendarDay{day("2026-10-01", "holiday", "国庆节")}, "类型"},
		{"missing name", []int{2026}, []CalendarDay{day("2026-10-01", DayOff, "")}, "名称"},
		{"duplicate year", []int{2026, 2026}, nil, "重复"},
		{"absurd year", []int{26}, nil, "不合理"},
		{"zero date", []int{2026}, []CalendarDay{{Kind: DayOff, Name: "x"}}, "未填写日期"},
	}
	for _, tt := range tests {
		_, err := NewCalendar(tt.years, tt.days)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want)):
			t.Errorf("%s: err = %v, want EInvalid containing %q", tt.name, err, tt.want)
		}
	}
}

func TestOfficialCalendarShape(t *testing.T) {
	cal := OfficialCalendar()
	if got := cal.Years(); len(got) != 3 || got[0] != 2024 || got[2] != 2026 {
		t.Errorf("Years = %v", got)
	}
	_, days := OfficialCalendar2024to2026()
	count := map[int]map[DayKind]int{2024: {}, 2025: {}, 2026: {}}
	for _, cd := range days {
		count[cd.Date.Year][cd.Kind]++
	}
	// Days off per notice, weekends inside the ranges included, and make-up days.
	want := map[int]map[DayKind]int{
		2024: {DayOff: 28, DayWork: 8},
		2025: {DayOff: 28, DayWork: 5},
		2026: {DayOff: 33, DayWork: 6},
	}
	for y := range want {
		if count[y][DayOff] != want[y][DayOff] || count[y][DayWork] != want[y][DayWork] {
			t.Errorf("%d: %v, want %v", y, count[y], want[y])
		}
		if OfficialCalendarSource(y) == "" {
			t.Errorf("%d has no source", y)
		}
	}
	if cd, ok := cal.Day(d(t, "2026-09-20")); !ok || cd.Name != "国庆节调休上班" {
		t.Errorf("Day(2026-09-20) = %v, %v", cd, ok)
	}
}

// TestMigrationMatchesOfficialCalendar keeps the SQL seed and the Go data from drifting.
func TestMigrationMatchesOfficialCalendar(t *testing.T) {
	sql, err := os.ReadFile("../migrations/00002_calendar.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, found := strings.Cut(string(sql), "-- +goose Down")
	if !found || !strings.Contains(up, "-- +goose Up") {
		t.Fatal("migration lacks goose Up/Down annotations")
	}
	years, days := OfficialCalendar2024to2026()

	yearRows := regexp.MustCompile(`\((\d{4}), '([^']*)'\)`).FindAllStringSubmatch(up, -1)
	if len(yearRows) != len(years) {
		t.Fatalf("migration has %d calendar_years rows, Go data %d", len(yearRows), len(years))
	}
	for i, r := range yearRows {
		y, _ := strconv.Atoi(r[1])
		if y != years[i] || r[2] != OfficialCalendarSource(y) {
			t.Errorf("calendar_years row %d = (%s, %s), want (%d, %s)", i, r[1], r[2], years[i], OfficialCalendarSource(years[i]))
		}
	}

	dayRows := regexp.MustCompile(`\('(\d{4}-\d{2}-\d{2})', '(\w+)', '([^']*)'\)`).FindAllStringSubmatch(up, -1)
	inSQL := map[CalendarDay]bool{}
	for _, r := range dayRows {
		inSQL[CalendarDay{d(t, r[1]), DayKind(r[2]), r[3]}] = true
	}
	if len(dayRows) != len(days) || len(inSQL) != len(days) {
		t.Errorf("migration has %d calendar_days rows (%d distinct), Go data %d", len(dayRows), len(inSQL), len(days))
	}
	for _, cd := range days {
		if !inSQL[cd] {
			t.Errorf("migration lacks %v", cd)
		}
	}
}
