package web_test

import (
	"net/url"
	"runtime"
	"strconv"
	"testing"
	"time"

	"portal/web/webtest"
)

// BenchmarkAuditExport100k exports a trail of 100,000 rows to XLSX and reports the
// time, the bytes allocated, the live heap's peak growth and the size of the file.
//
//	go test ./web -run '^$' -bench AuditExport100k -benchtime 1x
func BenchmarkAuditExport100k(b *testing.B) {
	admin := auditOf100k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		exportOnce(b, admin)
	}
}

// BenchmarkAuditPage100k renders a filtered page of a 100,000-row trail, and a page
// deep in it by its keyset cursor (?before=, half way down the trail).
//
//	go test ./web -run '^$' -bench AuditPage100k -benchtime 20x
func BenchmarkAuditPage100k(b *testing.B) {
	admin := auditOf100k(b)
	db, _ := lastEnv.Store.SQLDB()
	var mid int64
	if err := db.QueryRow("SELECT (min(id) + max(id)) / 2 FROM audit_log").Scan(&mid); err != nil {
		b.Fatal(err)
	}
	deep := "/admin/audit?before=" + strconv.FormatInt(mid, 10)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if resp, _ := admin.Get("/admin/audit?actor=district1&object=" + url.QueryEscape("申请 5")); resp.StatusCode != 200 {
			b.Fatalf("page: %d", resp.StatusCode)
		}
		if resp, _ := admin.Get(deep); resp.StatusCode != 200 {
			b.Fatalf("deep page: %d", resp.StatusCode)
		}
	}
}

// auditOf100k is a demo server whose trail holds 100,000 more rows, with the admin
// signed in.
var lastEnv *webtest.Env

func auditOf100k(b testing.TB) *webtest.Client {
	env := webtest.New(b)
	lastEnv = env
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
	admin.Login("auditadmin", webtest.DemoPassword)
	return admin
}

func exportOnce(b *testing.B, admin *webtest.Client) {
	{
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
