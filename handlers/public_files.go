package handlers

import (
	"context"
	"io"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
)

// PublicFiles is the file store the public side uses for complaint attachments and
// scope-change evidence: content-addressed by SHA-256.
type PublicFiles interface {
	Put(ctx context.Context, r io.Reader) (sha string, size int64, err error)
	PutChecked(ctx context.Context, r io.Reader, limit int64, check files.Check) (sha string, size int64, err error)
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
}

// receiveAttachment streams one complaint attachment or scope-change evidence file into
// the file store as it arrives (never buffered whole in memory), with the checks of
// every upload: at most models.MaxAttachmentBytes, and a type found in the content
// among models.PublicAttachmentKinds.
func receiveAttachment(c echo.Context, fs PublicFiles, part *multipart.Part) (store.FileRef, error) {
	f, err := receivePart(c, fs, part, models.MaxAttachmentBytes, models.PublicAttachmentKinds)
	if err != nil {
		return store.FileRef{}, err
	}
	return store.FileRef{SHA256: f.SHA256, Name: f.Name, Size: f.Size, ContentType: f.Kind.ContentType()}, nil
}

func urlPathEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "'", "%27") }
