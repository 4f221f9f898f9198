package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"portal/models/store/files"
	"portal/models/store/files/s3test"
)

// The contract every files.Backend keeps, run against the local folder and against a real
// S3 server (Versity Gateway, started once for this test binary).

var gateway *s3test.Gateway

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "files-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gateway, err = s3test.Start(dir, "portal-files")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the S3 contract tests need their S3 server:", err)
		os.Exit(1)
	}
	code := m.Run()
	gateway.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// backend is a store under test with the hands a test needs behind its interface: make a
// file old, damage it, list everything left in the store, leave a dead upload's debris.
type backend struct {
	files.Backend
	age       func(t *testing.T, sum string, d time.Duration)
	damage    func(t *testing.T, sum string, content []byte)
	leftovers func(t *testing.T) []string
	deadTemp  func(t *testing.T, name string, d time.Duration) (exists func() bool)
}

var bucketSeq int

func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	t.Run("local", func(t *testing.T) { test(t, localBackend(t)) })
	t.Run("s3", func(t *testing.T) { test(t, s3Backend(t)) })
}

func chtimes(t *testing.T, p string, d time.Duration) {
	t.Helper()
	when := time.Now().Add(-d)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
}

func localBackend(t *testing.T) backend {
	dir := t.TempDir()
	l, err := files.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := func(t *testing.T, sum string) string {
		p, err := l.Path(sum)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return backend{
		Backend: l,
		age:     func(t *testing.T, sum string, d time.Duration) { chtimes(t, path(t, sum), d) },
		damage: func(t *testing.T, sum string, content []byte) {
			if err := os.WriteFile(path(t, sum), content, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		leftovers: func(t *testing.T) []string { return walkFiles(t, dir) },
		deadTemp: func(t *testing.T, name string, d time.Duration) func() bool {
			p := filepath.Join(dir, "tmp", name)
			if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
				t.Fatal(err)
			}
			chtimes(t, p, d)
			return func() bool { _, err := os.Stat(p); return err == nil }
		},
	}
}

func s3Backend(t *testing.T) backend {
	ctx := context.Background()
	bucketSeq++
	bucket := fmt.Sprintf("contract-%d", bucketSeq)
	s, err := files.NewS3(ctx, gateway.WithBucket(bucket))
	if err != nil {
		t.Fatal(err)
	}
	object := func(t *testing.T, sum string) string {
		k, err := s.Key(sum)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	return backend{
		Backend: s,
		// the gateway's LastModified is the backing file's modification time
		age: func(t *testing.T, sum string, d time.Duration) {
			chtimes(t, gateway.ObjectPath(bucket, object(t, sum)), d)
		},
		// damage as S3 sees it: another body under the object's name
		damage: func(t *testing.T, sum string, content []byte) {
			if _, err := s.Client().PutObject(ctx, bucket, object(t, sum), bytes.NewReader(content), int64(len(content)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		leftovers: func(t *testing.T) []string {
			var out []string
			for o := range s.Client().ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
				if o.Err != nil {
					t.Fatal(o.Err)
				}
				out = append(out, o.Key)
			}
			for u := range s.Client().ListIncompleteUploads(ctx, bucket, "", true) {
				if u.Err != nil {
					t.Fatal(u.Err)
				}
				out = append(out, "multipart:"+u.Key)
			}
			sort.Strings(out)
			return out
		},
		// a dead upload leaves a multipart upload begun and never completed (the object
		// does not exist until the last part) or, killed during its check, a temp object
		deadTemp: func(t *testing.T, name string, d time.Duration) func() bool {
			key := "tmp/" + name
			core := minio.Core{Client: s.Client()}
			mpDirs := filepath.Join(gateway.Root, bucket, ".sgwtmp", "multipart", "*", "*")
			before, _ := filepath.Glob(mpDirs)
			if _, err := core.NewMultipartUpload(ctx, bucket, key+"-mp", minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Client().PutObject(ctx, bucket, key, strings.NewReader("partial"), 7, minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
			chtimes(t, gateway.ObjectPath(bucket, key), d)
			after, _ := filepath.Glob(mpDirs)
			if len(after) != len(before)+1 {
				t.Fatal("the gateway keeps multipart uploads elsewhere than .sgwtmp/multipart")
			}
			for _, u := range after {
				if !slices.Contains(before, u) {
					chtimes(t, u, d)
				}
			}
			return func() bool {
				_, err := s.Client().StatObject(ctx, bucket, key, minio.StatObjectOptions{})
				mp := false
				for u := range s.Client().ListIncompleteUploads(ctx, bucket, key+"-mp", false) {
					mp = mp || u.Key == key+"-mp"
				}
				return err == nil || mp
			}
		},
	}
}

func walkFiles(t *testing.T, dir string) []string {
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

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pattern is reproducible content of n bytes that does not repeat every part.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed) + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return b
}

// slowBody hands out content in network-sized reads.
type slowBody struct {
	b []byte
	n int
}

func (c *slowBody) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[k:]
	return k, nil
}

func TestContractPutOpenDeduplicate(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		body := pattern(19<<20+12345, 1) // three S3 parts at the default part size
		sum, n, err := b.Put(ctx, &slowBody{body, 32 << 10})
		if err != nil || sum != hashOf(body) || n != int64(len(body)) {
			t.Fatalf("Put = %s %d %v", sum, n, err)
		}
		if _, _, err := b.Put(ctx, bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		if got := b.leftovers(t); len(got) != 1 {
			t.Fatalf("the same content is kept as %d objects: %v", len(got), got)
		}
		rc, err := b.Open(ctx, sum)
		if err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(back, body) {
			t.Fatalf("read back %d bytes (%v); want the %d put", len(back), err, len(body))
		}
		if err := files.Verify(ctx, b, sum); err != nil {
			t.Fatal(err)
		}
		var walked []string
		if err := b.Walk(ctx, func(s string, _ time.Time) error { walked = append(walked, s); return nil }); err != nil || len(walked) != 1 || walked[0] != sum {
			t.Fatalf("Walk = %v, %v", walked, err)
		}
		for _, bad := range []string{"../../etc/passwd", hashOf([]byte("never stored"))} {
			if _, err := b.Open(ctx, bad); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Open(%q) = %v; want fs.ErrNotExist", bad, err)
			}
		}
		if err := b.Remove(ctx, sum); err != nil {
			t.Fatal(err)
		}
		if got := b.leftovers(t); len(got) != 0 {
			t.Fatalf("after Remove: %v", got)
		}
		if err := b.Remove(ctx, sum); err != nil {
			t.Fatalf("removing a missing file: %v", err)
		}
	})
}

func TestContractDamageIsFound(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		original := []byte("%PDF-1.7 整改验收报告 original")
		sum, _, err := b.Put(ctx, bytes.NewReader(original))
		if err != nil {
			t.Fatal(err)
		}
		b.damage(t, sum, []byte("%PDF-1.7 整改验收报告 tampered"))
		var ce *files.CorruptError
		if err := files.Verify(ctx, b, sum); !errors.As(err, &ce) || ce.Want != sum {
			t.Fatalf("Verify of a damaged file = %v; want a *CorruptError", err)
		}
		// the same content uploaded again repairs it
		if _, _, err := b.Put(ctx, bytes.NewReader(original)); err != nil {
			t.Fatal(err)
		}
		if err := files.Verify(ctx, b, sum); err != nil {
			t.Fatalf("after the repair: %v", err)
		}
	})
}

// Reading the S3 store verifies as it streams: a damaged object never ends in io.EOF.
func TestS3OpenVerifiesWhileReading(t *testing.T) {
	b := s3Backend(t)
	ctx := context.Background()
	body := pattern(9<<20, 2)
	sum, _, err := b.Put(ctx, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Clone(body)
	damaged[len(damaged)/2] ^= 1
	b.damage(t, sum, damaged)
	rc, err := b.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	var ce *files.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("streaming a damaged object ended with %v; want a *CorruptError", err)
	}
}

// cancelAfter ends the request's context once left bytes have been read, as a client
// that goes away half-way through an upload does.
type cancelAfter struct {
	r      io.Reader
	left   int
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p[:min(len(p), max(c.left, 1))])
	c.left -= n
	return n, err
}

