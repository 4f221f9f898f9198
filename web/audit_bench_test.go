package web_test

import (
	"runtime"
	"testing"
	"time"

	"portal/web/webtest"
)

// BenchmarkAuditExport100k exports a trail of 100,000 rows to XLSX and reports the
// time, the bytes allocated, the live heap's peak growth and the size of the file.
//
//	go test ./web -run '^$' -bench AuditExport100k -benchtime 1x
func BenchmarkAuditExport100k(b *testing.B) {
	env := webtest.New(b)
	db, err := env.Store.SQLDB()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO audit_log (at, actor_name, action, target, detail, ip)
		SELECT now() - g * interval '1 minute', 'district1', '上传材料', '申请 ' || g,
		       '自评报告 第 1 版：report.pdf，SHA-256 ' || md5(g::text) || md5((g+1)::text), '10.0.0.1'
		FROM generate_series(1, 100000) g`); err != nil {
		b.Fatal(err)
	}
	admin := env.Client(b)
	admin.Login("admin", webtest.DemoPassword)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		done, peakc := make(chan struct{}), make(chan uint64)
		go func() { // samples the live heap while the export runs
			var m runtime.MemStats
			var peak uint64
			for {
				select {
				case <-done:
					peakc <- peak
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		start := time.Now()
		resp, body := admin.Get("/admin/audit.xlsx")
		took := time.Since(start)
		close(done)
		peak := <-peakc
		runtime.ReadMemStats(&after)
		if resp.StatusCode != 200 {
			b.Fatalf("export: %d", resp.StatusCode)
		}
		b.ReportMetric(took.Seconds(), "s/export")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MB-alloc")
		b.ReportMetric(float64(len(body))/(1<<20), "MB-file")
		b.ReportMetric(float64(peak-min(peak, before.HeapInuse))/(1<<20), "MB-peak-heap-growth")
	}
}
