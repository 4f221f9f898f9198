package handlers

import (
	"errors"
	"io"
	iofs "io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
)

// download is a stored file as a response sends it.
type download struct {
	SHA256      string
	Name        string
	ContentType string
	Modified    time.Time // answers conditional and range requests; zero when unknown
}

// sendFile is the one way a stored file leaves the server. It re-checks the file against
// its SHA-256 before a byte is sent and refuses a damaged or missing one; a good one goes
// as an attachment, never cached, with its hash in X-Content-SHA256.
func sendFile(c echo.Context, fs files.Store, d download) error {
	ctx := c.Request().Context()
	if err := files.Verify(ctx, fs, d.SHA256); err != nil {
		var corrupt *files.CorruptError
		if errors.As(err, &corrupt) || errors.Is(err, iofs.ErrNotExist) {
			slog.ErrorContext(ctx, "stored file failed its hash check", "sha256", d.SHA256, "err", err)
			return models.Errorf(models.EInternal, "文件「%s」校验失败：存储的内容与上传时记录的 SHA-256 不一致或文件缺失，已拒绝下载。请联系系统管理员从备份恢复，或由上传单位重新上传。", d.Name)
		}
		return err
	}
	rc, err := fs.Open(ctx, d.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, d.ContentType)
	w.Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	w.Header().Set("X-Content-SHA256", d.SHA256)
	w.Header().Set("Cache-Control", "private, no-store")
	if rs, ok := rc.(io.ReadSeeker); ok && !d.Modified.IsZero() {
		http.ServeContent(w, c.Request(), "", d.Modified, rs)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, rc)
	return err
}

// sendAttachment sends the one of refs (a complaint's or a scope change's files) with id.
func sendAttachment(c echo.Context, fs files.Store, refs []store.FileRef, id int64) error {
	for _, f := range refs {
		if f.ID == id {
			return sendFile(c, fs, download{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, Modified: f.CreatedAt})
		}
	}
	return models.Errorf(models.ENotFound, "附件不存在")
}

// urlPathEscape encodes a file name for a Content-Disposition filename* parameter.
func urlPathEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "'", "%27") }