type brokenBody struct{ left int }

func (f *brokenBody) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), f.left)
	f.left -= n
	return n, nil
}

func TestContractCheckedPut(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		body := pattern(11<<20+7, 3)
		var seen []byte
		sum, n, err := b.PutChecked(ctx, &slowBody{body, 7919}, int64(len(body)), func(f io.ReaderAt, size int64) error {
			seen = make([]byte, size)
			_, err := f.ReadAt(seen, 0)
			return err
		})
		if err != nil || n != int64(len(body)) || sum != hashOf(body) || !bytes.Equal(seen, body) {
			t.Fatalf("PutChecked = %s %d %v; the check saw %d of %d bytes", sum, n, err, len(seen), len(body))
		}
		if err := b.Remove(ctx, sum); err != nil {
			t.Fatal(err)
		}

		refuse := errors.New("不是有效的 PDF 文件")
		if _, _, err := b.PutChecked(ctx, bytes.NewReader(body), int64(len(body)), func(io.ReaderAt, int64) error { return refuse }); !errors.Is(err, refuse) {
			t.Errorf("a refusing check: %v", err)
		}
		if _, _, err := b.PutChecked(ctx, bytes.NewReader(body), int64(len(body))-1, nil); !errors.Is(err, files.ErrTooLarge) {
			t.Errorf("one byte over the limit: %v", err)
		}
		var cp *files.CheckPanic
		if _, _, err := b.PutChecked(ctx, bytes.NewReader(body), int64(len(body)), func(io.ReaderAt, int64) error {
			var m map[string]int
			m["crafted"]++ // a parser of hostile bytes that broke
			return nil
		}); !errors.As(err, &cp) {
			t.Errorf("a panicking check: %v", err)
		}
		if _, _, err := b.Put(ctx, &brokenBody{left: 6 << 20}); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("an upload cut off: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := b.Put(cancelled, bytes.NewReader([]byte("%PDF-"))); !errors.Is(err, context.Canceled) {
			t.Errorf("an upload whose request ended: %v", err)
		}
		midway, stop := context.WithCancel(ctx)
		if _, _, err := b.Put(midway, &cancelAfter{r: bytes.NewReader(body), left: 9 << 20, cancel: stop}); !errors.Is(err, context.Canceled) {
			t.Errorf("an upload whose request ended half-way: %v", err)
		}
		stop()
		if got := b.leftovers(t); len(got) != 0 {
			t.Fatalf("refused and failed uploads left %v", got)
		}
	})
}

