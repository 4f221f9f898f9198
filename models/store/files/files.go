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
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"syscall"
	"time"
)

// Backend is a Store with what the sweeper and the backup need: Local (a folder) or S3
// (a bucket), chosen by configuration.
type Backend interface {
	Store
	// Remove deletes the file of a hash; a missing one is no error.
	Remove(ctx context.Context, sha256 string) error
	// Walk calls fn for every stored file with its hash and last modification.
	Walk(ctx context.Context, fn func(sha256 string, modified time.Time) error) error
	// SweepTemp removes what uploads that died left behind, untouched since now − grace.
	SweepTemp(ctx context.Context, now time.Time, grace time.Duration) (int, error)
	// removeIfOld deletes the file of sum unless it was written at or after cutoff (an
	// upload of the same content landed meanwhile), and reports whether it went. It is
	// what SweepUnreferenced needs of each backend.
	removeIfOld(ctx context.Context, sum string, cutoff time.Time) (bool, error)
}

var (
	_ Backend = (*Local)(nil)
	_ Backend = (*S3)(nil)
)

// Store keeps files by content.
type Store interface {
	// Put reads r to its end and stores it. On any error, from r or the disk, nothing is
	// left behind.
	Put(ctx context.Context, r io.Reader) (sha256 string, size int64, err error)
	// PutChecked is Put for an upload: it fails with ErrTooLarge once more than limit
	// bytes arrive, and hands the complete file to check before the file takes its
	// name; an error from check (or a panic in it, as a *CheckPanic) refuses the file
	// and nothing is kept. Failures of the server's own storage come as *StorageError.
	PutChecked(ctx context.Context, r io.Reader, limit int64, check Check) (sha256 string, size int64, err error)
	// Open returns the stored file; fs.ErrNotExist when there is none.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// Check looks at a complete upload, size bytes readable from f, before it is kept.
type Check func(f io.ReaderAt, size int64) error

// ErrTooLarge is returned by PutChecked once more than its limit has been read.
var ErrTooLarge = errors.New("files: upload over the size limit")

// StorageError is a failure of the server's storage (a full disk, an I/O error), as
// opposed to the upload's: the client did nothing wrong and nothing was saved.
type StorageError struct {
	Op  string
	Err error
}

func (e *StorageError) Error() string { return "files: " + e.Op + ": " + e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }

// DiskFull reports whether the storage failure is a full disk or quota.
func (e *StorageError) DiskFull() bool {
	return errors.Is(e.Err, syscall.ENOSPC) || errors.Is(e.Err, syscall.EDQUOT)
}

func storageErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return &StorageError{Op: op, Err: err}
}

// CheckPanic is a check that panicked on the upload's bytes: the file is refused as
// unreadable, and the stack is kept for the log.
type CheckPanic struct {
	Value any
	Stack []byte
}

func (e *CheckPanic) Error() string {
	return fmt.Sprintf("files: the upload check panicked: %v", e.Value)
}

// Local stores files under a directory: <dir>/ab/cd/abcd…, written to <dir>/tmp first,
// synced, then renamed into place, so a file at its final name is always complete.
type Local struct {
	dir string
	// wrap stands between the pipeline and the temporary file; tests make its writes
	// fail as a full disk would (WithWriteFault).
	wrap func(*os.File) tempFile
}

// NewLocal prepares dir and removes temporary files left by a crash.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("preparing the file store: %w", err)
	}
	l := &Local{dir: dir}
	_, _ = l.SweepTemp(context.Background(), time.Now(), TempGrace)
	return l, nil
}

// WithWriteFault makes writes to the store fail with err once after bytes of an upload
// have been written, as a full disk does: fault injection for the tests of the server's
// answer where no small filesystem can be mounted.
func (l *Local) WithWriteFault(after int64, err error) {
	l.wrap = func(f *os.File) tempFile { return &faultyFile{File: f, left: after, err: err} }
}

type faultyFile struct {
	*os.File
	left int64
	err  error
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if int64(len(p)) > f.left {
		n, _ := f.File.Write(p[:f.left])
		f.left = 0
		return n, f.err
	}
	f.left -= int64(len(p))
	return f.File.Write(p)
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
	return l.PutChecked(ctx, r, math.MaxInt64, nil)
}

