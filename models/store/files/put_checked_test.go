package files

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// settledGoroutines lets goroutines that have finished their work exit, then counts.
func settledGoroutines(atMost int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 10000 && n > atMost; i++ {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	return n
}

func TestPutCheckedSeesTheWholeFileAndRefuses(t *testing.T) {
	ctx := context.Background()
	l, _ := NewLocal(t.TempDir())
	body := bytes.Repeat([]byte("监管报送"), 700_000) // 8.4 MB: several pipeline buffers
	var seen []byte
	sum, n, err := l.PutChecked(ctx, &chunked{body, 7919}, int64(len(body)), func(f io.ReaderAt, size int64) error {
		seen = make([]byte, size)
		_, err := f.ReadAt(seen, 0)
		return err
	})
	if err != nil || n != int64(len(body)) || !bytes.Equal(seen, body) {
		t.Fatalf("PutChecked = %s %d %v; check saw %d bytes", sum, n, err, len(seen))
	}
	if err := l.Remove(ctx, sum); err != nil {
		t.Fatal(err)
	}

	refuse := errors.New("refused")
	if _, _, err := l.PutChecked(ctx, bytes.NewReader(body), int64(len(body)), func(io.ReaderAt, int64) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("refused check: %v", err)
	}
	if _, _, err := l.PutChecked(ctx, bytes.NewReader(body), int64(len(body))-1, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	var cp *CheckPanic
	if _, _, err := l.PutChecked(ctx, bytes.NewReader(body), int64(len(body)), func(f io.ReaderAt, _ int64) error {
		b, lo, hi := make([]byte, 200), 100, 10
		_ = b[lo:hi] // what the hand-written ZIP parser did on a crafted ZIP64 file
		return nil
	}); !errors.As(err, &cp) || len(cp.Stack) == 0 {
		t.Fatalf("panicking check: %v", err)
	}
	if got := entries(t, l.Dir()); len(got) != 0 {
		t.Fatalf("refused uploads left files: %v", got)
	}
}

// panicky panics after some bytes, as a broken reader of untrusted input might.
type panicky struct{ left int }

func (p *panicky) Read(b []byte) (int, error) {
	if p.left <= 0 {
		panic("reader broke")
	}
	n := min(len(b), p.left)
	p.left -= n
	return n, nil
}

// Every way an upload can fail ends the pipeline's goroutines and frees its buffers.
func TestFailedPutsLeakNothing(t *testing.T) {
	ctx := context.Background()
	l, _ := NewLocal(t.TempDir())
	runtime.GC()
	base := runtime.NumGoroutine()
	for i := range 50 {
		func() {
			defer func() { _ = recover() }()
			_, _, _ = l.Put(ctx, &panicky{left: 2<<20 + i})
		}()
		_, _, _ = l.Put(ctx, &failingReader{left: 3 << 20})
		_, _, _ = l.PutChecked(ctx, bytes.NewReader(make([]byte, 3<<20)), 1<<20, nil)
	}
	if n := settledGoroutines(base); n > base {
		t.Fatalf("goroutines: %d before 150 failed uploads, %d after", base, n)
	}
	if got := entries(t, l.Dir()); len(got) != 0 {
		t.Fatalf("failed uploads left files: %v", got)
	}
}

// counting counts what is read from it.
type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A failed write is the server's storage failing: a *StorageError that says the disk is
// full, the reading stops soon after, and nothing is left behind.
func TestFailedWriteIsAStorageError(t *testing.T) {
	dir := t.TempDir()
	l, _ := NewLocal(dir)
	l.WithWriteFault(3<<20, syscall.ENOSPC)
	src := &counting{r: bytes.NewReader(make([]byte, 100<<20))}
	_, _, err := l.Put(context.Background(), src)
	var se *StorageError
	if !errors.As(err, &se) || !se.DiskFull() {
		t.Fatalf("Put on a full disk = %v", err)
	}
	if src.n > 16<<20 {
		t.Fatalf("read %d MB of the upload after the disk was full", src.n>>20)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

// ENOSPC from a real filesystem: a 2 MB tmpfs (the tests run as root, as make test does).
func TestPutOnAFullTmpfs(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mounting a 2 MB tmpfs (make test runs as root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	l, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = l.Put(context.Background(), bytes.NewReader(make([]byte, 5<<20)))
	var se *StorageError
	if !errors.As(err, &se) || !se.DiskFull() {
		t.Fatalf("Put of 5 MB on a 2 MB tmpfs = %v", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
	if sum, _, err := l.Put(context.Background(), bytes.NewReader([]byte("%PDF-1.7 small"))); err != nil || sum == "" {
		t.Fatalf("a small file after the failure: %v", err)
	}
}

func age(t *testing.T, p string, d time.Duration, now time.Time) {
	t.Helper()
	if err := os.Chtimes(p, now.Add(-d), now.Add(-d)); err != nil {
		t.Fatal(err)
	}
}

func TestSweepTemp(t *testing.T) {
	dir := t.TempDir()
	l, _ := NewLocal(dir)
	now := time.Now()
	dead := filepath.Join(dir, "tmp", "upload-dead")
	inflight := filepath.Join(dir, "tmp", "upload-inflight")
	for _, p := range []string{dead, inflight} {
		os.WriteFile(p, []byte("partial"), 0o600)
	}
	age(t, dead, TempGrace+time.Minute, now)
	age(t, inflight, TempGrace-time.Minute, now)
	n, err := l.SweepTemp(context.Background(), now, TempGrace)
	if err != nil || n != 1 {
		t.Fatalf("SweepTemp = %d, %v", n, err)
	}
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the dead upload's temporary file is still there")
	}
	if _, err := os.Stat(inflight); err != nil {
		t.Fatal("the upload in flight lost its temporary file")
	}
}

func TestSweepUnreferenced(t *testing.T) {
	ctx := context.Background()
	l, _ := NewLocal(t.TempDir())
	now := time.Now()
	put := func(s string, old time.Duration) string {
		sum, _, err := l.Put(ctx, bytes.NewReader([]byte(s)))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := l.Path(sum)
		age(t, p, old, now)
		return sum
	}
	kept := put("referenced, old", 30*24*time.Hour)
	orphan := put("nobody's, old", ContentGrace+time.Hour)
	young := put("nobody's yet: its row is being written", ContentGrace-time.Hour)
	raced := put("old, uploaded again while the sweeper runs", 48*time.Hour)

	n, err := SweepUnreferenced(ctx, l, now, ContentGrace, func(context.Context) (map[string]bool, error) {
		// an upload of raced's content arrives after the listing: its Put makes the file new
		if _, _, err := l.Put(ctx, bytes.NewReader([]byte("old, uploaded again while the sweeper runs"))); err != nil {
			t.Fatal(err)
		}
		return map[string]bool{kept: true}, nil
	})
	if err != nil || n != 1 {
		t.Fatalf("SweepUnreferenced = %d, %v", n, err)
	}
	for sum, want := range map[string]bool{kept: true, orphan: false, young: true, raced: true} {
		_, err := os.Stat(must(l.Path(sum)))
		if (err == nil) != want {
			t.Errorf("%s: present=%v; want %v", sum[:8], err == nil, want)
		}
	}
	if err := Verify(ctx, l, raced); err != nil {
		t.Fatalf("the raced file: %v", err)
	}
	if got, _ := filepath.Glob(filepath.Join(l.Dir(), "tmp", "*")); len(got) != 0 {
		t.Fatalf("the sweeper left %v", got)
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
