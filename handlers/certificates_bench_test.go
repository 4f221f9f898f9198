package handlers

import (
	"bytes"
	"testing"
	"time"

	"portal/models"
)

func sampleCertificate() models.Certificate {
	c := models.Certificate{Serial: "粤-2026-000123", Name: "广州天河大型示例网络借贷信息中介服务股份有限公司（原广州天河示例互联网金融信息服务有限公司）",
		USCC: "91440106MA9UQ7E8FX", IssueDate: models.NewDate(2026, 12, 7), Authority1: "广东省地方金融监督管理局",
		Authority2: "中国银行保险监督管理委员会广东监管局", Status: models.CertificateValid}
	c.Fingerprint = models.CertificateFingerprint(c)
	return c
}

// TestCertificatePDFDeterministicAndSmall: regenerating gives the same bytes, under 100 KB.
func TestCertificatePDFDeterministicAndSmall(t *testing.T) {
	c := sampleCertificate()
	a, err := CertificatePDF(c, "https://portal.example/verify/粤-2026-000123")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CertificatePDF(c, "https://portal.example/verify/粤-2026-000123")
	if !bytes.Equal(a, b) || len(a) >= 100<<10 {
		t.Fatalf("regenerated equal: %v, size %d bytes", bytes.Equal(a, b), len(a))
	}
}

// BenchmarkCertificatePDF renders stored certificates on every core, the way the
// download does, and reports certificates per second and the size of one.
func BenchmarkCertificatePDF(b *testing.B) {
	c := sampleCertificate()
	one, err := CertificatePDF(c, "https://portal.example/verify/粤-2026-000123")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := CertificatePDF(c, "https://portal.example/verify/粤-2026-000123"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "certs/s")
	b.ReportMetric(float64(len(one))/1024, "KB/cert")
}
