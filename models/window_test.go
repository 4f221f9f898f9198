package models

import (
	"strings"
	"testing"
)

func TestCheckSubmissionWindow(t *testing.T) {
	w := &ApplicationWindow{StartDate: NewDate(2026, 3, 10), EndDate: NewDate(2026, 4, 25)}
	tests := []struct {
		today Date
		want  string // "" allowed, else a substring of the refusal
	}{
		{NewDate(2026, 3, 9), "尚未开始受理"},
		{NewDate(2026, 3, 10), ""},
		{NewDate(2026, 4, 25), ""}, // the end day still counts
		{NewDate(2026, 4, 26), "已于 2026-04-25 截止"},
	}
	for _, tt := range tests {
		err := CheckSubmissionWindow(w, "广州市", tt.today)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.today, err)
			}
			continue
		}
		msg := ErrorMessage(err)
		if ErrorCode(err) != EInvalid || !strings.Contains(msg, tt.want) || !strings.Contains(msg, "2026-03-10 至 2026-04-25") {
			t.Errorf("%s: %v; want %q with the dates", tt.today, err, tt.want)
		}
	}
	if err := CheckSubmissionWindow(nil, "广州市", NewDate(2026, 4, 1)); !strings.Contains(ErrorMessage(err), "尚未设定") {
		t.Errorf("no window: %v", err)
	}
	if w.Closed(NewDate(2026, 4, 25)) || !w.Closed(NewDate(2026, 4, 26)) {
		t.Error("Closed must start the day after the end date")
	}
	if ValidateWindow(NewDate(2026, 4, 25), NewDate(2026, 3, 10)) == nil || ValidateWindow(NewDate(2026, 3, 10), NewDate(2026, 3, 10)) != nil {
		t.Error("ValidateWindow: end before start is refused, one-day windows are fine")
	}
}
