package web_test

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"portal/web/webtest"
)

// heapDuring runs f and returns the largest growth of the live heap objects while it
// ran, sampled every millisecond (runtime/metrics, no stop-the-world), and the bytes
// allocated in all.
func heapDuring(f func()) (peak, alloc uint64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	base, alloc0 := s[0].Value.Uint64(), s[1].Value.Uint64()
	done, out := make(chan struct{}), make(chan uint64)
	go func() {
		h := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var top uint64
		for {
			metrics.Read(h)
			top = max(top, h[0].Value.Uint64())
			select {
			case <-done:
				out <- top
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	top := <-out
	metrics.Read(s)
	return top - min(top, base), s[1].Value.Uint64() - alloc0
}

// auditTrailOf is a demo server whose audit trail holds n more rows, with the admin
// signed in.
func auditTrailOf(b testing.TB, n int) *webtest.Client {
	env := webtest.New(b)
	db, err := env.Store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO audit_log (at, actor_name, action, target, detail, ip)
		SELECT now() - g * interval '1 second', 'district1', '上传材料', '申请 ' || g,
		       '自评报告 第 1 版：report.pdf，SHA-256 ' || md5(g::text) || md5((g+1)::text), '10.0.0.1'
		FROM generate_series(1, $1) g`, n); err != nil {
		b.Fatal(err)
	}
	admin := env.Client(b)
	admin.Login("auditadmin", webtest.DemoPassword) // the audit trail is the audit administrator's (三员分立)
	return admin
}

// BenchmarkXLSXExport1kVs50k exports the audit trail with 1,000 and with 50,000 more
// rows through /admin/audit.xlsx: keyset batches of 1,000 from the store into
// excelize's stream writer, the zip written straight to the response. It reports the
// live heap's peak growth of each (the stream writer keeps at most 16 MB of sheet XML
// in memory before it moves to a temporary file) and the bytes allocated, and their
// 50k/1k ratios: the rows grow 50 times, the peak heap much less; and the peak with
// 150,000 rows, which stays that of 50,000 (ratio ≈ 1): past the stream writer's 16 MB
// the heap no longer grows with the rows.
//
//	go test ./web -run '^$' -bench XLSXExport1kVs50k -benchtime 3x
func BenchmarkXLSXExport1kVs50k(b *testing.B) {
	small, large, huge := auditTrailOf(b, 1000), auditTrailOf(b, 50000), auditTrailOf(b, 150000)
	export := func(c *webtest.Client) (time.Duration, uint64, uint64, int) {
		var took time.Duration
		var size int
		peak, alloc := heapDuring(func() {
			start := time.Now()
			resp, body := c.Get("/admin/audit.xlsx")
			took = time.Since(start)
			if resp.StatusCode != 200 {
				b.Fatalf("export: %d", resp.StatusCode)
			}
			size = len(body)
		})
		return took, peak, alloc, size
	}
	var tS, tL time.Duration
	var pS, pL, pH, aS, aL uint64
	var fL int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, p, a, _ := export(small)
		tS, pS, aS = tS+t, max(pS, p), aS+a
		t, p, a, f := export(large)
		tL, pL, aL, fL = tL+t, max(pL, p), aL+a, f
		_, p, _, _ = export(huge)
		pH = max(pH, p)
	}
	n := float64(b.N)
	mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(tS.Seconds()*1000/n, "ms-1k")
	b.ReportMetric(tL.Seconds()*1000/n, "ms-50k")
	b.ReportMetric(mb(pS), "MB-peak-heap-1k")
	b.ReportMetric(mb(pL), "MB-peak-heap-50k")
	b.ReportMetric(mb(aS)/n, "MB-alloc-1k")
	b.ReportMetric(mb(aL)/n, "MB-alloc-50k")
	b.ReportMetric(float64(fL)/(1<<20), "MB-file-50k")
	b.ReportMetric(mb(pH), "MB-peak-heap-150k")
	b.ReportMetric(float64(pL)/float64(max(pS, 1)), "peak-heap-ratio-50k/1k")
	b.ReportMetric(float64(pH)/float64(max(pL, 1)), "peak-heap-ratio-150k/50k")
	b.ReportMetric(float64(aL)/float64(max(aS, 1)), "alloc-ratio-50k/1k")
}