// PutChecked implements Store.
func (l *Local) PutChecked(ctx context.Context, r io.Reader, limit int64, check Check) (string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(l.dir, "tmp"), "upload-*")
	if err != nil {
		return "", 0, storageErr("creating a temporary file", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w tempFile = tmp
	if l.wrap != nil {
		w = l.wrap(tmp)
	}
	digest, n, err := copyHashed(w, &ctxReader{ctx, r}, limit)
	if err != nil {
		return "", n, err
	}
	if check != nil {
		if err := runCheck(check, tmp, n); err != nil {
			return "", n, err
		}
	}
	if err := tmp.Close(); err != nil { // copyHashed has synced it
		return "", n, storageErr("closing the temporary file", err)
	}
	sum := hex.EncodeToString(digest)
	dst, _ := l.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", n, storageErr("creating the folder", err)
	}
	// Renaming over an existing copy of the same content also repairs a damaged one, and
	// makes the file young again for the sweeper.
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", n, storageErr("renaming into place", err)
	}
	done = true
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", n, storageErr("syncing the folder", err)
	}
	return sum, n, nil
}

// runCheck calls check, turning a panic (a parser of untrusted bytes that failed) into
// an error, so one hostile file costs one refused upload and nothing more.
func runCheck(check Check, f io.ReaderAt, size int64) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &CheckPanic{Value: v, Stack: debug.Stack()}
		}
	}()
	return check(f, size)
}

// Open implements Store. The *os.File returned also serves ranges (io.ReadSeeker).
func (l *Local) Open(_ context.Context, sum string) (io.ReadCloser, error) {
	p, err := l.Path(sum)
	if err != nil {
		return nil, fs.ErrNotExist
	}
	return os.Open(p)
}

// Remove deletes the file of a hash.
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
func (l *Local) Walk(ctx context.Context, fn func(sum string, modified time.Time) error) error {
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
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(d.Name(), info.ModTime())
	})
}

// The sweeper's grace periods. An upload writes its temporary file as it arrives, so a
// temporary file untouched for TempGrace belongs to an upload that died (a kill -9, a
// crash). A stored file is younger than ContentGrace while the row that will refer to it
// may not be committed yet (the store writes the row after Put returns), so only older
// files are candidates for removal.
const (
	TempGrace    = time.Hour
	ContentGrace = 24 * time.Hour
)

// SweepTemp removes temporary files not written to since now − grace, and returns how
// many it removed.
func (l *Local) SweepTemp(_ context.Context, now time.Time, grace time.Duration) (int, error) {
	stale, err := filepath.Glob(filepath.Join(l.dir, "tmp", "*"))
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, p := range stale {
		st, err := os.Lstat(p)
		if err != nil || st.IsDir() || !st.ModTime().Before(now.Add(-grace)) {
			continue
		}
		if err := os.Remove(p); err == nil {
			removed++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	return removed, nil
}

// SweepUnreferenced removes the files of b last written before now − grace that no row
// refers to, and returns how many it removed. It lists the old files first and asks
// referenced for the hashes the database holds afterwards, so a row committed before that
// question keeps its file. Each backend's removeIfOld guards against an upload of the same
// content racing the delete: Local moves the file aside and checks it once more there, S3
// leaves a mark that such an upload waits for (see S3.publish).
func SweepUnreferenced(ctx context.Context, b Backend, now time.Time, grace time.Duration, referenced func(context.Context) (map[string]bool, error)) (int, error) {
	cutoff := now.Add(-grace)
	var old []string
	err := b.Walk(ctx, func(sum string, modified time.Time) error {
		if modified.Before(cutoff) {
			old = append(old, sum)
		}
		return nil
	})
	if err != nil || len(old) == 0 {
		return 0, err
	}
	refs, err := referenced(ctx)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, sum := range old {
		if refs[sum] {
			continue
		}
		gone, err := b.removeIfOld(ctx, sum, cutoff)
		if err != nil {
			return removed, err
		}
		if gone {
			removed++
		}
	}
	return removed, nil
}

// removeIfOld moves the file aside before deleting it and checks it once more there: if
// an upload of the same content renamed a fresh copy into place in the meantime, the
// fresh copy is what was moved, and it goes back.
func (l *Local) removeIfOld(_ context.Context, sum string, cutoff time.Time) (bool, error) {
	p, _ := l.Path(sum)
	aside := filepath.Join(l.dir, "tmp", "sweep-"+sum)
	if err := os.Rename(p, aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	st, err := os.Stat(aside)
	if err == nil && !st.ModTime().Before(cutoff) {
		// a Put of the same content came in between: put it back (a copy that has
		// arrived since at p has the same content, so either may win)
		return false, os.Rename(aside, p)
	}
	if err := os.Remove(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
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
