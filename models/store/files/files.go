// Package files keeps uploaded files, addressed by the SHA-256 of their content. The
// database refers to a file by its hash; the Store interface lets object storage replace
// the local disk later.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Store keeps files by content.
type Store interface {
	// Put reads r to its end and stores it. On any error, from r or the disk, nothing is
	// left behind.
	Put(ctx context.Context, r io.Reader) (sha256 string, size int64, err error)
	// Open returns the stored file; fs.ErrNotExist when there is none.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// Local stores files under a directory: <dir>/ab/cd/abcd…, written to <dir>/tmp first,
// synced, then renamed into place, so a file at its final name is always complete.
type Local struct {
	dir string
}

// NewLocal prepares dir and removes temporary files left by a crash.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("preparing the file store: %w", err)
	}
	l := &Local{dir: dir}
	stale, _ := filepath.Glob(filepath.Join(dir, "tmp", "upload-*"))
	for _, p := range stale {
		if st, err := os.Stat(p); err == nil && time.Since(st.ModTime()) > time.Hour {
			_ = os.Remove(p)
		}
	}
	return l, nil
}

// Dir is the store's root.
func (l *Local) Dir() string { return l.dir }

var hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Path is where the file of a hash lives.
func (l *Local) Path(sum string) (string, error) {
	if !hashPattern.MatchString(sum) {
		return "", fmt.Errorf("files: not a SHA-256: %q", sum)
	}
	return filepath.Join(l.dir, sum[:2], sum[2:4], sum), nil
}

// copyBuffer is large enough that a 200 MB upload takes few system calls.
const copyBuffer = 1 << 20

// Put implements Store.
func (l *Local) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(l.dir, "tmp"), "upload-*")
	if err != nil {
		return "", 0, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	digest, n, err := copyHashed(tmp, &ctxReader{ctx, r})
	if err != nil {
		return "", n, err
	}
	if err := tmp.Close(); err != nil { // copyHashed has synced it
		return "", n, err
	}
	sum := hex.EncodeToString(digest)
	dst, _ := l.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", n, err
	}
	// Renaming over an existing copy of the same content also repairs a damaged one.
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", n, err
	}
	done = true
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", n, err
	}
	return sum, n, nil
}

// Open implements Store. The *os.File returned also serves ranges (io.ReadSeeker).
func (l *Local) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	p, err := l.Path(sum)
	if err != nil {
		return nil, fs.ErrNotExist
	}
	return os.Open(p)
}

// Remove deletes the file of a hash; the sweeper calls it for files no row refers to.
func (l *Local) Remove(_ context.Context, sum string) error {
	p, err := l.Path(sum)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Walk calls fn for every stored file with its hash and modification time.
func (l *Local) Walk(fn func(sum string, modified time.Time) error) error {
	return filepath.WalkDir(l.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == filepath.Join(l.dir, "tmp") {
			return filepath.SkipDir
		}
		if d.IsDir() || !hashPattern.MatchString(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return fn(d.Name(), info.ModTime())
	})
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops a copy when the request ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Verify reads a stored file through and compares its hash with the name it is stored
// under; a mismatch means the file was damaged on disk.
func Verify(ctx context.Context, s Store, sum string) error {
	rc, err := s.Open(ctx, sum)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, &ctxReader{ctx, rc}, make([]byte, copyBuffer)); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return &CorruptError{Want: sum, Got: got}
	}
	return nil
}

// CorruptError reports a stored file whose content no longer matches its hash.
type CorruptError struct{ Want, Got string }

func (e *CorruptError) Error() string {
	return fmt.Sprintf("stored file %s has hash %s", e.Want, e.Got)
}
