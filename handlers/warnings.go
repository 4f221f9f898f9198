package handlers

import (
	"context"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/layout"
	"portal/views/pages/warning"
)

// WarningStore is what the early-warning pages need of the store.
type WarningStore interface {
	ListWarningTasks(ctx context.Context, u *models.User, f store.WarningFilter, p models.Page) ([]store.WarningTask, int64, error)
	EachWarningTask(ctx context.Context, u *models.User, f store.WarningFilter, fn func(store.WarningTask) error) error
	WarningTaskByID(ctx context.Context, u *models.User, id int64) (*store.WarningTask, error)
	CloseWarningTask(ctx context.Context, a store.Actor, id int64, finding string, files []store.FileRef) error
	WarningSettingsFor(ctx context.Context, divisionID int64) (*store.WarningSettings, error)
	SetWarningSettings(ctx context.Context, a store.Actor, own models.WarningThresholds, serviceDays int) error
	FilesOf(ctx context.Context, kind string, ownerID int64) ([]store.FileRef, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	Division(ctx context.Context, id int64) (*models.Division, error)
}

// Warnings serves the early-warning tasks (风险预警, issue 12 §2).
type Warnings struct {
	store    WarningStore
	files    files.Store
	sessions Sessions
	now      Clock
}

// NewWarnings builds the early-warning handlers.
func NewWarnings(s WarningStore, fs files.Store, sess Sessions, now Clock) *Warnings {
	return &Warnings{store: s, files: fs, sessions: sess, now: now}
}

func warningFilterFrom(c echo.Context) store.WarningFilter {
	f := store.WarningFilter{Query: strings.TrimSpace(c.QueryParam("q"))}
	if s := c.QueryParam("status"); s == "open" || s == "closed" {
		f.Status = s
	}
	if _, ok := models.WarningRuleOf(models.WarningRule(c.QueryParam("rule"))); ok {
		f.Rule = models.WarningRule(c.QueryParam("rule"))
	}
	return f
}

func (h *Warnings) row(t store.WarningTask, cal *models.Calendar) warning.Row {
	info, _ := models.WarningRuleOf(t.Rule)
	r := warning.Row{Href: urls.WarningTask(t.ID), Institution: t.InstitutionName, USCC: t.USCC, District: t.DistrictName,
		Rule: info.Name, Period: t.PeriodText(), Detail: t.Detail, Opened: models.DateTimeCN(t.OpenedAt), Closed: t.Status == "closed"}
	if r.Closed && t.ClosedAt != nil {
		r.ClosedText = "已处置 " + models.DateTimeCN(*t.ClosedAt) + " " + t.ClosedName
	}
	today := models.DateOf(h.now())
	if t.DueDate != nil {
		r.Deadline = components.MakeDeadline(cal, "处置期限", models.DeadlineWorking, t.DueDate, today)
	} else if t.PendingYear != 0 {
		r.Deadline = &components.Deadline{Label: "处置期限", Text: models.PendingCalendarText(t.PendingYear)}
	}
	return r
}

// List is the tasks of the officer's jurisdiction.
func (h *Warnings) List(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := warningFilterFrom(c)
	pg := pageFrom(c)
	rows, total, err := h.store.ListWarningTasks(ctx, u, f, pg)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	p := warning.ListPage{Title: "风险预警", Query: f.Query, Status: f.Status, Rule: string(f.Rule),
		Pager: pager(c, pg, total), Export: exportHref(urls.WarningsXLSX(), c.QueryParams()), CanSettle: u.Role == models.RoleDistrict}
	if u.Role == models.RoleCity || u.Role == models.RoleProvince {
		p.SettingsURL = urls.WarningSettings()
	}
	for _, r := range models.WarningRules {
		p.Rules = append(p.Rules, components.Option{Value: string(r.Rule), Label: r.Name})
	}
	for _, t := range rows {
		p.Rows = append(p.Rows, h.row(t, cal))
	}
	return Render(c, http.StatusOK, warning.List(p))
}

// XLSX exports the list with its filters.
func (h *Warnings) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	x, err := NewXLSX("风险预警", []XLSXColumn{{"机构", 36}, {"统一社会信用代码", 22}, {"区(县)", 12}, {"预警规则", 26},
		{"月份", 10}, {"情况", 60}, {"开启时间", 18}, {"处置期限", 36}, {"状态", 30}})
	if err != nil {
		return err
	}
	defer x.Close()
	err = h.store.EachWarningTask(ctx, u, warningFilterFrom(c), func(t store.WarningTask) error {
		r := h.row(t, cal)
		due, status := "", "待处置"
		if r.Deadline != nil {
			due = r.Deadline.String()
		}
		if r.Closed {
			status = r.ClosedText
		}
		return x.Row(r.Institution, r.USCC, r.District, r.Rule, r.Period, r.Detail, r.Opened, due, status)
	})
	if err != nil {
		return err
	}
	return x.Send(c, "风险预警", h.now)
}

// Show is one task, with the closing form for the district officer.
func (h *Warnings) Show(c echo.Context) error {
	p, err := h.taskPage(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, warning.Task(*p))
}

func (h *Warnings) taskPage(c echo.Context) (*warning.TaskPage, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	t, err := h.store.WarningTaskByID(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	info, _ := models.WarningRuleOf(t.Rule)
	p := &warning.TaskPage{Row: h.row(*t, cal), Clause: info.Clause, Finding: t.Finding, Errors: components.FieldErrors{},
		CanClose: u.Role == models.RoleDistrict && t.Status == "open",
		Action:   urls.WithCSRF(urls.CloseWarningTask(id), layout.ShellFrom(ctx).CSRF)}
	fs, err := h.store.FilesOf(ctx, store.FilesWarningTask, id)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		p.Files = append(p.Files, warning.File{Name: f.Name, Href: urls.WarningFile(id, f.ID)})
	}
	return p, nil
}