func TestContractSweepTemp(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		dead := b.deadTemp(t, "upload-dead", files.TempGrace+time.Minute)
		live := b.deadTemp(t, "upload-inflight", files.TempGrace-10*time.Minute)
		n, err := b.SweepTemp(ctx, time.Now(), files.TempGrace)
		if err != nil || n == 0 {
			t.Fatalf("SweepTemp = %d, %v", n, err)
		}
		if dead() {
			t.Error("a dead upload's debris is still there")
		}
		if !live() {
			t.Error("an upload in flight lost its temporary data")
		}
	})
}

func TestContractSweepUnreferenced(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		put := func(s string, old time.Duration) string {
			sum, _, err := b.Put(ctx, strings.NewReader(s))
			if err != nil {
				t.Fatal(err)
			}
			b.age(t, sum, old)
			return sum
		}
		kept := put("referenced, old", 30*24*time.Hour)
		orphan := put("nobody's, old", files.ContentGrace+time.Hour)
		young := put("nobody's yet: its row is being written", files.ContentGrace-time.Hour)
		raced := put("old, uploaded again while the sweeper runs", 48*time.Hour)

		n, err := files.SweepUnreferenced(ctx, b, time.Now(), files.ContentGrace, func(context.Context) (map[string]bool, error) {
			// an upload of raced's content arrives after the listing: it makes the file new
			if _, _, err := b.Put(ctx, strings.NewReader("old, uploaded again while the sweeper runs")); err != nil {
				t.Fatal(err)
			}
			return map[string]bool{kept: true}, nil
		})
		if err != nil || n != 1 {
			t.Fatalf("SweepUnreferenced = %d, %v; want 1 removed", n, err)
		}
		for sum, want := range map[string]bool{kept: true, orphan: false, young: true, raced: true} {
			err := files.Verify(ctx, b, sum)
			if (err == nil) != want {
				t.Errorf("%s: present=%v (%v); want %v", sum[:8], err == nil, err, want)
			}
		}
		if got := b.leftovers(t); len(got) != 3 {
			t.Fatalf("after the sweep the store holds %v; want the three kept files only", got)
		}
	})
}

