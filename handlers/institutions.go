package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/officer"
	"portal/views/pages/platform"
)

// InstitutionStore is what the institution pages need of the store.
type InstitutionStore interface {
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	ListInstitutions(ctx context.Context, u *models.User, f store.InstitutionFilter, p models.Page) ([]store.InstitutionRow, int64, error)
	InstitutionsPage(ctx context.Context, u *models.User, f store.InstitutionFilter, at models.Seek) ([]store.InstitutionRow, models.PageInfo, error)
	Division(ctx context.Context, id int64) (*models.Division, error)
	Divisions(ctx context.Context) ([]models.Division, error)
	OpenApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error)
	LatestApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error)
	PlatformAfterCertificate(ctx context.Context, u *models.User) (*store.AfterCertificate, error)
	ExitRecords(ctx context.Context, appID int64) ([]models.ExitRecord, error)
	LatestFailureNotice(ctx context.Context, appID int64) (*store.FailureNotice, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	AuditRecorder
	ClockByID(ctx context.Context, id int64) (*models.Clock, error)
	InstitutionExporter
}

// Institutions serves the role homes and the institution pages.
type Institutions struct {
	store InstitutionStore
	now   Clock
}

// NewInstitutions builds the institution handlers.
func NewInstitutions(s InstitutionStore, now Clock) *Institutions {
	return &Institutions{store: s, now: now}
}

// PlatformHome shows the platform user's own institution.
func (h *Institutions) PlatformHome(c echo.Context) error {
	u := CurrentUser(c)
	inst, err := h.store.Institution(c.Request().Context(), u, *u.InstitutionID)
	if err != nil {
		return err
	}
	d, err := h.store.Division(c.Request().Context(), inst.DistrictID)
	if err != nil {
		return err
	}
	page := platform.HomePage{Institution: *inst, District: d.Name}
	ctx := c.Request().Context()
	app, err := h.store.OpenApplication(ctx, inst.ID, models.ApplicationTypeP2P)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	if app != nil {
		page.Application = app
		if app.ClockID != nil {
			ck, err := h.store.ClockByID(ctx, *app.ClockID)
			if err != nil {
				return err
			}
			page.Deadline = components.ClockDeadline(ck, cal, h.now())
		}
	}
	latest, err := h.store.LatestApplication(ctx, inst.ID, models.ApplicationTypeP2P)
	if err != nil {
		return err
	}
	if latest != nil {
		if page.Outcome, err = h.outcome(ctx, u, latest, cal, today); err != nil {
			return err
		}
	}
	return Render(c, http.StatusOK, platform.Home(page))
}

// outcome is where the platform's path ended, or nil while it is still on the way: the
// certificate, the scope change and the filing; or the final failure with its exit
// classification, its meaning and the duties that follow (plan 1 六).
func (h *Institutions) outcome(ctx context.Context, u *models.User, app *models.Application, cal *models.Calendar, today models.Date) (*platform.Outcome, error) {
	o := &platform.Outcome{ApplicationID: app.ID, State: app.State}
	if err := models.CheckNewApplication(app.State); err != nil {
		o.NewApplicationErr = models.ErrorMessage(err)
	}
	switch app.State {
	case models.StateCertified, models.StateScopeChanged, models.StateFiled, models.StateCertificateRevoked:
		ac, err := h.store.PlatformAfterCertificate(ctx, u)
		if err != nil || ac == nil {
			return nil, err
		}
		o.CertificateID, o.Serial, o.IssueDate = ac.CertificateID, ac.Serial, ac.IssueDate
		o.ScopeChangeDate, o.ScopeLate = ac.ChangeDate, ac.Late
		o.FilingNumber, o.FilingDate = ac.FilingNumber, ac.FilingDate
		if app.State == models.StateCertified {
			o.ScopeDeadline = components.MakeDeadline(cal, "经营范围变更截止", models.DeadlineWorking, &ac.ScopeDeadline, today)
			if ac.ScopeDeadline.IsZero() && ac.ScopePending != 0 { // the clock waits for next year's calendar
				o.ScopeDeadline = &components.Deadline{Label: "经营范围变更截止", Text: models.PendingCalendarText(ac.ScopePending), Status: models.ClockPending}
			}
		}
		if ac.RevokedAt != nil {
			o.RevokedOn, o.RevokedReason = models.DateOf(*ac.RevokedAt), ac.RevokedReason
		}
	case models.StateFailedFinal:
		exits, err := h.store.ExitRecords(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		if n := len(exits); n > 0 {
			e := exits[n-1]
			o.Exit = &e
			m := e.ExitClass.Meaning()
			o.ExitMeaning = &m
		}
		fn, err := h.store.LatestFailureNotice(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		if fn != nil {
			o.Problems, o.FailureAuthority, o.FailureNotified = fn.ProblemList(), fn.Authority, fn.NotifiedOn
		}
	case models.StateAbandoned:
	default:
		return nil, nil
	}
	return o, nil
}

// List shows the institutions in the officer's jurisdiction by name, by cursor past the
// first pages: a capped count and the page, whatever the size of the jurisdiction.
func (h *Institutions) List(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := institutionFilter(c)
	rows, info, err := h.store.InstitutionsPage(ctx, u, f, seekFrom(c, ""))
	if err != nil {
		return err
	}
	all, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	page := officer.InstitutionsPage{Title: "辖区机构", Query: f.Query, DistrictID: c.QueryParam("district"),
		Districts: districtOptions(all, u), Pager: seekPager(c, "", info), Export: exportOf(c, "/institutions")}
	for _, r := range rows {
		page.Rows = append(page.Rows, officer.InstitutionRow{ID: r.ID, Name: r.Name, USCC: r.USCC, District: r.DistrictName,
			OutstandingBalance: r.OutstandingBalance, Large: models.IsLargeScale(r.OutstandingBalance)})
	}
	return Render(c, http.StatusOK, officer.Institutions(page))
}

// districtOptions lists the districts inside the officer's jurisdiction for the filter.
func districtOptions(all []models.Division, u *models.User) []components.Option {
	inScope := map[int64]bool{}
	if u.DivisionID != nil {
		inScope[*u.DivisionID] = true
	}
	opts := []components.Option{{Value: "", Label: "全部区"}}
	for _, d := range all { // provinces, then cities, then districts: parents come first
		if d.ParentID != nil && inScope[*d.ParentID] {
			inScope[d.ID] = true
		}
		if d.Level == models.LevelDistrict && (inScope[d.ID] || u.Role == models.RoleAdmin) {
			opts = append(opts, components.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
		}
	}
	return opts
}

// Show is one institution, 404 outside the jurisdiction.
func (h *Institutions) Show(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inst, err := h.store.Institution(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	d, err := h.store.Division(ctx, inst.DistrictID)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, officer.Institution(officer.InstitutionPage{Institution: *inst, District: d.Name}))
}
