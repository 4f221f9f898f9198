package models

import (
	"testing"
	"time"
)

func TestLoginDelayGrowsAndIsBounded(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {2, 0}, {3, 500 * time.Millisecond}, {4, time.Second}, {5, 2 * time.Second},
		{6, 4 * time.Second}, {7, MaxLoginDelay}, {100, MaxLoginDelay}, {1 << 30, MaxLoginDelay},
	} {
		if got := LoginDelay(tc.failures); got != tc.want {
			t.Errorf("LoginDelay(%d) = %v; want %v", tc.failures, got, tc.want)
		}
	}
}

func TestPageNumberIsBounded(t *testing.T) {
	p := Page{Number: 1<<63 - 1, Size: 20}.Normalize()
	if p.Number != MaxPageNumber || p.Offset() <= 0 {
		t.Fatalf("page %d, offset %d", p.Number, p.Offset())
	}
}