// Close records the finding and the evidence (multipart; CSRF in the query).
func (h *Warnings) Close(c echo.Context) error {
	p, err := h.taskPage(c)
	if err != nil {
		return err
	}
	if !p.CanClose {
		return models.Errorf(models.EConflict, "该预警任务已处置完毕，或不由您处置")
	}
	var refs []store.FileRef
	status := http.StatusUnprocessableEntity
	finding := ""
	err = eachPart(c, func(name, value string) error {
		if name == "finding" {
			finding = value
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "evidence" || p.Errors["evidence"] != "" || len(refs) >= 5 {
			return nil
		}
		ref, err := receivePart(c, h.files, part, models.MaxReviewFileSize, models.ReviewFileKinds)
		if models.ErrorCode(err) == models.EInvalid {
			p.Errors["evidence"], status = models.ErrorMessage(err), uploadStatus(err)
			return nil
		}
		if err == nil {
			refs = append(refs, ref)
		}
		return err
	})
	if models.ErrorCode(err) == models.EInvalid {
		p.Errors["evidence"], status = models.ErrorMessage(err), uploadStatus(err)
	} else if err != nil {
		return err
	}
	p.Finding = strings.TrimSpace(finding)
	if err := models.ValidateWarningFinding(p.Finding); err != nil {
		p.Errors["finding"] = models.ErrorMessage(err)
	}
	if p.Errors.Any() {
		return Render(c, status, warning.Task(*p))
	}
	id, _ := idParam(c, "id")
	if err := h.store.CloseWarningTask(c.Request().Context(), actor(c, h.now), id, p.Finding, refs); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.WarningTask(id), "已记录处置意见，预警任务已办结，市级监管人员已收到通知")
}

// File downloads an evidence file of a task in the officer's jurisdiction.
func (h *Warnings) File(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.store.WarningTaskByID(c.Request().Context(), CurrentUser(c), id); err != nil {
		return err
	}
	fid, err := idParam(c, "file")
	if err != nil {
		return err
	}
	fs, err := h.store.FilesOf(c.Request().Context(), store.FilesWarningTask, id)
	if err != nil {
		return err
	}
	return sendAttachment(c, h.files, fs, fid)
}

// Settings shows the thresholds of the officer's province or city.
func (h *Warnings) Settings(c echo.Context) error {
	p, err := h.settingsPage(c, nil, nil)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, warning.Settings(*p))
}

func (h *Warnings) settingsPage(c echo.Context, typed map[string]string, errs components.FieldErrors) (*warning.SettingsPage, error) {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	ws, err := h.store.WarningSettingsFor(ctx, models.IDOrZero(u.DivisionID))
	if err != nil {
		return nil, err
	}
	p := &warning.SettingsPage{Errors: errs, DaysInForce: strconv.Itoa(ws.ServiceDays)}
	if p.Errors == nil {
		p.Errors = components.FieldErrors{}
	}
	if div, err := h.store.Division(ctx, models.IDOrZero(u.DivisionID)); err == nil {
		p.Scope = div.Name
	}
	if ws.OwnDays > 0 {
		p.ServiceDays = strconv.Itoa(ws.OwnDays)
	}
	for _, r := range models.WarningRules {
		row := warning.SettingRow{Name: "t_" + string(r.Rule), Label: r.Name, Clause: r.Clause, Local: r.Local, Fixed: r.Unit == models.UnitNone,
			Effective: r.ThresholdText(ws.Effective.Of(r.Rule)), Unit: unitHint(r.Unit)}
		if v, ok := ws.Own[r.Rule]; ok {
			row.Value = strings.TrimSuffix(r.ThresholdText(v), " 元")
		}
		p.Rows = append(p.Rows, row)
	}
	if typed != nil {
		for i := range p.Rows {
			p.Rows[i].Value = typed[p.Rows[i].Name]
		}
		p.ServiceDays = typed["service_days"]
	}
	return p, nil
}

func unitHint(u models.WarningUnit) string {
	switch u {
	case models.UnitShare:
		return "百分比，如 5"
	case models.UnitCount:
		return "个数，如 0"
	case models.UnitAmount:
		return "元，如 100.00"
	}
	return ""
}

// SaveSettings parses every threshold, re-renders with the errors and all typed values,
// or saves and redirects.
func (h *Warnings) SaveSettings(c echo.Context) error {
	typed := map[string]string{"service_days": strings.TrimSpace(c.FormValue("service_days"))}
	errs := components.FieldErrors{}
	own := models.WarningThresholds{}
	for _, r := range models.WarningRules {
		if r.Unit == models.UnitNone {
			continue
		}
		name := "t_" + string(r.Rule)
		v := strings.TrimSpace(c.FormValue(name))
		typed[name] = v
		if v == "" {
			continue
		}
		n, err := r.ParseThreshold(v)
		if err != nil {
			errs[name] = models.ErrorMessage(err)
			continue
		}
		own[r.Rule] = n
	}
	days := 0
	if s := typed["service_days"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 60 {
			errs["service_days"] = "处置时限应为 1 至 60 的整数（工作日），留空则沿用上级设置"
		}
		days = n
	}
	if errs.Any() {
		p, err := h.settingsPage(c, typed, errs)
		if err != nil {
			return err
		}
		return Render(c, http.StatusUnprocessableEntity, warning.Settings(*p))
	}
	if err := h.store.SetWarningSettings(c.Request().Context(), actor(c, h.now), own, days); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.WarningSettings(), "已保存预警阈值与处置时限，下次预警检查起生效")
}
