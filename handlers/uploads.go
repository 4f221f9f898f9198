package handlers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
)

// Upload streams one file into the file store and records it as the slot's next
// version. The body is read part by part (never parsed whole), the file is hashed and
// written as it arrives, its size is capped and its type is checked by content.
func (h *Platform) Upload(c echo.Context) error {
	appID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	mid, err := idParam(c, "mid")
	if err != nil {
		return err
	}
	slot, _ := strconv.Atoi(c.QueryParam("slot"))
	if slot == 0 {
		slot = 1
	}
	ctx := c.Request().Context()
	t, err := h.store.MaterialUploadTarget(ctx, CurrentUser(c), appID, mid, slot)
	if err != nil {
		h.drain(c)
		return err
	}
	var stored *store.FileRef
	err = eachPart(c, func(name, _ string) error { return nil }, func(name string, part *multipart.Part) error {
		if name != "file" || stored != nil {
			return nil
		}
		f, err := receivePart(c, h.files, part, h.maxUpload, t.Material.Kinds())
		if err == nil {
			stored = &f
		}
		return err
	})
	if err == nil && stored == nil {
		err = models.Errorf(models.EInvalid, "请选择要上传的文件")
	}
	if err != nil {
		h.drain(c)
		_, msg, ok := refused(err, models.EStorage)
		if !ok {
			return err
		}
		if uploadStatus(err) == http.StatusInsufficientStorage {
			h.log.Error("upload failed: the file store could not write", "err", err)
		}
		return h.renderMaterial(c, uploadStatus(err), components.FieldErrors{platform.FileField(slot): msg})
	}
	f, err := h.store.AddMaterialFile(ctx, actor(c, h.now), appID, mid, slot, *stored)
	if err != nil {
		return err
	}
	name := t.Material.Name
	if l := t.SlotLabels[slot-1]; l != "" {
		name += "（" + l + "）"
	}
	return h.uploadDone(c, urls.Material(appID, mid),
		fmt.Sprintf("已上传「%s」第 %d 版：%s，%s，SHA-256 %s", name, f.Version, f.Filename, platform.MB(f.Size), f.SHA256))
}

// uploadDone ends a successful upload: a redirect for a plain form; for upload.js,
// which cannot stop XMLHttpRequest from following redirects (and so eating the flash),
// a 200 naming the page to go to.
func (h *Platform) uploadDone(c echo.Context, to, msg string) error {
	if c.Request().Header.Get("X-Upload-Progress") == "1" {
		if err := h.sessions.Flash(c, "success", msg); err != nil {
			return err
		}
		c.Response().Header().Set("X-Redirect", to)
		return c.NoContent(http.StatusOK)
	}
	return redirectWithFlash(c, h.sessions, to, msg)
}

// tooLargeError is the over-limit refusal, answered with 413; it unwraps to the coded
// error so the message reaches the page.
type tooLargeError struct{ err *models.Error }

func (e *tooLargeError) Error() string { return e.err.Message }
func (e *tooLargeError) Unwrap() error { return e.err }

// receivePart is the one upload intake: it streams one file part into the file store, with the checks every upload
// gets, whichever form it comes from (materials, self-assessment evidence, working
// papers, objection evidence, complaint attachments, scope-change evidence): the name
// made safe to show (models.SafeFilename), the size capped at limit as it arrives, and
// the type decided from the complete file's content (models.CheckUploadContent, SPEC
// §3.1). Nothing is left behind when the part is cut off, too large or refused: Put
// removes its temporary file. The errors:
//   - over limit: a *tooLargeError (EInvalid, answered 413);
//   - a refused or unreadable type, a cut-off upload: EInvalid (422), the message names
//     the file;
//   - the server's storage failing (a full disk, an I/O error): EStorage (507), which the
//     error handler logs with slog.Error; the user is told nothing was saved.
func receivePart(c echo.Context, fs files.Store, part *multipart.Part, limit int64, kinds []models.FileKind) (store.FileRef, error) {
	name := cleanFilename(part.FileName())
	var kind models.FileKind
	sum, size, err := fs.PutChecked(c.Request().Context(), part, limit, func(f io.ReaderAt, size int64) error {
		k, err := models.CheckUploadContent(name, f, size, kinds)
		kind = k
		return err
	})
	var se *files.StorageError
	var cp *files.CheckPanic
	switch {
	case err == nil:
		return store.FileRef{Name: name, SHA256: sum, Size: size, Kind: kind, ContentType: kind.ContentType()}, nil
	case errors.Is(err, files.ErrTooLarge):
		return store.FileRef{}, &tooLargeError{models.Errorf(models.EInvalid,
			"文件「%s」超过单个文件 %s 的上限，未保存。请压缩或拆分后重新上传。", name, platform.MB(limit))}
	case errors.As(err, new(*http.MaxBytesError)):
		return store.FileRef{}, bodyTooLarge(err)
	case errors.As(err, &se):
		if se.DiskFull() {
			return store.FileRef{}, &storageError{models.Errorf(models.EStorage,
				"服务器存储空间已满，文件「%s」未能保存，本次提交的内容均未保存。这不是您的文件或网络的问题，已通知系统管理员处理，请稍后再提交。", name), err}
		}
		return store.FileRef{}, &storageError{models.Errorf(models.EStorage,
			"服务器存储发生故障，文件「%s」未能保存，本次提交的内容均未保存。这不是您的文件或网络的问题，已通知系统管理员处理，请稍后再提交。", name), err}
	case errors.As(err, &cp):
		slog.Error("the upload type check panicked: the file is refused", "file", name, "size", size, "panic", cp.Value, "stack", string(cp.Stack))
		return store.FileRef{}, models.Errorf(models.EInvalid, "无法识别文件「%s」的格式，未保存。系统按文件内容判断格式，请确认文件完整后重新上传。", name)
	case models.ErrorCode(err) == models.EInvalid:
		return store.FileRef{}, err
	}
	return store.FileRef{}, models.Errorf(models.EInvalid, "文件「%s」上传中断（已接收 %s），未保存，请重新上传。", name, platform.MB(size))
}

