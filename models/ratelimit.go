package models

import (
	"sync"
	"time"
)

// RateLimiter allows at most Limit events per key (an IP address) in any Window. It is
// a sliding log kept in memory: enough for one server, and it forgets keys that have
// been quiet for a window. The caller passes the time, so tests move it.
type RateLimiter struct {
	Limit  int
	Window time.Duration

	mu    sync.Mutex
	seen  map[string][]time.Time
	sweep time.Time
}

// NewRateLimiter builds a limiter of limit events per window.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	return &RateLimiter{Limit: limit, Window: window, seen: map[string][]time.Time{}}
}

// Allow records an event for key at now and reports whether it is within the limit;
// when it is not, retry says how long until the oldest counted event drops out.
func (l *RateLimiter) Allow(key string, now time.Time) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.Window {
		for k, ts := range l.seen {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.Window {
				delete(l.seen, k)
			}
		}
		l.sweep = now
	}
	ts := l.seen[key]
	keep := ts[:0]
	for _, t := range ts {
		if now.Sub(t) < l.Window {
			keep = append(keep, t)
		}
	}
	if len(keep) >= l.Limit {
		l.seen[key] = keep
		return false, keep[0].Add(l.Window).Sub(now)
	}
	l.seen[key] = append(keep, now)
	return true, 0
}
