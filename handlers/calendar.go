package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/admin"
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
		p.Years = append(p.Years, admin.CalendarYear{Year: y.Year, Source: y.Source, EnteredAt: models.DateTimeCN(y.CreatedAt),
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

// calendarForm is a year's calendar as typed: the year (when entering a new one), the
// document that published it and its days, one line each.
type calendarForm struct {
	Year   string `form:"year"`
	Source string `form:"source"`
	Lines  string `form:"lines" trim:"no"`
}

// calendarFixForm is the correction of an entered year.
type calendarFixForm struct {
	Source string `form:"fix_source"`
	Lines  string `form:"fix_lines" trim:"no"`
}

// parseCalendar checks a source and a year's lines with the rules of models; the
// errors go under sourceField and linesField.
func parseCalendar(year int, source, lines, sourceField, linesField string, errs components.FieldErrors) []models.CalendarDay {
	if err := models.ValidateCalendarSource(source); err != nil {
		errs[sourceField] = models.ErrorMessage(err)
	}
	if errs.Any() {
		return nil
	}
	days, err := models.ParseCalendarYear(year, lines)
	if err != nil {
		errs[linesField] = models.ErrorMessage(err)
	}
	return days
}

// Add enters a year: parsed line by line, then checked with the whole calendar.
func (h *CalendarAdmin) Add(c echo.Context) error {
	var f calendarForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	p := admin.CalendarPage{Year: f.Year, Source: f.Source, Lines: f.Lines, Errs: components.FieldErrors{}}
	year, err := models.ParseCalendarYearText(p.Year)
	if err != nil {
		p.Errs["year"] = models.ErrorMessage(err)
	}
	days := parseCalendar(year, p.Source, p.Lines, "source", "lines", p.Errs)
	if p.Errs.Any() {
		return h.render(c, http.StatusUnprocessableEntity, p)
	}
	n, err := h.store.AddCalendarYear(c.Request().Context(), actor(c, h.now), year, p.Source, days)
	if err == nil {
		return redirectWithFlash(c, h.sessions, "/admin/calendar?year="+p.Year,
			p.Year+" 年日历已录入，共 "+strconv.Itoa(len(days))+" 天；已计算待定期限 "+strconv.Itoa(n)+" 个")
	}
	status, msg, ok := refused(err, models.EConflict)
	if !ok {
		return err
	}
	if status == http.StatusConflict { // the year is entered already
		p.Errs["year"] = msg
	} else {
		p.Errs["lines"] = msg
	}
	return h.render(c, http.StatusUnprocessableEntity, p)
}

// Correct replaces an entered year's days; the clocks it moves are recomputed and each
// change is kept in their history.
func (h *CalendarAdmin) Correct(c echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !models.CalendarYearInRange(year) {
		return models.Errorf(models.ENotFound, "年份不存在")
	}
	var f calendarFixForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	p := admin.CalendarPage{Shown: year, FixSource: f.Source, FixLines: f.Lines, FixErrs: components.FieldErrors{}}
	days := parseCalendar(year, p.FixSource, p.FixLines, "fix_source", "fix_lines", p.FixErrs)
	if p.FixErrs.Any() {
		return h.render(c, http.StatusUnprocessableEntity, p)
	}
	n, err := h.store.CorrectCalendarYear(c.Request().Context(), actor(c, h.now), year, p.FixSource, days)
	if err == nil {
		return redirectWithFlash(c, h.sessions, "/admin/calendar?year="+strconv.Itoa(year),
			strconv.Itoa(year)+" 年日历已更正；受影响的期限 "+strconv.Itoa(n)+" 个已重新计算，变更记入各期限的记录")
	}
	_, msg, ok := refused(err)
	if !ok {
		return err
	}
	p.FixErrs["fix_lines"] = msg
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
