package models

import (
	"fmt"
	"strconv"
	"strings"
)

// CalendarInputHelp explains the line format an admin types when adding a year.
const CalendarInputHelp = "每行一项：日期或日期范围、类型（放假 / 上班）、名称。例如：\n" +
	"2027-01-01 放假 元旦\n2027-02-06~2027-02-13 放假 春节\n2027-02-14 上班 春节调休上班"

// ParseCalendarYear reads the arrangement of one year as an admin types it from the
// State Council notice: one line per day or inclusive range, with its kind and name.
// Every day must lie in year. Whether the whole calendar stays consistent is
// NewCalendar's check.
func ParseCalendarYear(year int, text string) ([]CalendarDay, error) {
	if year < 2000 || year > 2200 {
		return nil, Errorf(EInvalid, "年份 %d 不合理", year)
	}
	if fault := textFault(text); fault != "" {
		return nil, Errorf(EInvalid, "录入的安排%s", fault)
	}
	var days []CalendarDay
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, lineErr(i, line, "应为「日期 类型 名称」三项")
		}
		from, to, err := parseDayRange(fields[0])
		if err != nil {
			return nil, lineErr(i, line, ErrorMessage(err))
		}
		kind, ok := dayKindWords[fields[1]]
		if !ok {
			return nil, lineErr(i, line, "类型应为「放假」或「上班」")
		}
		name := strings.Join(fields[2:], " ")
		if from.Year != year || to.Year != year {
			return nil, lineErr(i, line, fmt.Sprintf("日期不在 %d 年内", year))
		}
		if to.Before(from) {
			return nil, lineErr(i, line, "结束日期早于开始日期")
		}
		if to.Sub(from) > 14 {
			return nil, lineErr(i, line, "一个假期最长 15 天，请检查日期")
		}
		for d := from; !d.After(to); d = d.AddDays(1) {
			days = append(days, CalendarDay{Date: d, Kind: kind, Name: name})
		}
	}
	if len(days) == 0 {
		return nil, Errorf(EInvalid, "请录入 %d 年的放假和调休上班安排", year)
	}
	return days, nil
}

var dayKindWords = map[string]DayKind{
	"放假": DayOff, "休": DayOff, "off": DayOff,
	"上班": DayWork, "调休上班": DayWork, "班": DayWork, "work": DayWork,
}

func parseDayRange(s string) (Date, Date, error) {
	for _, sep := range []string{"~", "至", "..", "—"} {
		if a, b, ok := strings.Cut(s, sep); ok {
			from, err := ParseDate(a)
			if err != nil {
				return Date{}, Date{}, err
			}
			to, err := ParseDate(b)
			return from, to, err
		}
	}
	d, err := ParseDate(s)
	return d, d, err
}

func lineErr(i int, line, why string) error {
	return Errorf(EInvalid, "第 %s 行「%s」：%s", strconv.Itoa(i+1), line, why)
}

// The years the calendar admin accepts: the State Council publishes one year at a time, and
// nothing in this portal reaches before 2000 or after 2100.
const (
	MinCalendarYear = 2000
	MaxCalendarYear = 2100
)

// CalendarYearInRange reports whether year may be entered or shown.
func CalendarYearInRange(year int) bool { return year >= MinCalendarYear && year <= MaxCalendarYear }

// ParseCalendarYearText reads the year an admin typed to enter its calendar.
func ParseCalendarYearText(s string) (int, error) {
	year, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || !CalendarYearInRange(year) {
		return 0, Errorf(EInvalid, "请填写 %d–%d 之间的四位数年份", MinCalendarYear, MaxCalendarYear)
	}
	return year, nil
}

// ValidateCalendarSource checks the number of the document that published a year's
// working days (国务院办公厅通知的文号), required with every entry and correction.
func ValidateCalendarSource(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return Errorf(EInvalid, "请填写发布文件的文号")
	case LongerThan(s, MaxSourceLength):
		return Errorf(EInvalid, "文号不超过 %d 字", MaxSourceLength)
	}
	return nil
}

// FormatCalendarYear writes a year's days in the line format ParseCalendarYear reads,
// joining consecutive days of the same kind and name into a range, so that an admin
// correcting a year starts from what is entered.
func FormatCalendarYear(days []CalendarDay) string {
	var b strings.Builder
	word := map[DayKind]string{DayOff: "放假", DayWork: "上班"}
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Kind == days[i].Kind && days[j+1].Name == days[i].Name && days[j+1].Date == days[j].Date.AddDays(1) {
			j++
		}
		if j > i {
			fmt.Fprintf(&b, "%s~%s %s %s\n", days[i].Date, days[j].Date, word[days[i].Kind], days[i].Name)
		} else {
			fmt.Fprintf(&b, "%s %s %s\n", days[i].Date, word[days[i].Kind], days[i].Name)
		}
		i = j + 1
	}
	return b.String()
}
