package handlers

import (
	"context"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
	"portal/views/pages/public"
)

// ScopeStore is what the platform's notice mirror and scope change need of the store.
type ScopeStore interface {
	PlatformNotices(ctx context.Context, u *models.User) ([]store.NoticeRow, error)
	SetMirrorURL(ctx context.Context, a store.Actor, noticeID int64, url string) error
	PlatformAfterCertificate(ctx context.Context, u *models.User) (*store.AfterCertificate, error)
	RecordScopeChange(ctx context.Context, a store.Actor, appID int64, changed models.Date, files []store.FileRef, version int) (*models.ScopeChange, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
}

// Scope serves the platform's pages after acceptance: mirroring the notice, the
// certificate and the business-scope change.
type Scope struct {
	store    ScopeStore
	files    files.Store
	sessions Sessions
	now      Clock
	changed  func()
}

// NewScope builds the platform's after-acceptance handlers.
func NewScope(s ScopeStore, files files.Store, sess Sessions, now Clock, changed func()) *Scope {
	return &Scope{store: s, files: files, sessions: sess, now: now, changed: changed}
}

// Mirror lists the platform's notices with the form for the mirror URL.
func (h *Scope) Mirror(c echo.Context) error {
	return h.renderMirror(c, http.StatusOK, platform.MirrorPage{})
}

func (h *Scope) renderMirror(c echo.Context, status int, p platform.MirrorPage) error {
	rows, err := h.store.PlatformNotices(c.Request().Context(), CurrentUser(c))
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	for _, r := range rows {
		nr := noticeRow(r, today)
		p.Rows = append(p.Rows, platform.MirrorRow{ID: r.ID, Start: r.StartDate, End: r.EndDate, Status: r.Status,
			StatusText: mirrorStatus(nr), MirrorURL: r.MirrorURL, Active: r.Status == models.NoticeActive})
	}
	return Render(c, status, platform.Mirror(p))
}

// mirrorForm is the address of the page where the platform mirrored its notice.
type mirrorForm struct {
	URL string `form:"mirror_url"`
}

// SetMirror records the URL where the platform mirrored its notice.
func (h *Scope) SetMirror(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f mirrorForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	raw := f.URL
	if err := models.ValidateWebURL(raw); err != nil {
		return h.renderMirror(c, http.StatusUnprocessableEntity, platform.MirrorPage{FormID: id, URL: raw,
			Errors: components.FieldErrors{"mirror_url": models.ErrorMessage(err)}})
	}
	if err := h.store.SetMirrorURL(c.Request().Context(), actor(c, h.now), id, raw); err != nil {
		return err
	}
	h.changed()
	return redirectWithFlash(c, h.sessions, "/platform/notices", "已登记同步公示地址，监管部门可在公示页面查看")
}

// Show is the platform's certificate and scope-change page.
func (h *Scope) Show(c echo.Context) error { return h.render(c, http.StatusOK, platform.ScopePage{}) }

func (h *Scope) render(c echo.Context, status int, p platform.ScopePage) error {
	ctx := c.Request().Context()
	ac, err := h.store.PlatformAfterCertificate(ctx, CurrentUser(c))
	if err != nil {
		return err
	}
	p.Action = urls.WithCSRF("/platform/scope", components.CSRFToken(ctx))
	if p.Errors == nil {
		p.Errors = components.FieldErrors{}
	}
	if ac != nil {
		p.HasCertificate, p.CertificateID, p.Serial, p.IssueDate = true, ac.CertificateID, ac.Serial, ac.IssueDate
		p.CertRevoked, p.State, p.Version = ac.CertStatus == models.CertificateRevoked, ac.State, ac.Version
		p.ChangeDate, p.Late, p.FilingNumber, p.FilingDate = ac.ChangeDate, ac.Late, ac.FilingNumber, ac.FilingDate
		p.Deadline = ac.ChangeDeadline
		if p.Deadline.IsZero() {
			p.Deadline = ac.ScopeDeadline
		}
		if p.Deadline.IsZero() && ac.ScopePending != 0 && p.ChangeDate.IsZero() {
			p.DeadlineText = models.PendingCalendarText(ac.ScopePending)
		}
		if !p.Deadline.IsZero() && p.ChangeDate.IsZero() {
			cal, err := h.store.LoadCalendar(ctx)
			if err != nil {
				return err
			}
			if dl, err := models.NewDeadline(cal, models.DeadlineWorking, p.Deadline, models.DateOf(h.now())); err == nil {
				p.DeadlineText, p.Overdue = dl.String(), dl.Overdue
			}
		}
	}
	return Render(c, status, platform.Scope(p))
}

// Record takes the scope-change date and its evidence (multipart; CSRF in the query).
func (h *Scope) Record(c echo.Context) error {
	// The route refuses a declared body over its limit before reading it (web.limitBody);
	// the evidence streams into the file store as it arrives.
	p := platform.ScopePage{Errors: components.FieldErrors{}}
	var refs []store.FileRef
	var versionText string
	status := http.StatusUnprocessableEntity
	err := eachPart(c, func(name, value string) error {
		switch name {
		case "change_date":
			p.Date = strings.TrimSpace(value)
		case "version":
			versionText = strings.TrimSpace(value)
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "evidence" || len(refs) > 0 || p.Errors["evidence"] != "" {
			return nil
		}
		ref, err := receivePart(c, h.files, part, models.MaxAttachmentBytes, models.PublicAttachmentKinds)
		if _, msg, ok := refused(err); ok {
			p.Errors["evidence"], status = msg, uploadStatus(err)
			return nil
		}
		if err == nil {
			refs = append(refs, ref)
		}
		return err
	})
	if _, msg, ok := refused(err); ok {
		p.Errors["evidence"], status = msg, uploadStatus(err)
	} else if err != nil {
		return err // the server's storage failing: a 507 page, logged
	}
	changed, err := models.ParseDate(p.Date)
	if err != nil {
		p.Errors["change_date"] = models.ErrorMessage(err)
	}
	if len(refs) == 0 && p.Errors["evidence"] == "" {
		p.Errors["evidence"] = "请上传变更后的营业执照或变更登记通知书"
	}
	if p.Errors.Any() {
		return h.render(c, status, p)
	}
	ac, err := h.store.PlatformAfterCertificate(c.Request().Context(), CurrentUser(c))
	if err != nil {
		return err
	}
	if ac == nil {
		return models.Errorf(models.ENotFound, "本机构尚未取得整改验收合格证明")
	}
	sc, err := h.store.RecordScopeChange(c.Request().Context(), actor(c, h.now), ac.ApplicationID, changed, refs, Versioned{versionText}.version())
	if status, msg, ok := refused(err); ok {
		p.Errors["change_date"] = msg
		return h.render(c, status, p)
	}
	if err != nil {
		return err
	}
	msg := "已登记经营范围变更，待省金融办备案登记"
	if sc.Late {
		msg += "（已超过 " + models.ScopeChangeDaysText + "期限，已记录为逾期办理）"
	}
	return redirectWithFlash(c, h.sessions, "/platform/scope", msg)
}

// mirrorStatus is a notice's status with the days left while it runs: 公示中 · 还剩 5 天;
// an ended or revoked notice is named once.
func mirrorStatus(nr public.NoticeRow) string {
	if nr.Status == models.NoticeActive && nr.DaysLeft != "" {
		return nr.StatusLabel() + " · " + nr.DaysLeft
	}
	return nr.StatusLabel()
}
