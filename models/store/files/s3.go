package files

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where an S3-compatible object store is (AWS S3, MinIO, Versity Gateway,
// Ceph RGW, a cloud's OSS/COS with its S3 endpoint).
type S3Config struct {
	Endpoint  string // host:port, without scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // empty: us-east-1
	TLS       bool   // https to the endpoint
	// PartSize is how much of an upload is held in memory at once: an upload of unknown
	// length goes up as a multipart upload in parts of this size (at least 5 MiB, S3's
	// minimum). Zero means DefaultPartSize.
	PartSize uint64
}

// DefaultPartSize keeps one 8 MiB buffer per upload in flight.
const DefaultPartSize = 8 << 20

// S3 keeps files in a bucket under the same names as Local: ab/cd/abcd…. An upload goes
// to tmp/upload-<random> while it is hashed, then is copied on the server to its hash's
// name and the temporary object removed, so an object at its final name is always
// complete and its name is its content's SHA-256.
type S3 struct {
	c        *minio.Client
	bucket   string
	partSize uint64
}

// tmpPrefix holds uploads not yet named and the sweeper's marks.
const tmpPrefix = "tmp/"

// NewS3 connects to the bucket, creating it when it does not exist.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("files: the S3 store needs an endpoint and a bucket")
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.TLS,
		Region:       region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("files: S3 endpoint %s: %w", cfg.Endpoint, err)
	}
	ps := cfg.PartSize
	if ps == 0 {
		ps = DefaultPartSize
	}
	if ps < 5<<20 {
		return nil, fmt.Errorf("files: S3 part size %d is below S3's minimum of 5 MiB", ps)
	}
	s := &S3{c: c, bucket: cfg.Bucket, partSize: ps}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("files: reaching the S3 bucket %s at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: region}); err != nil {
			return nil, fmt.Errorf("files: creating the S3 bucket %s: %w", cfg.Bucket, err)
		}
	}
	return s, nil
}

// Key is the object name of a hash.
func (s *S3) Key(sum string) (string, error) {
	if !hashPattern.MatchString(sum) {
		return "", fmt.Errorf("files: not a SHA-256: %q", sum)
	}
	return sum[:2] + "/" + sum[2:4] + "/" + sum, nil
}

// Client and Bucket are the store's connection, for the tests that damage an object.
func (s *S3) Client() *minio.Client { return s.c }
func (s *S3) Bucket() string        { return s.bucket }

// Put implements Store.
func (s *S3) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	return s.PutChecked(ctx, r, math.MaxInt64, nil)
}

// hashingReader hashes and counts what passes through it, and fails with ErrTooLarge
// once more than limit bytes have come, so the multipart upload is aborted.
type hashingReader struct {
	ctx   context.Context
	r     io.Reader
	h     hash.Hash
	n     int64
	limit int64
	err   error // the source's own error (not io.EOF), kept: minio may wrap it
}

func (h *hashingReader) Read(p []byte) (int, error) {
	if err := h.ctx.Err(); err != nil {
		h.err = err
		return 0, err
	}
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	if h.n > h.limit {
		h.err = ErrTooLarge
		return n, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		h.err = err
	}
	return n, err
}

// PutChecked implements Store. The upload streams to a temporary object in parts of the
// configured size, hashed on the way; check reads the complete temporary object (range
// requests) before it is copied, on the server, to its hash's name.
func (s *S3) PutChecked(ctx context.Context, r io.Reader, limit int64, check Check) (string, int64, error) {
	tmp := tmpPrefix + "upload-" + randomName()
	hr := &hashingReader{ctx: ctx, r: r, h: sha256.New(), limit: limit}
	_, err := s.c.PutObject(ctx, s.bucket, tmp, hr, -1, minio.PutObjectOptions{
		PartSize: s.partSize, ContentType: "application/octet-stream", DisableContentSha256: true})
	if hr.err != nil || err != nil {
		// minio aborts the multipart upload itself, but with the request's context, which
		// may be the reason it failed
		s.discard(tmp)
	}
	if hr.err != nil {
		return "", hr.n, hr.err // the upload's fault (or its end), not the store's
	}
	if err != nil {
		return "", hr.n, storageErr("storing the upload", err)
	}
	n := hr.n
	defer s.removeQuietly(tmp)
	if check != nil {
		obj, err := s.c.GetObject(ctx, s.bucket, tmp, minio.GetObjectOptions{})
		if err != nil {
			return "", n, storageErr("reading the upload back", err)
		}
		err = runCheck(check, &objectReaderAt{obj}, n)
		obj.Close()
		if err != nil {
			return "", n, err
		}
	}
	sum := hex.EncodeToString(hr.h.Sum(nil))
	if err := s.publish(ctx, tmp, sum); err != nil {
		return "", n, err
	}
	return sum, n, nil
}

// objectReaderAt turns a failed range read into a *StorageError, so a check's refusal
// is not mistaken for the store's failure.
type objectReaderAt struct{ o *minio.Object }

func (o *objectReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := o.o.ReadAt(p, off)
	if err != nil && err != io.EOF {
		return n, storageErr("reading the upload back", err)
	}
	return n, err
}

