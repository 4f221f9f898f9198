package handlers

import (
	"context"
	"io"
	"mime/multipart"
	"net/url"
	"path/filepath"
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
