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
	"portal/views/pages/shared"
)

// InstitutionStore is what the institution pages need of the store.
type InstitutionStore interface {
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	ListInstitutions(ctx context.Context, u *models.User, f store.InstitutionFilter, p models.Page) ([]store.InstitutionRow, int64, error)
	Division(ctx context.Context, id int64) (*models.Division, error)
	Divisions(ctx context.Context) ([]models.Division, error)
	OpenApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	AuditRecorder
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
	app, err := h.store.OpenApplication(c.Request().Context(), inst.ID, models.ApplicationTypeP2P)
	if err != nil {
		return err
	}
	if app != nil {
		cal, err := h.store.LoadCalendar(c.Request().Context())
		if err != nil {
			return err
		}
		page.Application = app
		page.Deadline = shared.MakeDeadline(cal, app.DueLabel, app.DueKind, app.DueDate, models.DateOf(h.now()))
	}
	return Render(c, http.StatusOK, platform.Home(page))
}

// List shows the institutions in the officer's jurisdiction.
func (h *Institutions) List(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := institutionFilter(c)
	p := pageFrom(c)
	rows, total, err := h.store.ListInstitutions(ctx, u, f, p)
	if err != nil {
		return err
	}
	all, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	page := officer.InstitutionsPage{Title: "辖区机构", Query: f.Query, DistrictID: c.QueryParam("district"),
		Districts: districtOptions(all, u), Pager: pager(c, p, total), Export: exportOf(c, "/institutions")}
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
