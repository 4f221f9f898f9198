package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// entries lists every regular file under dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPutOpenAndDeduplicate(t *testing.T) {
	ctx := context.Background()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("年度审计报告"), 100_000)
	want := sha256.Sum256(body)
	sum, n, err := l.Put(ctx, bytes.NewReader(body))
	if err != nil || sum != hex.EncodeToString(want[:]) || n != int64(len(body)) {
		t.Fatalf("Put = %s %d %v", sum, n, err)
	}
	if _, _, err := l.Put(ctx, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, l.Dir()); len(got) != 1 {
		t.Fatalf("same content stored %d times: %v", len(got), got)
	}
	rc, err := l.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(back, body) {
		t.Fatal("content differs")
	}
	if err := Verify(ctx, l, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Open(ctx, "../../etc/passwd"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a path that is not a hash: %v", err)
	}
}

type failingReader struct{ left int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), f.left)
	f.left -= n
	return n, nil
}

func TestInterruptedPutLeavesNothing(t *testing.T) {
	l, _ := NewLocal(t.TempDir())
	if _, _, err := l.Put(context.Background(), &failingReader{left: 3 << 20}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Put = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := l.Put(ctx, bytes.NewReader([]byte("%PDF-"))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put after cancel = %v", err)
	}
	if got := entries(t, l.Dir()); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	ctx := context.Background()
	l, _ := NewLocal(t.TempDir())
	sum, _, _ := l.Put(ctx, bytes.NewReader([]byte("%PDF-1.7 original")))
	p, _ := l.Path(sum)
	if err := os.WriteFile(p, []byte("%PDF-1.7 tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	var ce *CorruptError
	if err := Verify(ctx, l, sum); !errors.As(err, &ce) {
		t.Fatalf("Verify = %v", err)
	}
	// uploading the same content again repairs it
	if _, _, err := l.Put(ctx, bytes.NewReader([]byte("%PDF-1.7 original"))); err != nil || Verify(ctx, l, sum) != nil {
		t.Fatalf("repair: %v %v", err, Verify(ctx, l, sum))
	}
	var walked []string
	l.Walk(ctx, func(s string, _ time.Time) error { walked = append(walked, s); return nil })
	if len(walked) != 1 || walked[0] != sum {
		t.Fatalf("Walk = %v", walked)
	}
	if err := l.Remove(ctx, sum); err != nil || len(entries(t, l.Dir())) != 0 {
		t.Fatalf("Remove = %v", err)
	}
}

// chunked returns b in reads of at most n bytes, like a network body.
type chunked struct {
	b []byte
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[k:]
	return k, nil
}

// A file large enough for fsyncs to start during the copy, arriving in odd-sized reads,
// is stored whole and under the hash of its content.
func TestLargePutWithEarlySyncs(t *testing.T) {
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 2*earlySyncEvery+54321)
	r := rand.New(rand.NewPCG(7, 8))
	for i := range body {
		body[i] = byte(r.Uint32())
	}
	want := sha256.Sum256(body)
	sum, n, err := l.PutChecked(context.Background(), &chunked{body, 65521}, int64(len(body)), func(f io.ReaderAt, n int64) error {
		tail := make([]byte, 4096)
		if _, err := f.ReadAt(tail, n-4096); err != nil || n != int64(len(body)) || !bytes.Equal(tail, body[len(body)-4096:]) {
			t.Errorf("check saw %d bytes and a wrong tail (%v)", n, err)
		}
		return nil
	})
	if err != nil || n != int64(len(body)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("Put = %s, %d, %v; want %x, %d", sum, n, err, want, len(body))
	}
	p, _ := l.Path(sum)
	if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("stored file differs from the upload (err %v)", err)
	}
}
