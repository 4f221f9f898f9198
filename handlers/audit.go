package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/admin"
)

// AuditStore is what the audit trail pages need of the store.
type AuditStore interface {
	AuditPageAt(ctx context.Context, f store.AuditFilter, at store.AuditCursor, size int) (*store.AuditPage, error)
	CountAudit(ctx context.Context, f store.AuditFilter, limit int) (int64, error)
	EachAudit(ctx context.Context, f store.AuditFilter, fn func(store.AuditRow) error) error
	AuditActions(ctx context.Context) ([]string, error)
	RecordAudit(ctx context.Context, a store.Actor, action, target, detail string) error
}

// describeAuditFilter is the audit row of a read of the trail: the audit administrator's
// own reads are in the trail too (三员分立, GB/T 22239-2019 §8.1.4.3).
func describeAuditFilter(f admin.AuditForm) string {
	var parts []string
	for _, kv := range [][2]string{{"关键词", f.Query}, {"操作人", f.Actor}, {"对象", f.Object}, {"操作", f.Action}, {"起", f.From}, {"止", f.To}} {
		if v := strings.TrimSpace(kv[1]); v != "" {
			parts = append(parts, kv[0]+"："+v)
		}
	}
	if len(parts) == 0 {
		return "全部"
	}
	return strings.Join(parts, "；")
}

// Audit shows and exports the audit trail.
type Audit struct {
	store AuditStore
	now   Clock
}

// NewAudit builds the audit trail handlers.
func NewAudit(s AuditStore, now Clock) *Audit { return &Audit{store: s, now: now} }

// auditFilter reads the trail's filters; a bad date is reported on its field and left
// out of the filter, with the typed text kept in the form.
func auditFilter(c echo.Context) (store.AuditFilter, admin.AuditForm, components.FieldErrors) {
	form := admin.AuditForm{Query: c.QueryParam("q"), Actor: c.QueryParam("actor"), Object: c.QueryParam("object"),
		Action: c.QueryParam("action"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	f := store.AuditFilter{Query: form.Query, Actor: form.Actor, Object: form.Object, Action: form.Action}
	errs := components.FieldErrors{}
	if s := strings.TrimSpace(form.From); s != "" {
		if d, err := models.ParseDate(s); err != nil {
			errs["from"] = "起始日期" + models.ErrorMessage(err)
		} else {
			f.From = d
		}
	}
	if s := strings.TrimSpace(form.To); s != "" {
		if d, err := models.ParseDate(s); err != nil {
			errs["to"] = "截止日期" + models.ErrorMessage(err)
		} else {
			f.To = d
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "截止日期不能早于起始日期"
		f.To = models.Date{}
	}
	return f, form, errs
}

// auditCountCap bounds the count above the trail: past it the page says "超过 1000 条"
// rather than count every row of a province's trail.
const auditCountCap = 1000

// List is /admin/audit: the trail, newest first, filtered by actor, action, object and
// days in Beijing time, by keyset pages (?before= / ?after= a row id; anything else is
// the newest page), with its XLSX export.
func (h *Audit) List(c echo.Context) error {
	ctx := c.Request().Context()
	f, form, errs := auditFilter(c)
	at := store.AuditCursor{}
	at.Before, _ = strconv.ParseInt(c.QueryParam("before"), 10, 64)
	at.After, _ = strconv.ParseInt(c.QueryParam("after"), 10, 64)
	at.Before, at.After = max(at.Before, 0), max(at.After, 0)
	res, err := h.store.AuditPageAt(ctx, f, at, store.AuditPageSize)
	if err != nil {
		return err
	}
	total, err := h.store.CountAudit(ctx, f, auditCountCap)
	if err != nil {
		return err
	}
	actions, err := h.store.AuditActions(ctx)
	if err != nil {
		return err
	}
	page := admin.AuditPage{Form: form, Errors: errs}
	page.Pager = components.Cursor{NewerLabel: "较新的记录", OlderLabel: "较早的记录", TestID: "audit-pager",
		Note: fmt.Sprintf("共 %d 条，每页 %d 条", total, store.AuditPageSize)}
	if total > auditCountCap {
		page.Pager.Note = fmt.Sprintf("超过 %d 条，每页 %d 条", auditCountCap, store.AuditPageSize)
	}
	q := c.QueryParams()
	for _, k := range []string{"page", "before", "after"} {
		q.Del(k)
	}
	link := func(k string, id int64) string {
		v := url.Values{}
		for key, vals := range q {
			v[key] = vals
		}
		v.Set(k, strconv.FormatInt(id, 10))
		return "/admin/audit?" + v.Encode()
	}
	if res.Older != 0 {
		page.Pager.Older = link("before", res.Older)
	}
	if res.Newer != 0 {
		page.Pager.Newer = link("after", res.Newer)
	}
	page.Actions = []components.Option{{Value: "", Label: "全部操作"}}
	for _, a := range actions {
		page.Actions = append(page.Actions, components.Option{Value: a, Label: a})
	}
	if !errs.Any() {
		page.Export = exportHref("/admin/audit.xlsx", q)
	}
	for _, r := range res.Rows {
		page.Rows = append(page.Rows, auditRow(r))
	}
	if err := h.store.RecordAudit(ctx, actor(c, h.now), "查阅操作日志", "操作日志", describeAuditFilter(form)+auditCursorText(at)); err != nil {
		return err
	}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusUnprocessableEntity
	}
	return Render(c, status, admin.Audit(page))
}

func auditRow(r store.AuditRow) admin.AuditRow {
	out := admin.AuditRow{At: models.DateTimeSecondsCN(r.At), Actor: r.ActorName, Action: r.Action, Object: r.Target,
		Detail: r.Detail, IP: r.IP}
	if r.ActorDisplay != "" {
		out.Actor, out.Login = r.ActorDisplay, r.ActorName
	}
	if r.ActorRole != "" {
		out.Role = r.ActorRole.Label()
	}
	if r.InstitutionName != "" {
		out.Object += " · " + r.InstitutionName
	}
	return out
}

var auditColumns = []XLSXColumn{{"时间（北京时间）", 20}, {"操作人", 28}, {"角色", 16}, {"操作", 20}, {"对象", 48}, {"说明", 60}, {"IP", 16}}

// XLSX is /admin/audit.xlsx: every row the page's filters select, streamed from the
// database into the workbook.
func (h *Audit) XLSX(c echo.Context) error {
	f, form, errs := auditFilter(c)
	for _, msg := range errs {
		return models.Errorf(models.EInvalid, "%s", msg)
	}
	if err := h.store.RecordAudit(c.Request().Context(), actor(c, h.now), "导出操作日志", "操作日志", describeAuditFilter(form)); err != nil {
		return err
	}
	x, err := NewXLSX("操作日志", auditColumns)
	if err != nil {
		return err
	}
	err = h.store.EachAudit(c.Request().Context(), f, func(r store.AuditRow) error {
		v := auditRow(r)
		who := v.Actor
		if v.Login != "" {
			who += "（" + v.Login + "）"
		}
		return x.Row(v.At, who, v.Role, v.Action, v.Object, v.Detail, v.IP)
	})
	if err != nil {
		x.Close()
		return err
	}
	return x.Send(c, "操作日志", h.now)
}

// auditCursorText names the page read, for the record of the read.
func auditCursorText(at store.AuditCursor) string {
	switch {
	case at.Before > 0:
		return "；编号 " + strconv.FormatInt(at.Before, 10) + " 之前"
	case at.After > 0:
		return "；编号 " + strconv.FormatInt(at.After, 10) + " 之后"
	}
	return "；最新一页"
}
