package models

import (
	"strings"
	"testing"
)

func TestParseCalendarYear(t *testing.T) {
	days, err := ParseCalendarYear(2027, "# 国办发明电〔2026〕X号\n2027-01-01 放假 元旦\n2027-02-06~2027-02-13 放假 春节\n\n2027-02-14 上班 春节调休上班\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 10 {
		t.Fatalf("%d days; want 1 + 8 + 1", len(days))
	}
	if days[1].Date != NewDate(2027, 2, 6) || days[8].Date != NewDate(2027, 2, 13) || days[8].Name != "春节" {
		t.Fatalf("range expanded wrongly: %v", days)
	}
	if days[9].Kind != DayWork {
		t.Fatalf("make-up day kind %s", days[9].Kind)
	}
	cal, err := NewCalendar([]int{2027}, days)
	if err != nil {
		t.Fatalf("parsed days do not make a calendar: %v", err)
	}
	if ok, _ := cal.IsWorkingDay(NewDate(2027, 2, 14)); !ok {
		t.Error("the make-up Sunday is not a working day")
	}
}

func TestParseCalendarYearRefuses(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "请录入"},
		{"2027-01-01 放假", "三项"},
		{"2027-01-01 休息日 元旦", "类型"},
		{"2026-12-31 放假 元旦", "不在 2027 年内"},
		{"2027-02-13~2027-02-06 放假 春节", "早于"},
		{"2027-02-30 放假 春节", "格式不正确"},
		{"2027-01-01~2027-03-01 放假 长假", "最长"},
	}
	for _, tt := range tests {
		_, err := ParseCalendarYear(2027, tt.text)
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want) {
			t.Errorf("%q: %v; want a message with %q", tt.text, err, tt.want)
		}
	}
}
