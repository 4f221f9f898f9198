package files_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"portal/models/store/files"
)

// BenchmarkUploadS3VsLocal stores the same 64 MB upload, arriving in 32 KB reads as from
// the network and type-checked before it is named, in the local folder and in the S3
// bucket of the test gateway (on this machine's disk, over loopback), alternately, and
// reports both rates and S3's as a ratio of the local one.
func BenchmarkUploadS3VsLocal(b *testing.B) {
	const size = 64 << 20
	body := pattern(size, 9)
	local, err := files.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	s3, err := files.NewS3(context.Background(), gateway.WithBucket("bench"))
	if err != nil {
		b.Fatal(err)
	}
	check := func(f io.ReaderAt, n int64) error { // what the type check reads: the head and the tail
		head := make([]byte, 8)
		if _, err := f.ReadAt(head, 0); err != nil {
			return err
		}
		_, err := f.ReadAt(head, n-8)
		return err
	}
	var took [2]time.Duration
	b.SetBytes(2 * size)
	b.ResetTimer()
	for range b.N {
		for i, st := range []files.Store{local, s3} {
			start := time.Now()
			if _, _, err := st.PutChecked(context.Background(), &slowBody{body, 32 << 10}, size, check); err != nil {
				b.Fatal(err)
			}
			took[i] += time.Since(start)
		}
	}
	b.StopTimer()
	rate := func(d time.Duration) float64 { return float64(b.N) * size / (1 << 20) / d.Seconds() }
	l, s := rate(took[0]), rate(took[1])
	b.ReportMetric(l, "local_MB/s")
	b.ReportMetric(s, "s3_MB/s")
	b.ReportMetric(s/l, "s3/local")
	fmt.Printf("上传 64 MB（%d 次）: 本地磁盘 %.0f MB/s，S3（Versity Gateway，回环）%.0f MB/s，S3/本地 = %.2f\n", b.N, l, s, s/l)
}
