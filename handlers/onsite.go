package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/layout"
	"portal/views/pages/district"
)

// OnsiteStore is what the on-site check pages need of the store.
type OnsiteStore interface {
	ApplicationRow(ctx context.Context, u *models.User, id int64) (*store.QueueRow, error)
	OnsiteCheck(ctx context.Context, appID int64) (*models.OnsiteCheck, error)
	SaveOnsiteCheck(ctx context.Context, a store.Actor, appID int64, c models.OnsiteCheck) error
	ReviewFiles(ctx context.Context, appID int64, kind string) ([]store.ReviewFile, error)
	AddWorkingPaper(ctx context.Context, a store.Actor, appID int64, f store.ReviewFile) error
}

// Onsite serves the district's on-site check record and its working papers.
type Onsite struct {
	store    OnsiteStore
	sessions Sessions
	now      Clock
}

// NewOnsite builds the on-site check handlers.
func NewOnsite(s OnsiteStore, sess Sessions, now Clock) *Onsite {
	return &Onsite{store: s, sessions: sess, now: now}
}

// Form shows the record, filled with what was saved before.
func (h *Onsite) Form(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := h.page(c, id)
	if err != nil {
		return err
	}
	if chk, err := h.store.OnsiteCheck(c.Request().Context(), id); err != nil {
		return err
	} else if chk != nil {
		p.CheckDate, p.Methods, p.Participants = chk.CheckDate.String(), chk.MethodList(), chk.Participants
		p.ThirdParties, p.Findings = chk.ThirdParties, chk.Findings
	} else {
		p.CheckDate = models.DateOf(h.now()).String()
	}
	return Render(c, http.StatusOK, district.Onsite(*p))
}

func (h *Onsite) page(c echo.Context, id int64) (*district.OnsitePage, error) {
	ctx := c.Request().Context()
	row, err := h.store.ApplicationRow(ctx, CurrentUser(c), id)
	if err != nil {
		return nil, err
	}
	papers, err := h.store.ReviewFiles(ctx, id, store.FileWorkingPaper)
	if err != nil {
		return nil, err
	}
	return &district.OnsitePage{App: header(row), Papers: reviewFileViews(papers), CSRF: layout.ShellFrom(ctx).CSRF}, nil
}

// Save validates and stores the record.
func (h *Onsite) Save(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	in := models.OnsiteCheckInput{CheckDate: c.FormValue("check_date"), Methods: form["methods"],
		Participants: c.FormValue("participants"), ThirdParties: c.FormValue("third_parties"), Findings: c.FormValue("findings")}
	rec, errs := in.Validate(models.DateOf(h.now()))
	if len(errs) == 0 {
		err = h.store.SaveOnsiteCheck(c.Request().Context(), actor(c, h.now), id, rec)
		if models.ErrorCode(err) == models.EInvalid {
			errs = map[string]string{"_form": models.ErrorMessage(err)}
		} else if err != nil {
			return err
		} else {
			return redirectWithFlash(c, h.sessions, "/applications/"+strconv.FormatInt(id, 10), "现场核查记录已保存")
		}
	}
	p, err := h.page(c, id)
	if err != nil {
		return err
	}
	p.CheckDate, p.Methods, p.Participants, p.ThirdParties, p.Findings = in.CheckDate, in.Methods, in.Participants, in.ThirdParties, in.Findings
	p.Errs = components.FieldErrors(errs)
	return Render(c, http.StatusUnprocessableEntity, district.Onsite(*p))
}

// UploadPaper records a working paper. Until the shared file store is merged the
// content is hashed and checked but only its record is kept (stored = false).
func (h *Onsite) UploadPaper(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	fh, err := c.FormFile("paper")
	var f store.ReviewFile
	if err == nil {
		f, err = readUpload(fh)
	} else {
		err = models.Errorf(models.EInvalid, "请选择要上传的文件")
	}
	if err == nil {
		err = h.store.AddWorkingPaper(c.Request().Context(), actor(c, h.now), id, f)
	}
	if models.ErrorCode(err) == models.EInvalid {
		p, perr := h.page(c, id)
		if perr != nil {
			return perr
		}
		p.UploadError = models.ErrorMessage(err)
		return Render(c, http.StatusUnprocessableEntity, district.Onsite(*p))
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/applications/"+strconv.FormatInt(id, 10)+"/onsite", "工作底稿「"+f.Name+"」已上传")
}

// readUpload hashes an uploaded file and checks its type by content and its size.
func readUpload(fh *multipart.FileHeader) (store.ReviewFile, error) {
	file, err := fh.Open()
	if err != nil {
		return store.ReviewFile{}, err
	}
	defer file.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(file, head)
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return store.ReviewFile{}, err
	}
	sum := sha256.New()
	size, err := io.Copy(sum, io.LimitReader(file, models.MaxWorkingPaperSize+1))
	if err != nil {
		return store.ReviewFile{}, err
	}
	f := store.ReviewFile{Name: fh.Filename, SHA256: hex.EncodeToString(sum.Sum(nil)), Size: size, ContentType: models.SniffUpload(head[:n])}
	return f, models.CheckUpload(f.Name, f.Size, f.ContentType)
}
