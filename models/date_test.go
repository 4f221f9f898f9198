package models

import (
	"testing"
	"time"
)

// d parses a yyyy-mm-dd literal in tests.
func d(t testing.TB, s string) Date {
	t.Helper()
	x, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return x
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-10-13", Date{2026, time.October, 13}, true},
		{" 2024-02-29 ", Date{2024, time.February, 29}, true},
		{"2025-02-29", Date{}, false}, // not a leap year
		{"2026-02-30", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"2026/10/13", Date{}, false},
		{"2026-1-3", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorCode(err) != EInvalid {
			t.Errorf("ParseDate(%q) code = %s, want %s", tt.in, ErrorCode(err), EInvalid)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		from string
		days int
		want string
	}{
		{"2026-11-02", 14, "2026-11-16"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-12-31", 1, "2025-01-01"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-03-29", 1, "2026-03-30"}, // a European DST date: days stay 24 hours
	}
	for _, tt := range tests {
		got := d(t, tt.from).AddDays(tt.days)
		if got.String() != tt.want {
			t.Errorf("%s + %d = %s, want %s", tt.from, tt.days, got, tt.want)
		}
		if back := got.Sub(d(t, tt.from)); back != tt.days {
			t.Errorf("%s − %s = %d, want %d", got, tt.from, back, tt.days)
		}
	}
	if w := d(t, "2026-09-20").Weekday(); w != time.Sunday {
		t.Errorf("2026-09-20 is %v, want Sunday", w)
	}
	if !d(t, "2026-01-01").Before(d(t, "2026-01-02")) || d(t, "2026-01-02").Before(d(t, "2026-01-02")) {
		t.Error("Before is wrong")
	}
}

func TestDateOfUsesChinaTime(t *testing.T) {
	tests := []struct {
		instant time.Time
		want    string
	}{
		// 16:00 UTC is already midnight of the next day in Beijing.
		{time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), "2026-10-01"},
		{time.Date(2026, 9, 30, 15, 59, 59, 0, time.UTC), "2026-09-30"},
		{time.Date(2026, 9, 30, 23, 59, 0, 0, time.FixedZone("X", 8*3600)), "2026-09-30"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.instant).String(); got != tt.want {
			t.Errorf("DateOf(%v) = %s, want %s", tt.instant, got, tt.want)
		}
	}
	if s := d(t, "2026-10-13").Start(); DateOf(s) != d(t, "2026-10-13") {
		t.Errorf("Start round trip: %v", s)
	}
}

func TestDateTextAndSQL(t *testing.T) {
	var x Date
	if err := x.UnmarshalText([]byte("2026-10-13")); err != nil || x.String() != "2026-10-13" {
		t.Fatalf("UnmarshalText: %v %v", x, err)
	}
	if err := x.UnmarshalText([]byte("13/10/2026")); err == nil {
		t.Error("UnmarshalText accepted 13/10/2026")
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero Date Value = %v, want NULL", v)
	}
	for _, src := range []any{time.Date(2026, 10, 13, 0, 0, 0, 0, time.UTC), "2026-10-13", []byte("2026-10-13")} {
		var y Date
		if err := y.Scan(src); err != nil || y.String() != "2026-10-13" {
			t.Errorf("Scan(%T) = %v, %v", src, y, err)
		}
	}
	if (Date{}).String() != "" {
		t.Error("zero Date should print empty")
	}
}
