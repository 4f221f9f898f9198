package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store/files"
	"portal/views/pages/platform"
)

// multipartSlack is what a multipart body carries beside its files: boundaries, part
// headers and the small fields of the form.
const multipartSlack = 1 << 20

// Body limits of the upload routes, whole requests (the per-file limits are checked as
// each file arrives).
func (c Config) materialBodyLimit() int64 { return c.maxUpload() + multipartSlack }

const (
	paperBodyLimit     = models.MaxReviewFileSize + multipartSlack
	objectionBodyLimit = 5*models.MaxReviewFileSize + multipartSlack
	scopeBodyLimit     = models.MaxAttachmentBytes + multipartSlack
	complaintBodyLimit = models.MaxComplaintUpload
)

// limitBody refuses a request whose declared Content-Length is over limit with a Chinese
// 413 page before a byte of the body is read (and closes the connection rather than
// reading it), and caps a body sent without a length at limit as it arrives.
func limitBody(limit int64, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > limit {
			c.Response().Header().Set("Connection", "close")
			return models.Errorf(models.ETooLarge, "提交的内容（%s）超过本页 %s 的上限，服务器未接收，也未保存任何内容。请删减或压缩文件后重新提交。",
				platform.MB(r.ContentLength), platform.MB(limit))
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// SweepFiles runs both sweeps of the file store once (issue 8 §3.3; the job sweep_files,
// web/jobs): temporary files of uploads that died (a kill -9 mid-upload) after
// files.TempGrace, and stored files that no row refers to after files.ContentGrace,
// which is far longer than any upload takes to commit its row.
func (s *Server) SweepFiles(ctx context.Context, now time.Time) error {
	tmp, err := s.files.SweepTemp(ctx, now, files.TempGrace)
	if err != nil {
		return fmt.Errorf("sweeping temporary uploads: %w", err)
	}
	orphans, err := files.SweepUnreferenced(ctx, s.files, now, files.ContentGrace, s.store.FileReferences)
	if err != nil {
		return fmt.Errorf("sweeping unreferenced files: %w", err)
	}
	if tmp+orphans > 0 {
		s.log.Info("file store swept", "stale_temp_files", tmp, "unreferenced_files", orphans)
	}
	return nil
}

// Files is the server's file store on local disk (the sweeper's and the fault tests'
// handle on it); nil when the files are in S3.
func (s *Server) Files() *files.Local {
	l, _ := s.files.(*files.Local)
	return l
}

// FileStore is the server's file store, local or S3.
func (s *Server) FileStore() files.Backend { return s.files }
