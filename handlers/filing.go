package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/province"
)

// FilingStore is what the filing registration needs of the store.
type FilingStore interface {
	FilingQueue(ctx context.Context, u *models.User, state models.State, p models.Page) ([]store.AfterCertificate, int64, error)
	RecordFiling(ctx context.Context, a store.Actor, appID int64, number string, date models.Date, version int) error
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	FilesOf(ctx context.Context, kind string, ownerID int64) ([]store.FileRef, error)
	AuditRecorder
}

// Filing serves the province's filing registration (备案登记).
type Filing struct {
	store    FilingStore
	sessions Sessions
	now      Clock
	changed  func()
}

// NewFiling builds the filing handlers.
func NewFiling(s FilingStore, sess Sessions, now Clock, changed func()) *Filing {
	return &Filing{store: s, sessions: sess, now: now, changed: changed}
}

// Queue lists certified applications: scope change due (overdue flagged), filing due, filed.
func (h *Filing) Queue(c echo.Context) error {
	return h.render(c, http.StatusOK, province.FilingPage{State: c.QueryParam("state"), Errors: components.FieldErrors{}})
}

func (h *Filing) render(c echo.Context, status int, p province.FilingPage) error {
	ctx := c.Request().Context()
	pg := pageFrom(c)
	rows, total, err := h.store.FilingQueue(ctx, CurrentUser(c), models.State(p.State), pg)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	p.Pager = pager(c, pg, total)
	p.Export = "/province/filing.xlsx"
	if p.State != "" {
		p.Export += "?state=" + url.QueryEscape(p.State)
	}
	for _, r := range rows {
		fr := province.FilingRow{ApplicationID: r.ApplicationID, Version: r.Version, Institution: r.InstitutionName, USCC: r.USCC,
			District: r.DistrictName, Serial: r.Serial, CertificateID: r.CertificateID, IssueDate: r.IssueDate, State: r.State,
			ChangeDate: r.ChangeDate, Late: r.Late, FilingNumber: r.FilingNumber, FilingDate: r.FilingDate}
		if r.State == models.StateCertified && r.ScopeDeadline.IsZero() && r.ScopePending != 0 {
			fr.Deadline = models.PendingCalendarText(r.ScopePending)
		}
		if r.State == models.StateCertified && !r.ScopeDeadline.IsZero() {
			if dl, err := models.NewDeadline(cal, models.DeadlineWorking, r.ScopeDeadline, today); err == nil {
				fr.Deadline, fr.Overdue = dl.String(), dl.Overdue
			}
		}
		files, err := h.store.FilesOf(ctx, store.FilesScopeChange, r.ApplicationID)
		if err != nil {
			return err
		}
		for _, f := range files {
			fr.Evidence = append(fr.Evidence, province.Link{Label: f.Name, Href: urls.CertificateEvidence(r.CertificateID, f.ID)})
		}
		p.Rows = append(p.Rows, fr)
	}
	return Render(c, status, province.Filing(p))
}

// filingForm is the filing number and date the province registers; the store checks
// them with models.ValidateFiling against the scope change.
type filingForm struct {
	Versioned
	Number string `form:"filing_number"`
	Date   string `form:"filing_date"`
}

// Record registers the filing number and date.
func (h *Filing) Record(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f filingForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	p := province.FilingPage{FormID: id, Number: f.Number, Date: f.Date, Errors: components.FieldErrors{}}
	date, err := models.ParseDate(p.Date)
	if err != nil {
		p.Errors["filing_date"] = models.ErrorMessage(err)
	}
	if !p.Errors.Any() {
		err = h.store.RecordFiling(c.Request().Context(), actor(c, h.now), id, p.Number, date, f.version())
		if _, msg, ok := refused(err); ok {
			field, _ := models.ErrorField(err)
			if field != "filing_date" {
				field = "filing_number"
			}
			p.Errors[field] = msg
		} else if err != nil {
			return err
		}
	}
	if p.Errors.Any() {
		return h.render(c, http.StatusUnprocessableEntity, p)
	}
	h.changed()
	return redirectWithFlash(c, h.sessions, "/province/filing", "已登记备案 "+p.Number+"，机构已列入公开备案名录")
}
