package store_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"portal/models/store"
	"portal/models/store/storetest"
)

// peakHeap runs f and returns the largest growth of the live heap objects while it
// ran, sampled every millisecond (runtime/metrics, no stop-the-world), and the bytes
// it allocated in all.
func peakHeap(f func()) (peak, alloc uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	base, alloc0 := sample[0].Value.Uint64(), sample[1].Value.Uint64()
	done, out := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var top uint64
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
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
	metrics.Read(sample)
	return top - min(top, base), sample[1].Value.Uint64() - alloc0
}

// BenchmarkChainCheck10kVs50k: the full check of a chain of 10,000 and of 50,000
// decisions, in keyset batches of 5,000: the live heap's peak growth stays that of one
// batch (ratio ≈ 1, not 5), while the bytes allocated grow with the rows; and a
// routine check after 100 new rows on the 50,000 costs what 100 rows cost.
//
//	go test ./models/store -run '^$' -bench ChainCheck1kVs50k -benchtime 3x
func BenchmarkChainCheck10kVs50k(b *testing.B) {
	ctx := context.Background()
	small, large := storetest.New(b, storetest.Demo), storetest.New(b, storetest.Demo)
	dbS, _ := small.SQLDB()
	dbL, _ := large.SQLDB()
	appendDecisions(b, dbS, 10000)
	appendDecisions(b, dbL, 50000)
	full := func(st *store.Store) (time.Duration, uint64, uint64) {
		var took time.Duration
		peak, alloc := peakHeap(func() {
			start := time.Now()
			res, err := st.CheckDecisionChain(ctx, store.ChainCheckOptions{Full: true, Now: t0})
			took = time.Since(start)
			if err != nil || res.Break != nil {
				b.Fatalf("full check: %+v, %v", res, err)
			}
		})
		return took, peak, alloc
	}
	var tS, tL, tInc time.Duration
	var pS, pL, aS, aL uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, p, a := full(small)
		tS, pS, aS = tS+t, max(pS, p), aS+a
		t, p, a = full(large)
		tL, pL, aL = tL+t, max(pL, p), aL+a
		b.StopTimer()
		appendDecisions(b, dbL, 100)
		b.StartTimer()
		start := time.Now()
		res, err := large.CheckDecisionChain(ctx, store.ChainCheckOptions{Now: t0})
		tInc += time.Since(start)
		if err != nil || res.Break != nil || res.Checked != 100 {
			b.Fatalf("routine check: %+v, %v", res, err)
		}
	}
	n := float64(b.N)
	mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(tS.Seconds()*1000/n, "ms-full-10k")
	b.ReportMetric(tL.Seconds()*1000/n, "ms-full-50k")
	b.ReportMetric(tInc.Seconds()*1000/n, "ms-routine-50k+100")
	b.ReportMetric(mb(pS), "MB-peak-heap-10k")
	b.ReportMetric(mb(pL), "MB-peak-heap-50k")
	b.ReportMetric(float64(pL)/float64(max(pS, 1)), "peak-heap-ratio-50k/10k")
	b.ReportMetric(float64(aL)/float64(max(aS, 1)), "alloc-ratio-50k/10k")
	b.ReportMetric(float64(tL)/float64(max(tInc, 1)), "full/routine-ratio")
}
