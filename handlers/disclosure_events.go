package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// EventStore is what the event reports need of the store.
type EventStore interface {
	FileEvent(ctx context.Context, a store.Actor, in store.EventInput) (*models.EventReport, error)
	CloseEvent(ctx context.Context, a store.Actor, institutionID, eventID int64, note string) error
	InstitutionEvents(ctx context.Context, institutionID int64, limit int) ([]models.EventReport, error)
	Events(ctx context.Context, u *models.User, f store.EventFilter, p models.Page) ([]store.EventRow, int64, error)
	EachEvent(ctx context.Context, u *models.User, f store.EventFilter, fn func(store.EventRow) error) error
}

var eventKinds = []components.Option{
	{Value: string(models.EventKindMajor), Label: models.EventKindMajor.Label()},
	{Value: string(models.EventKindChange), Label: models.EventKindChange.Label()},
}

func eventCategories() []components.Option {
	out := []components.Option{{Value: "", Label: "（信息变更无需选择）"}}
	for _, c := range models.MajorEventCategories {
		out = append(out, components.Option{Value: string(c.Category), Label: c.Clause + " " + c.Name})
	}
	return out
}

// eventDeadline is the chip of an event: its due time and whether it was met.
func eventDeadline(e models.EventReport) *components.Deadline {
	d := &components.Deadline{Label: "披露期限", Due: models.DateTimeCN(e.DueAt)}
	if e.Late() {
		d.Overdue = true
		d.Text = fmt.Sprintf("逾期 %s 披露", lateBy(e.FiledAt.Sub(e.DueAt)))
	} else {
		d.Text = "按时披露"
	}
	return d
}

func lateBy(d time.Duration) string {
	if h := int(d.Hours()); h >= 48 {
		return fmt.Sprintf("%d 天", h/24)
	} else if h >= 1 {
		return fmt.Sprintf("%d 小时", h)
	}
	return fmt.Sprintf("%d 分钟", int(d.Minutes())+1)
}

func eventRow(e models.EventReport) disclosure.EventRow {
	r := disclosure.EventRow{ID: e.ID, Kind: e.Kind.Label(), Title: e.Title, OccurredAt: models.DateTimeCN(e.OccurredAt),
		FiledAt: models.DateTimeCN(e.FiledAt), Deadline: eventDeadline(e), Late: e.Late(), Open: e.Open(),
		Cause: e.Cause, State: e.CurrentState, Impact: e.Impact, Measures: e.Measures, ClosingNote: e.ClosingNote}
	if e.Kind == models.EventKindMajor {
		r.Category = e.Category.Label()
	}
	if e.Kind == models.EventKindChange && e.MajorMatter {
		r.Category = "重大事项"
	}
	return r
}

// eventHistory is how many reports the platform's page lists.
const eventHistory = 50

// Events is the platform's event reports and the form to file one.
func (h *Disclosure) Events(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	return h.renderEvents(c, http.StatusOK, inst, map[string]string{"kind": string(models.EventKindMajor)}, nil)
}

func (h *Disclosure) renderEvents(c echo.Context, status int, inst *models.Institution, form map[string]string, errs components.FieldErrors) error {
	ctx := c.Request().Context()
	evs, err := h.events().InstitutionEvents(ctx, inst.ID, eventHistory)
	if err != nil {
		return err
	}
	rs, err := h.store.InstitutionRuleSet(ctx, inst.ID)
	if err != nil {
		return err
	}
	page := disclosure.EventsPage{Form: form, Errors: errs, Categories: eventCategories(), Kinds: eventKinds, RuleSet: rs.Label()}
	for _, e := range evs {
		r := eventRow(e)
		r.CloseAction = urls.PlatformEvent(e.ID) + "/close"
		page.Rows = append(page.Rows, r)
	}
	return Render(c, status, disclosure.Events(page))
}

func (h *Disclosure) events() EventStore { return h.store }

// eventTimeLayout is how a datetime-local input sends its value.
const eventTimeLayout = "2006-01-02T15:04"

