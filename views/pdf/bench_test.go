package pdf

import (
	"testing"
)

// benchCert renders certificates on all GOMAXPROCS goroutines and reports
// the size (KB/cert) and the throughput (certs/s) besides ns/op.
func benchCert(b *testing.B, r *Renderer, c CertificateData) {
	one, err := r.Certificate(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(one)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Certificate(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(len(one))/1024, "KB/cert")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkCertificate: the fonts are parsed once (NewRenderer); each
// document embeds a subset cut from the parsed fonts. The sample name has
// characters outside GB2312, taken from the fallback font.
func BenchmarkCertificate(b *testing.B) { benchCert(b, renderer(b), sampleCert()) }

// gb2312Cert has a name the Song face covers alone.
func gb2312Cert() CertificateData {
	c := sampleCert()
	c.Name = "上海陆家嘴网络借贷信息中介服务股份有限公司（原上海浦东新区网络借贷信息中介服务有限责任公司）第二分公司营业部"
	return c
}

func BenchmarkCertificateGB2312(b *testing.B) { benchCert(b, renderer(b), gb2312Cert()) }

// BenchmarkCertificateFullFont is the naive way, for comparison: gofpdf gets
// the whole 5 MB Song face for every document and parses and cuts it.
func BenchmarkCertificateFullFont(b *testing.B) {
	r := *renderer(b)
	r.fullFont = true
	benchCert(b, &r, gb2312Cert())
}

func BenchmarkReviewOpinion(b *testing.B) {
	r, o := renderer(b), sampleOpinion()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.ReviewOpinion(o); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkNewRenderer is the one-off cost per process: read and parse the
// Song font and the WenKai fallback.
func BenchmarkNewRenderer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := NewRenderer(DefaultFontPath, FallbackFontPath); err != nil {
			b.Fatal(err)
		}
	}
}
