package pdf

import (
	"testing"
)

// benchCert renders certificates on all GOMAXPROCS goroutines and reports
// the size (KB/cert) and the throughput (certs/s) besides ns/op.
func benchCert(b *testing.B, r *Renderer) {
	c := sampleCert()
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
// document embeds a subset cut from the parsed font.
func BenchmarkCertificate(b *testing.B) { benchCert(b, renderer(b)) }

// BenchmarkCertificateFullFont is the naive way for comparison: gofpdf gets
// the whole 5 MB Song font for every document, parses and cuts it.
func BenchmarkCertificateFullFont(b *testing.B) {
	r := *renderer(b)
	r.fullFont = true
	benchCert(b, &r)
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