// A sweeper deleting some content marks it first; an upload of the same content that
// lands meanwhile waits for the mark to go and names its copy again, so the file exists
// when Put returns even though the sweeper deleted it after the upload's first copy.
func TestS3PutOutlivesASweepOfTheSameContent(t *testing.T) {
	b := s3Backend(t)
	s := b.Backend.(*files.S3)
	ctx := context.Background()
	content := "一份旧的、无人引用的文件，恰在清理时被再次上传"
	sum, _, err := b.Put(ctx, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	b.age(t, sum, 48*time.Hour)
	key, _ := s.Key(sum)
	mark := "tmp/sweep-" + sum + "-test"
	if _, err := s.Client().PutObject(ctx, s.Bucket(), mark, strings.NewReader(""), 0, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := b.Put(ctx, strings.NewReader(content)); done <- err }()
	for { // the upload has copied its content into place
		st, err := s.Client().StatObject(ctx, s.Bucket(), key, minio.StatObjectOptions{})
		if err == nil && time.Since(st.LastModified) < time.Hour {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Put returned (%v) while a sweep of its content was marked", err)
	default:
	}
	// the sweeper, having found the object old before that copy, deletes it and ends
	if err := s.Remove(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if err := s.Client().RemoveObject(ctx, s.Bucket(), mark, minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := files.Verify(ctx, b, sum); err != nil {
		t.Fatalf("after the upload returned: %v", err)
	}
}

// A multipart upload begun long ago whose last part has just arrived is an upload on a
// slow line, not a dead one: the sweep keeps it.
func TestS3SweepKeepsASlowUploadStillSendingParts(t *testing.T) {
	b := s3Backend(t)
	s := b.Backend.(*files.S3)
	ctx := context.Background()
	core := minio.Core{Client: s.Client()}
	mpDirs := filepath.Join(gateway.Root, s.Bucket(), ".sgwtmp", "multipart", "*", "*")
	id, err := core.NewMultipartUpload(ctx, s.Bucket(), "tmp/upload-slow", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob(mpDirs)
	if len(dirs) != 1 {
		t.Fatalf("multipart uploads: %v", dirs)
	}
	chtimes(t, dirs[0], 3*files.TempGrace) // begun three hours ago
	part := pattern(5<<20, 4)
	if _, err := core.PutObjectPart(ctx, s.Bucket(), "tmp/upload-slow", id, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}
	chtimes(t, dirs[0], 3*files.TempGrace) // a part's arrival may touch the folder
	if n, err := s.SweepTemp(ctx, time.Now(), files.TempGrace); err != nil || n != 0 {
		t.Fatalf("SweepTemp = %d, %v; want the slow upload kept", n, err)
	}
	if got := b.leftovers(t); len(got) != 1 {
		t.Fatalf("after the sweep: %v", got)
	}
	// once its last part is old too, it is dead
	parts, _ := filepath.Glob(filepath.Join(dirs[0], "*"))
	for _, p := range parts {
		chtimes(t, p, 2*files.TempGrace)
	}
	if n, err := s.SweepTemp(ctx, time.Now(), files.TempGrace); err != nil || n != 1 {
		t.Fatalf("SweepTemp of the dead upload = %d, %v", n, err)
	}
	if got := b.leftovers(t); len(got) != 0 {
		t.Fatalf("after the second sweep: %v", got)
	}
}

// generated is n bytes of content made as it is read, so the test holds none of it, and
// records the heap in use every few megabytes.
type generated struct {
	left, seen int64
	x          uint32
	peak       uint64
}

func (g *generated) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.left, 256<<10)]
	for i := range p {
		g.x = g.x*1664525 + 1013904223
		p[i] = byte(g.x >> 24)
	}
	g.left -= int64(len(p))
	if g.seen += int64(len(p)); g.seen >= 4<<20 {
		g.seen = 0
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		g.peak = max(g.peak, m.HeapInuse)
	}
	return len(p), nil
}

// A 160 MB upload to S3 goes up part by part: the heap grows by a few parts, not by the
// file.
func TestS3UploadStreams(t *testing.T) {
	b := s3Backend(t)
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	g := &generated{left: 160 << 20, x: 5}
	if _, n, err := b.PutChecked(context.Background(), g, 160<<20, func(f io.ReaderAt, n int64) error {
		_, err := f.ReadAt(make([]byte, 4096), n-4096)
		return err
	}); err != nil || n != 160<<20 {
		t.Fatalf("PutChecked = %d, %v", n, err)
	}
	if grew := int64(g.peak) - int64(base.HeapInuse); grew > 48<<20 {
		t.Fatalf("the heap grew by %d MB during a 160 MB upload; want at most a few %d MB parts", grew>>20, files.DefaultPartSize>>20)
	} else {
		t.Logf("heap growth during a 160 MB upload: %d MB", grew>>20)
	}
}