// FileEvent records a report; bad input re-renders with everything typed.
func (h *Disclosure) FileEvent(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	form := map[string]string{}
	for _, k := range []string{"kind", "category", "major_matter", "title", "occurred_at", "cause", "state", "impact", "measures"} {
		form[k] = c.FormValue(k)
	}
	in := store.EventInput{InstitutionID: inst.ID, Kind: models.DisclosureEventKind(form["kind"]),
		Category: models.MajorEventCategory(form["category"]), MajorMatter: form["major_matter"] != "", Title: form["title"],
		Cause: form["cause"], CurrentState: form["state"], Impact: form["impact"], Measures: form["measures"]}
	errs := components.FieldErrors{}
	if t := strings.TrimSpace(form["occurred_at"]); t != "" {
		at, err := time.ParseInLocation(eventTimeLayout, t, models.ChinaTime)
		if err != nil {
			errs["occurred_at"] = "发生时间格式不正确，应为 yyyy-mm-dd hh:mm"
		}
		in.OccurredAt = at
	}
	if in.Kind != models.EventKindMajor {
		in.Category = ""
	}
	var ev *models.EventReport
	if len(errs) == 0 {
		ev, err = h.events().FileEvent(c.Request().Context(), actor(c, h.now), in)
		if fes, ok := store.AsFigureErrors(err); ok {
			for _, fe := range fes {
				if errs[fe.Field] == "" {
					errs[fe.Field] = fe.Err.Message
				}
			}
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderEvents(c, http.StatusUnprocessableEntity, inst, form, errs)
	}
	msg := "已提交" + ev.Kind.Label() + "报告「" + ev.Title + "」，披露期限 " + models.DateTimeCN(ev.DueAt)
	if ev.Late() {
		msg += "，已逾期"
	}
	return redirectWithFlash(c, h.sessions, urls.PlatformEvents, msg)
}

// CloseEvent marks the platform's open event as dealt with.
func (h *Disclosure) CloseEvent(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	err = h.events().CloseEvent(c.Request().Context(), actor(c, h.now), inst.ID, id, c.FormValue("closing_note"))
	if f, ok := models.ErrorField(err); ok {
		return h.renderEvents(c, http.StatusUnprocessableEntity, inst, map[string]string{"kind": string(models.EventKindMajor)},
			components.FieldErrors{"_form": models.ErrorMessage(err), f: models.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.PlatformEvents, "已办结该事项")
}

// OfficerEvents is /disclosure/events: the event reports of the jurisdiction.
func (h *DisclosureMonitor) Events(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := officerEventFilter(c)
	p := pageFrom(c)
	rows, total, err := h.store.Events(ctx, u, f, p)
	if err != nil {
		return err
	}
	all, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	page := disclosure.OfficerEventsPage{OpenOnly: f.OpenOnly, Kind: string(f.Kind), Kinds: append([]components.Option{{Value: "", Label: "全部类型"}}, eventKinds...),
		Query: f.Query, DistrictID: c.QueryParam("district"), Districts: districtOptions(all, u), Pager: pager(c, p, total),
		Export: exportOf(c, urls.DisclosureEvents)}
	for _, r := range rows {
		er := eventRow(r.EventReport)
		er.Institution, er.District, er.InstHref = r.InstitutionName, r.DistrictName, urls.InstitutionDisclosure(r.InstitutionID)
		page.Rows = append(page.Rows, er)
	}
	return Render(c, http.StatusOK, disclosure.OfficerEvents(page))
}

func officerEventFilter(c echo.Context) store.EventFilter {
	f := store.EventFilter{OpenOnly: c.QueryParam("open") != "", Query: c.QueryParam("q")}
	if k := c.QueryParam("kind"); k == string(models.EventKindMajor) || k == string(models.EventKindChange) {
		f.Kind = models.DisclosureEventKind(k)
	}
	f.DistrictID, _ = strconv.ParseInt(c.QueryParam("district"), 10, 64)
	return f
}

var eventColumns = []XLSXColumn{{"机构名称", 44}, {"所属区", 10}, {"报告类型", 16}, {"类别", 30}, {"事项标题", 30}, {"发生时间", 18},
	{"披露时间", 18}, {"披露期限", 18}, {"是否逾期", 8}, {"状态", 8}}

// EventsXLSX is /disclosure/events.xlsx with the page's filters.
func (h *DisclosureMonitor) EventsXLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := officerEventFilter(c)
	x, err := NewXLSX("重大事项与信息变更", eventColumns)
	if err != nil {
		return err
	}
	err = h.store.EachEvent(ctx, u, f, func(r store.EventRow) error {
		e := r.EventReport
		state := "已办结"
		if e.Open() {
			state = "未结"
		}
		cat := ""
		if e.Kind == models.EventKindMajor {
			cat = e.Category.Label()
		}
		return x.Row(r.InstitutionName, r.DistrictName, e.Kind.Label(), cat, e.Title, models.DateTimeCN(e.OccurredAt),
			models.DateTimeCN(e.FiledAt), models.DateTimeCN(e.DueAt), yesNo(e.Late()), state)
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "重大事项与信息变更")
}
