package models

import "testing"

func TestPeriodArithmetic(t *testing.T) {
	cases := []struct {
		in         string
		end        Date
		prev, next string
	}{
		{"2026-02", NewDate(2026, 2, 28), "2026-01", "2026-03"},
		{"2024-02", NewDate(2024, 2, 29), "2024-01", "2024-03"},
		{"2026-12", NewDate(2026, 12, 31), "2026-11", "2027-01"},
		{"202601", NewDate(2026, 1, 31), "2025-12", "2026-02"},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if p.MonthEnd() != c.end || p.Prev().String() != c.prev || p.Next().String() != c.next {
			t.Errorf("%s: end %v prev %v next %v", c.in, p.MonthEnd(), p.Prev(), p.Next())
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-00", "26-11", "2026/11", "abcd-ef"} {
		if _, err := ParsePeriod(bad); ErrorCode(err) != EInvalid {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}
