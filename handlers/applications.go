package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
)

// ApplicationStore is what the application pages need of the store.
type ApplicationStore interface {
	ApplicationTypes(ctx context.Context) ([]models.ApplicationType, error)
	CreateApplication(ctx context.Context, a store.Actor, institutionID int64, typeCode string) (*models.Application, error)
	InstitutionApplications(ctx context.Context, u *models.User, institutionID int64) ([]store.AppSummary, error)
	Readiness(ctx context.Context, u *models.User, appID int64, today models.Date) (*store.Readiness, error)
	SubmitApplication(ctx context.Context, a store.Actor, appID int64, version int) (*models.Application, error)
	TimelineBefore(ctx context.Context, appID, before int64, limit int) (*store.TimelinePage, error)
	InstitutionWindow(ctx context.Context, institutionID int64) (*models.ApplicationWindow, string, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	ClockByID(ctx context.Context, id int64) (*models.Clock, error)
	LatestApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error)
}

// PlatformStore is everything the platform-side handlers use.
type PlatformStore interface {
	InstitutionFileStore
	ApplicationStore
	MaterialStore
	SelfAssessmentStore
}

// Platform serves the platform side: the file, applications, materials, uploads and the
// self-assessment; officers read the same pages.
type Platform struct {
	store     PlatformStore
	files     files.Store
	sessions  Sessions
	now       Clock
	maxUpload int64 // bytes per file
	log       *slog.Logger
}

// NewPlatform builds the platform-side handlers. maxUpload is the per-file limit.
func NewPlatform(s PlatformStore, fs files.Store, sess Sessions, now Clock, maxUpload int64, log *slog.Logger) *Platform {
	return &Platform{store: s, files: fs, sessions: sess, now: now, maxUpload: maxUpload, log: log}
}

// MyApplications lists the platform's applications with the form to open one.
func (h *Platform) MyApplications(c echo.Context) error {
	return h.renderApplications(c, http.StatusOK, "", nil)
}

func (h *Platform) renderApplications(c echo.Context, status int, typeCode string, errs components.FieldErrors) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	apps, err := h.store.InstitutionApplications(ctx, u, *u.InstitutionID)
	if err != nil {
		return err
	}
	types, err := h.store.ApplicationTypes(ctx)
	if err != nil {
		return err
	}
	p := platform.AppsPage{TypeCode: typeCode, Errors: errs}
	for _, t := range types {
		p.Types = append(p.Types, components.Option{Value: t.Code, Label: t.Name})
		// Say before the click which types may no longer be started (models.CheckNewApplication).
		latest, err := h.store.LatestApplication(ctx, *u.InstitutionID, t.Code)
		if err != nil {
			return err
		}
		if latest != nil {
			if err := models.CheckNewApplication(latest.State); err != nil {
				p.Closed = append(p.Closed, "「"+t.Name+"」："+models.ErrorMessage(err))
			}
		}
	}
	for _, a := range apps {
		row := platform.AppRow{ID: a.ID, Type: a.TypeName, State: a.State, Created: models.DateTimeCN(a.CreatedAt)}
		if a.SubmittedAt != nil {
			row.Submitted = models.DateTimeCN(*a.SubmittedAt)
		}
		p.Rows = append(p.Rows, row)
	}
	if w, city, err := h.store.InstitutionWindow(ctx, *u.InstitutionID); err == nil {
		p.Window = windowLine(w, city, models.DateOf(h.now()))
	}
	return Render(c, status, platform.Applications(p))
}

// windowLine tells a platform its city's window with the days left.
func windowLine(w *models.ApplicationWindow, city string, today models.Date) string {
	switch {
	case w == nil:
		return city + "尚未设定整改验收申请受理期。"
	case today.Before(w.StartDate):
		return fmt.Sprintf("%s整改验收申请受理期：%s 至 %s，尚未开始。", city, w.StartDate, w.EndDate)
	case w.Closed(today):
		return fmt.Sprintf("%s整改验收申请受理期：%s 至 %s，已截止。", city, w.StartDate, w.EndDate)
	}
	dl, _ := models.NewDeadline(nil, models.DeadlineNatural, w.EndDate, today)
	return fmt.Sprintf("%s整改验收申请受理期：%s 至 %s（%s）。逾期未提交的视为放弃申请验收及备案资格。", city, w.StartDate, w.EndDate, dl)
}

