package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"portal/models"
	"portal/models/store"
)

// PublicFiles is the file store the public side uses for complaint attachments and
// scope-change evidence: content-addressed by SHA-256.
type PublicFiles interface {
	Put(ctx context.Context, r io.Reader) (sha string, size int64, err error)
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
}

// InterimDiskFiles is a minimal content-addressed store under a folder, used until the
// platform side's FileStore is on main; routes_public.go swaps it then.
type InterimDiskFiles struct{ Dir string }

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Put writes r via a temporary file, fsync and rename, named by its SHA-256.
func (d InterimDiskFiles) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	if err := os.MkdirAll(d.Dir, 0o750); err != nil {
		return "", 0, err
	}
	tmp, err := os.CreateTemp(d.Dir, ".upload-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, err
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return sum, n, os.Rename(tmp.Name(), filepath.Join(d.Dir, sum))
}

// Open reads a stored file.
func (d InterimDiskFiles) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	if !shaPattern.MatchString(sha) {
		return nil, models.Errorf(models.ENotFound, "文件不存在")
	}
	f, err := os.Open(filepath.Join(d.Dir, sha))
	if os.IsNotExist(err) {
		return nil, models.Errorf(models.ENotFound, "文件不存在")
	}
	return f, err
}

// saveAttachments checks each uploaded file by content and size, then stores it. The
// first bad file stops the lot with a message naming it.
func saveAttachments(ctx context.Context, files PublicFiles, headers []*multipart.FileHeader, maxFiles int) ([]store.FileRef, error) {
	if len(headers) > maxFiles {
		return nil, models.Errorf(models.EInvalid, "附件最多 %d 个，您选择了 %d 个", maxFiles, len(headers))
	}
	var refs []store.FileRef
	for _, fh := range headers {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the browser sends an empty part when no file was chosen
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		ct, err := models.CheckPublicAttachment(fh.Filename, head[:n], fh.Size)
		if err != nil {
			f.Close()
			return nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		sha, size, err := files.Put(ctx, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		refs = append(refs, store.FileRef{SHA256: sha, Name: filepath.Base(fh.Filename), Size: size, ContentType: ct})
	}
	return refs, nil
}

func urlPathEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "'", "%27") }