// bodyTooLarge is the refusal of a body that grew past the route's limit as it arrived
// (one sent without a Content-Length; a declared one is refused before reading).
func bodyTooLarge(err error) error {
	var mbe *http.MaxBytesError
	errors.As(err, &mbe)
	return &tooLargeError{models.Errorf(models.EInvalid, "提交的内容超过本页 %s 的上限，未保存。请删减或压缩文件后重新提交。", platform.MB(mbe.Limit))}
}

// storageError is the server's storage failing under an upload: its message is for the
// user, its cause for the log.
type storageError struct {
	err   *models.Error
	cause error
}

func (e *storageError) Error() string   { return e.err.Message + " (" + e.cause.Error() + ")" }
func (e *storageError) Unwrap() []error { return []error{e.err, e.cause} }

// uploadStatus is the status a refused upload is answered with: 413 for a body past the
// limit, otherwise the code's (Status), a refusal of the input when it has none.
func uploadStatus(err error) int {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return http.StatusRequestEntityTooLarge
	}
	if s := Status(err); s != http.StatusInternalServerError {
		return s
	}
	return http.StatusUnprocessableEntity
}

// eachPart walks a multipart body in order: small fields go to field (at most 64 KB
// each), files to file, which must consume or abandon the part.
func eachPart(c echo.Context, field func(name, value string) error, file func(name string, part *multipart.Part) error) error {
	mr, err := multipartReader(c.Request())
	if err != nil {
		return models.Errorf(models.EInvalid, "请选择要上传的文件（表单须以 multipart/form-data 方式提交）")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if errors.As(err, new(*http.MaxBytesError)) {
			return bodyTooLarge(err)
		}
		if err != nil {
			return models.Errorf(models.EInvalid, "上传中断，内容未保存，请重新提交。")
		}
		name := part.FormName()
		if part.FileName() != "" {
			err = file(name, part)
		} else {
			b, rerr := io.ReadAll(io.LimitReader(part, 64<<10))
			if rerr != nil {
				return models.Errorf(models.EInvalid, "上传中断，内容未保存，请重新提交。")
			}
			err = field(name, string(b))
		}
		part.Close()
		if err != nil {
			return err
		}
	}
}

// multipartReader is Request.MultipartReader with a 1 MB read buffer instead of 4 KB:
// mime/multipart keeps a *bufio.Reader it is given, and a file part then arrives in
// large reads rather than tens of thousands of small ones.
func multipartReader(r *http.Request) (*multipart.Reader, error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, http.ErrNotMultipart
	}
	return multipart.NewReader(bufio.NewReaderSize(r.Body, 1<<20), params["boundary"]), nil
}

// drain reads what is left of a refused upload, so the browser receives the answer
// instead of a reset connection; a body far beyond the limit is cut off instead.
func (h *Platform) drain(c echo.Context) {
	n, _ := io.Copy(io.Discard, io.LimitReader(c.Request().Body, 2*h.maxUpload+(1<<20)))
	if n > 2*h.maxUpload {
		c.Response().Header().Set("Connection", "close")
	}
}

// cleanFilename keeps the uploader's name for the download, without folders, control,
// bidi or zero-width characters, at most models.MaxFilenameRunes characters.
func cleanFilename(s string) string { return models.SafeFilename(s) }

// Download sends one version of a material, to those who may see the application.
func (h *Platform) Download(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, err := h.store.MaterialFile(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	return sendFile(c, h.files, download{SHA256: f.SHA256, Name: f.Filename, ContentType: f.Kind.ContentType(), Modified: f.UploadedAt})
}