// newApplicationForm is the type of application the platform opens.
type newApplicationForm struct {
	TypeCode string `form:"type_code"`
}

// CreateApplication opens an application of the chosen type.
func (h *Platform) CreateApplication(c echo.Context) error {
	u := CurrentUser(c)
	var f newApplicationForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	code := f.TypeCode
	types, err := h.store.ApplicationTypes(c.Request().Context())
	if err != nil {
		return err
	}
	known := false
	for _, t := range types {
		known = known || t.Code == code
	}
	if !known {
		return h.renderApplications(c, http.StatusUnprocessableEntity, code, components.FieldErrors{"type_code": "请选择申请类型"})
	}
	app, err := h.store.CreateApplication(c.Request().Context(), actor(c, h.now), *u.InstitutionID, code)
	if status, msg, ok := refused(err, models.EConflict); ok {
		return h.renderApplications(c, status, code, components.FieldErrors{"type_code": msg})
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.Checklist(app.ID), "申请已创建，请上传材料并完成自评")
}

// Application shows an application: its checklist, what blocks submitting it, the
// self-assessment summary, the filing conditions and the history.
func (h *Platform) Application(c echo.Context) error {
	return h.renderApplication(c, http.StatusOK, nil)
}

func (h *Platform) renderApplication(c echo.Context, status int, submitErr []string) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	ctx := c.Request().Context()
	today := models.DateOf(h.now())
	r, err := h.store.Readiness(ctx, u, id, today)
	if err != nil {
		return err
	}
	v := r.View
	app := v.App
	p := platform.AppPage{ID: app.ID, Type: v.Type.Name, Institution: v.Institution.Name, USCC: v.Institution.USCC,
		State: app.State, Version: app.Version, IsPlatform: u.Role == models.RolePlatform,
		Editable: app.State.PlatformMayEdit(), SubmitLabel: SubmitEvent(app.State).Label(),
		Blockers: r.Check.Blockers(), NeedsSA: v.Type.SelfAssessment, SATotal: len(models.SelfAssessmentItems), Conditions: r.Conditions}
	if submitErr != nil {
		p.Blockers = submitErr
	}
	if d, err := h.districtName(ctx, v.Institution.DistrictID); err == nil {
		p.District = d
	}
	p.FileURL = urls.InstitutionFile(v.Institution.ID)
	if p.IsPlatform {
		p.FileURL = "/platform/file"
	}
	if app.SubmittedAt != nil {
		p.Submitted = models.DateTimeCN(*app.SubmittedAt)
	}
	if app.ClockID != nil {
		cal, err := h.store.LoadCalendar(ctx)
		if err != nil {
			return err
		}
		ck, err := h.store.ClockByID(ctx, *app.ClockID)
		if err != nil {
			return err
		}
		if d := components.ClockDeadline(ck, cal, h.now()); d != nil {
			p.Due = d.String()
		}
	}
	if v.Type.Windowed && app.State == models.StateDraft {
		p.Window = windowLine(r.Window, r.City, today)
	}
	if r.CondErr != nil {
		p.CondErr = models.ErrorMessage(r.CondErr)
	}
	for i, it := range v.Items {
		row := platform.ChecklistRow{No: i + 1, Name: it.Material.Name, Description: it.Material.Description, Required: it.Material.Required,
			State: it.State, Filled: it.Filled, Needed: len(it.Slots), Kinds: models.KindsLabel(it.Material.Kinds()),
			URL: urls.Material(app.ID, it.Material.ID)}
		if it.Review.ReviewComment != "" {
			row.Comment = it.Review.ReviewComment
		}
		p.Items = append(p.Items, row)
	}
	for _, a := range r.Answers {
		if a.Answer != "" {
			p.SAAnswered++
		}
	}
	for _, vio := range r.Check.SelfAssessment.Violations {
		p.Violations = append(p.Violations, vio.Message)
	}
	if v.Type.SelfAssessment {
		p.FileChecks = models.FileChecks(*r.File)
	}
	// one keyset page of the history, the latest decisions unless ?before=<decision id>
	// asks for older ones, as on the officers' application page: the page costs the same
	// however long the history (any other value of before is ignored)
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	tl, err := h.store.TimelineBefore(ctx, app.ID, max(before, 0), store.TimelinePageSize)
	if err != nil {
		return err
	}
	for _, d := range tl.Entries {
		p.History = append(p.History, platform.HistoryRow{ID: d.ID, At: models.DateTimeCN(d.At), Actor: d.ActorName, Event: d.Event.Label(),
			From: d.FromState.Label(), To: d.ToState.Label(), Opinion: d.Opinion})
	}
	if tl.Older != 0 {
		p.HistoryOlder = urls.Checklist(app.ID) + "?before=" + strconv.FormatInt(tl.Older, 10) + "#history"
	}
	if before > 0 {
		p.HistoryLatest = urls.Checklist(app.ID) + "#history"
	}
	return Render(c, status, platform.Application(p))
}