// publish copies the temporary object to its hash's name. Copying over an existing copy
// of the same content repairs a damaged one and makes it young again for the sweeper.
// A sweeper deleting this very content leaves a mark under tmp/sweep-<sum>- while it
// works; publish waits for it to end and copies again, and copies again too when the
// object it just wrote is gone, so the file exists when publish returns and a sweeper
// that starts later sees it young.
func (s *S3) publish(ctx context.Context, tmp, sum string) error {
	key, _ := s.Key(sum)
	for attempt := 0; ; attempt++ {
		_, err := s.c.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: key},
			minio.CopySrcOptions{Bucket: s.bucket, Object: tmp})
		if err != nil {
			return storageErr("naming the upload", err)
		}
		marked, err := s.sweeping(ctx, sum)
		if err != nil {
			return storageErr("looking for a sweep of the same content", err)
		}
		if !marked {
			if _, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err == nil {
				return nil
			} else if !isNotFound(err) {
				return storageErr("checking the named upload", err)
			}
		}
		if attempt == 1200 { // a minute: a sweep holds its mark for a stat and a delete
			return storageErr("naming the upload", errors.New("a sweep of the same content did not end"))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *S3) sweeping(ctx context.Context, sum string) (bool, error) {
	ctx, cancel := context.WithCancel(ctx) // ends the listing's goroutine on an early return
	defer cancel()
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: tmpPrefix + "sweep-" + sum + "-", MaxKeys: 1}) {
		if o.Err != nil {
			return false, o.Err
		}
		return true, nil
	}
	return false, nil
}

func (s *S3) removeQuietly(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// discard removes a failed upload's temporary object and its unfinished multipart upload.
func (s *S3) discard(key string) {
	s.removeQuietly(key)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.c.RemoveIncompleteUpload(ctx, s.bucket, key)
}

func randomName() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func isNotFound(err error) bool {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode == http.StatusNotFound || er.Code == "NoSuchKey"
	}
	return false
}

// Open implements Store. What it returns checks the content against the hash as it is
// read: a damaged object ends in a *CorruptError instead of io.EOF, so a caller that
// streams it on never takes a damaged file for a complete one.
func (s *S3) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	key, err := s.Key(sum)
	if err != nil {
		return nil, fs.ErrNotExist
	}
	obj, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, storageErr("opening "+sum, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if isNotFound(err) {
			return nil, fs.ErrNotExist
		}
		return nil, storageErr("opening "+sum, err)
	}
	return &verifying{rc: obj, h: sha256.New(), want: sum}, nil
}

type verifying struct {
	rc   io.ReadCloser
	h    hash.Hash
	want string
}

func (v *verifying) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			return n, &CorruptError{Want: v.want, Got: got}
		}
	}
	return n, err
}

func (v *verifying) Close() error { return v.rc.Close() }

// Remove deletes the object of a hash.
func (s *S3) Remove(ctx context.Context, sum string) error {
	key, err := s.Key(sum)
	if err != nil {
		return err
	}
	return s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// Walk calls fn for every stored object with its hash and last modification.
func (s *S3) Walk(ctx context.Context, fn func(sum string, modified time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx) // ends the listing on an early return
	defer cancel()
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			return o.Err
		}
		if strings.HasPrefix(o.Key, tmpPrefix) {
			continue
		}
		name := o.Key[strings.LastIndexByte(o.Key, '/')+1:]
		if !hashPattern.MatchString(name) {
			continue
		}
		if k, _ := s.Key(name); k != o.Key {
			continue
		}
		if err := fn(name, o.LastModified); err != nil {
			return err
		}
	}
	return nil
}

// SweepTemp removes temporary objects and multipart uploads of uploads that died, last
// written (or begun) before now − grace.
func (s *S3) SweepTemp(ctx context.Context, now time.Time, grace time.Duration) (int, error) {
	ctx, cancel := context.WithCancel(ctx) // ends a listing on an early return
	defer cancel()
	cutoff := now.Add(-grace)
	removed := 0
	var stale []string
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: tmpPrefix, Recursive: true}) {
		if o.Err != nil {
			return 0, o.Err
		}
		if o.LastModified.Before(cutoff) {
			stale = append(stale, o.Key)
		}
	}
	for _, k := range stale {
		if err := s.c.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{}); err != nil {
			return removed, err
		}
		removed++
	}
	// A multipart upload is in flight while parts still arrive: it is dead once it was
	// begun and its last part came before the cutoff.
	core := minio.Core{Client: s.c}
	var dead []minio.ObjectMultipartInfo
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, tmpPrefix, true) {
		if u.Err != nil {
			return removed, u.Err
		}
		if u.Initiated.Before(cutoff) {
			dead = append(dead, u)
		}
	}
	for _, u := range dead {
		parts, err := core.ListObjectParts(ctx, s.bucket, u.Key, u.UploadID, 0, 10000)
		if err != nil && !isNotFound(err) {
			return removed, err
		}
		live := false
		for _, p := range parts.ObjectParts {
			live = live || !p.LastModified.Before(cutoff)
		}
		if live {
			continue
		}
		if err := core.AbortMultipartUpload(ctx, s.bucket, u.Key, u.UploadID); err != nil && !isNotFound(err) {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// removeIfOld is SweepUnreferenced's delete for S3: it leaves a mark
// (tmp/sweep-<sum>-<random>), checks that the object is still old, deletes it and takes
// the mark away; an upload of the same content that lands meanwhile sees the mark and
// names its copy again once the mark is gone (see publish).
func (s *S3) removeIfOld(ctx context.Context, sum string, cutoff time.Time) (bool, error) {
	key, _ := s.Key(sum)
	mark := tmpPrefix + "sweep-" + sum + "-" + randomName()
	if _, err := s.c.PutObject(ctx, s.bucket, mark, strings.NewReader(""), 0, minio.PutObjectOptions{}); err != nil {
		return false, err
	}
	defer s.removeQuietly(mark)
	st, err := s.c.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	if !st.LastModified.Before(cutoff) {
		return false, nil // an upload of the same content named it again
	}
	if err := s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return false, err
	}
	return true, nil
}
