package web_test

import (
	"net/url"
	"testing"
	"time"

	"portal/models"
	"portal/web/webtest"
)

// BenchmarkLoginTiming signs in with a wrong password for a real account and for an
// unknown name, with real hashes at the production cost, and reports the ratio of the
// median times (issue 8 §2.4: within 20% of each other).
func BenchmarkLoginTiming(b *testing.B) {
	env := webtest.New(b)
	saved := models.PasswordCost
	models.PasswordCost = 12
	b.Cleanup(func() { models.PasswordCost = saved })
	hash, err := models.HashPassword(webtest.DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec("UPDATE users SET password_hash = $1 WHERE username = 'district1'", hash); err != nil {
		b.Fatal(err)
	}
	c := env.Client(b)
	c.CSRF()
	try := func(user string) time.Duration {
		start := time.Now()
		c.Submit("/login", url.Values{"username": {user}, "password": {"wrong-Password-2026"}})
		return time.Since(start)
	}
	var known, unknown []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		known = append(known, try("district1"))
		unknown = append(unknown, try("no-such-user"))
	}
	b.StopTimer()
	k, u := loginMedian(known), loginMedian(unknown)
	b.ReportMetric(float64(k.Microseconds())/1000, "known-ms")
	b.ReportMetric(float64(u.Microseconds())/1000, "unknown-ms")
	b.ReportMetric(float64(u)/float64(k), "unknown/known")
}

func loginMedian(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s { // insertion sort: a handful of samples
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}