// SubmitEvent is the button's event for a state (submit, or resubmit after correction).
func SubmitEvent(s models.State) models.Event { return store.SubmitEvent(s) }

func (h *Platform) districtName(ctx context.Context, id int64) (string, error) {
	d, err := h.store.Division(ctx, id)
	if err != nil {
		return "", err
	}
	return d.Name, nil
}

// Submit submits (or resubmits) the application; every reason against it is listed.
func (h *Platform) Submit(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f Versioned
	if err := bindForm(c, &f); err != nil {
		return err
	}
	app, err := h.store.SubmitApplication(c.Request().Context(), actor(c, h.now), id, f.version())
	if status, msg, ok := refused(err); ok {
		return h.renderApplication(c, status, strings.Split(msg, "\n"))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.Checklist(app.ID),
		"申请已提交至区金融工作部门，材料已冻结；审核进展将通过站内通知告知")
}

// SubmittedStore is what the officers' list of submitted applications needs.
type SubmittedStore interface {
	SubmittedPage(ctx context.Context, u *models.User, f store.AppFilter, at models.Seek) ([]store.AppSummary, models.PageInfo, error)
	WindowCities(ctx context.Context, u *models.User) ([]store.CityWindow, error)
}

// SubmittedApplications is the officers' simple list of the applications that left the
// draft state in their jurisdiction (gave-up ones included), for the top of their home.
func SubmittedApplications(c echo.Context, s SubmittedStore) (templ.Component, error) {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := store.AppFilter{Query: c.QueryParam("aq"), State: models.State(c.QueryParam("astate"))}
	rows, info, err := s.SubmittedPage(ctx, u, f, seekFrom(c, "a"))
	if err != nil {
		return nil, err
	}
	p := platform.SubmittedList{Title: "已提交的申请", Query: f.Query, State: string(f.State), Pager: seekPager(c, "a", info),
		States: []components.Option{{Value: "", Label: "全部状态"}}}
	for _, st := range models.AllStates[1:] {
		p.States = append(p.States, components.Option{Value: string(st), Label: st.Label()})
	}
	for _, r := range rows {
		row := platform.SubmittedRow{ID: r.ID, Institution: r.InstitutionName, USCC: r.USCC, District: r.DistrictName, Type: r.TypeName,
			State: r.State, Large: models.IsLargeScale(r.Balance)}
		if r.SubmittedAt != nil {
			row.Submitted = models.DateTimeCN(*r.SubmittedAt)
		} else if r.State == models.StateAbandoned {
			row.Submitted = "未提交"
		}
		p.Rows = append(p.Rows, row)
	}
	if u.Role == models.RoleCity {
		if cities, err := s.WindowCities(ctx, u); err == nil && len(cities) == 1 {
			p.Window = "本市尚未设定整改验收申请受理期。"
			if w := cities[0].Window; w != nil {
				p.Window = fmt.Sprintf("本市整改验收申请受理期：%s 至 %s。", w.StartDate, w.EndDate)
			}
		}
	}
	return platform.Submitted(p), nil
}
