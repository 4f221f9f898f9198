package handlers

import (
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/district"
)

// OnsiteStore is what the on-site check pages need of the store.
type OnsiteStore interface {
	ApplicationRow(ctx context.Context, u *models.User, id int64) (*store.QueueRow, error)
	OnsiteCheck(ctx context.Context, appID int64) (*models.OnsiteCheck, error)
	SaveOnsiteCheck(ctx context.Context, a store.Actor, appID int64, c models.OnsiteCheck) error
	ReviewFiles(ctx context.Context, appID int64, kind string) ([]store.ReviewFile, error)
	AddWorkingPaper(ctx context.Context, a store.Actor, appID int64, f store.FileRef) error
}

// Onsite serves the district's on-site check record and its working papers.
type Onsite struct {
	store    OnsiteStore
	files    files.Store
	sessions Sessions
	now      Clock
}

// NewOnsite builds the on-site check handlers; working papers go to fs.
func NewOnsite(s OnsiteStore, fs files.Store, sess Sessions, now Clock) *Onsite {
	return &Onsite{store: s, files: fs, sessions: sess, now: now}
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
	return &district.OnsitePage{App: header(row), Papers: reviewFileViews(papers), CSRF: components.CSRFToken(ctx)}, nil
}

// onsiteForm is the on-site check record as typed; models.OnsiteCheckInput validates it.
type onsiteForm struct {
	CheckDate    string   `form:"check_date"`
	Methods      []string `form:"methods"`
	Participants string   `form:"participants"`
	ThirdParties string   `form:"third_parties"`
	Findings     string   `form:"findings"`
}

func (f onsiteForm) input() models.OnsiteCheckInput {
	return models.OnsiteCheckInput{CheckDate: f.CheckDate, Methods: f.Methods, Participants: f.Participants,
		ThirdParties: f.ThirdParties, Findings: f.Findings}
}

// Save validates and stores the record.
func (h *Onsite) Save(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f onsiteForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	in := f.input()
	rec, errs := in.Validate(models.DateOf(h.now()))
	if len(errs) == 0 {
		err = h.store.SaveOnsiteCheck(c.Request().Context(), actor(c, h.now), id, rec)
		if err == nil {
			return redirectWithFlash(c, h.sessions, urls.Application(id), "现场核查记录已保存")
		}
		_, msg, ok := refused(err)
		if !ok {
			return err
		}
		errs = map[string]string{"_form": msg}
	}
	p, err := h.page(c, id)
	if err != nil {
		return err
	}
	p.CheckDate, p.Methods, p.Participants, p.ThirdParties, p.Findings = in.CheckDate, in.Methods, in.Participants, in.ThirdParties, in.Findings
	p.Errs = components.FieldErrors(errs)
	return Render(c, http.StatusUnprocessableEntity, district.Onsite(*p))
}

// UploadPaper stores a working paper in the file store and records it.
func (h *Onsite) UploadPaper(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f *store.FileRef
	err = eachPart(c, func(string, string) error { return nil }, func(name string, part *multipart.Part) error {
		if name != "paper" || f != nil {
			return nil
		}
		rf, err := receivePart(c, h.files, part, models.MaxReviewFileSize, models.ReviewFileKinds)
		f = &rf
		return err
	})
	if err == nil && f == nil {
		err = models.Errorf(models.EInvalid, "请选择要上传的文件")
	}
	if err == nil {
		err = h.store.AddWorkingPaper(c.Request().Context(), actor(c, h.now), id, *f)
	}
	if _, msg, ok := refused(err, models.EStorage); ok {
		_, _ = io.Copy(io.Discard, io.LimitReader(c.Request().Body, 2*models.MaxReviewFileSize))
		if uploadStatus(err) == http.StatusInsufficientStorage {
			slog.Error("working paper not saved: the file store could not write", "application", id, "err", err)
		}
		p, perr := h.page(c, id)
		if perr != nil {
			return perr
		}
		p.UploadError = msg
		return Render(c, uploadStatus(err), district.Onsite(*p))
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.Onsite(id), "工作底稿「"+f.Name+"」已上传")
}
