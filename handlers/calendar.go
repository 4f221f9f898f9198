package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/admin"
	"portal/views/pages/shared"
)

// CalendarStore is what the working-day calendar admin needs of the store.
type CalendarStore interface {
	CalendarYears(ctx context.Context) ([]store.CalendarYearRow, error)
	CalendarDays(ctx context.Context, year int) ([]models.CalendarDay, error)
	AddCalendarYear(ctx context.Context, a store.Actor, year int, source string, days []models.CalendarDay) (int, error)
	CorrectCalendarYear(ctx context.Context, a store.Actor, year int, source string, days []models.CalendarDay) (int, error)
	PendingCalendarYears(ctx context.Context) ([]store.PendingYear, error)
}

// CalendarAdmin lets an admin see the entered years and add a newly published one.
type CalendarAdmin struct {
	store    CalendarStore
	sessions Sessions
	now      Clock
}

// NewCalendarAdmin builds the calendar admin handlers.
func NewCalendarAdmin(s CalendarStore, sess Sessions, now Clock) *CalendarAdmin {
	return &CalendarAdmin{store: s, sessions: sess, now: now}
}

// Show lists the years, and the days of ?year= when given.
func (h *CalendarAdmin) Show(c echo.Context) error {
	var p admin.CalendarPage
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil && models.CalendarYearInRange(y) {
		p.Shown = y // another year has no days to show (year=-1 gave a 500)
	}
	return h.render(c, http.StatusOK, p)
}

func (h *CalendarAdmin) render(c echo.Context, status int, p admin.CalendarPage) error {
	ctx := c.Request().Context()
	years, err := h.store.CalendarYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		p.Years = append(p.Years, admin.CalendarYear{Year: y.Year, Source: y.Source, EnteredAt: shared.DateTime(y.CreatedAt),
			OffDays: y.OffDays, WorkDays: y.WorkDays})
	}
	pending, err := h.store.PendingCalendarYears(ctx)
	if err != nil {
		return err
	}
	p.Pending = pendingNotices(pending)
	if p.Year == "" && len(pending) > 0 { // propose the year the clocks wait for
		p.Year = strconv.Itoa(pending[0].Year)
	}
	if p.Year == "" && len(years) > 0 { // propose the year after the last one entered
		p.Year = strconv.Itoa(years[len(years)-1].Year + 1)
	}
	if p.Shown != 0 {
		if p.Days, err = h.store.CalendarDays(ctx, p.Shown); err != nil {
			return err
		}
		for _, y := range years {
			if y.Year == p.Shown && p.FixSource == "" && p.FixLines == "" {
				p.FixSource, p.FixLines = y.Source, models.FormatCalendarYear(p.Days)
			}
		}
	}
	return Render(c, status, admin.Calendar(p))
}

// Add enters a year: parsed line by line, then checked with the whole calendar.
func (h *CalendarAdmin) Add(c echo.Context) error {
	p := admin.CalendarPage{Year: strings.TrimSpace(c.FormValue("year")), Source: strings.TrimSpace(c.FormValue("source")),
		Lines: c.FormValue("lines"), Errs: components.FieldErrors{}}
	year, err := strconv.Atoi(p.Year)
	if err != nil || !models.CalendarYearInRange(year) {
		p.Errs["year"] = fmt.Sprintf("请填写 %d–%d 之间的四位数年份", models.MinCalendarYear, models.MaxCalendarYear)
	}
	if p.Source == "" {
		p.Errs["source"] = "请填写发布文件的文号"
	} else if models.LongerThan(p.Source, models.MaxSourceLength) {
		p.Errs["source"] = fmt.Sprintf("文号不超过 %d 字", models.MaxSourceLength)
	}
	var days []models.CalendarDay
	if len(p.Errs) == 0 {
		if days, err = models.ParseCalendarYear(year, p.Lines); err != nil {
			p.Errs["lines"] = models.ErrorMessage(err)
		}
	}
	if len(p.Errs) == 0 {
		var n int
		n, err = h.store.AddCalendarYear(c.Request().Context(), actor(c, h.now), year, p.Source, days)
		switch models.ErrorCode(err) {
		case "":
			return redirectWithFlash(c, h.sessions, "/admin/calendar?year="+p.Year,
				p.Year+" 年日历已录入，共 "+strconv.Itoa(len(days))+" 天；已计算待定期限 "+strconv.Itoa(n)+" 个")
		case models.EConflict:
			p.Errs["year"] = models.ErrorMessage(err)
		case models.EInvalid:
			p.Errs["lines"] = models.ErrorMessage(err)
		default:
			return err
		}
	}
	return h.render(c, http.StatusUnprocessableEntity, p)
}

// Correct replaces an entered year's days; the clocks it moves are recomputed and each
// change is kept in their history.
func (h *CalendarAdmin) Correct(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return models.Errorf(models.ENotFound, "年份不存在")
	}
	p := admin.CalendarPage{Shown: year, FixSource: strings.TrimSpace(c.FormValue("fix_source")), FixLines: c.FormValue("fix_lines"),
		FixErrs: components.FieldErrors{}}
	if p.FixSource == "" {
		p.FixErrs["fix_source"] = "请填写发布文件的文号"
	}
	var days []models.CalendarDay
	if len(p.FixErrs) == 0 {
		if days, err = models.ParseCalendarYear(year, p.FixLines); err != nil {
			p.FixErrs["fix_lines"] = models.ErrorMessage(err)
		}
	}
	if len(p.FixErrs) == 0 {
		var n int
		n, err = h.store.CorrectCalendarYear(c.Request().Context(), actor(c, h.now), year, p.FixSource, days)
		switch models.ErrorCode(err) {
		case "":
			return redirectWithFlash(c, h.sessions, "/admin/calendar?year="+strconv.Itoa(year),
				strconv.Itoa(year)+" 年日历已更正；受影响的期限 "+strconv.Itoa(n)+" 个已重新计算，变更记入各期限的记录")
		case models.EInvalid:
			p.FixErrs["fix_lines"] = models.ErrorMessage(err)
		default:
			return err
		}
	}
	return h.render(c, http.StatusUnprocessableEntity, p)
}

// pendingNotices tells the admin which years clocks wait for.
func pendingNotices(ys []store.PendingYear) []admin.PendingYear {
	out := make([]admin.PendingYear, len(ys))
	for i, y := range ys {
		out[i] = admin.PendingYear{Year: y.Year, Clocks: y.Clocks}
	}
	return out
}
