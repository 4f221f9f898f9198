package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/city"
)

// WindowStore is what setting the application window needs of the store.
type WindowStore interface {
	WindowCities(ctx context.Context, u *models.User) ([]store.CityWindow, error)
	SetWindow(ctx context.Context, a store.Actor, cityID int64, start, end models.Date) error
}

// Windows lets city officers (their city) and admins (every city) set the window.
type Windows struct {
	store    WindowStore
	sessions Sessions
	now      Clock
}

// NewWindows builds the window handlers.
func NewWindows(s WindowStore, sess Sessions, now Clock) *Windows {
	return &Windows{store: s, sessions: sess, now: now}
}

// base is the page of the user's role: /city/window or /admin/windows.
func windowBase(u *models.User) string {
	if u.Role == models.RoleAdmin {
		return "/admin/windows"
	}
	return "/city/window"
}

// Page shows a form per city the user may set.
func (h *Windows) Page(c echo.Context) error {
	return h.render(c, http.StatusOK, 0, "", "", nil)
}

func (h *Windows) render(c echo.Context, status int, cityID int64, start, end string, errs components.FieldErrors) error {
	u := CurrentUser(c)
	cities, err := h.store.WindowCities(c.Request().Context(), u)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	p := city.WindowPage{Today: today.String()}
	for _, cw := range cities {
		f := city.WindowForm{City: cw.City.Name, Action: fmt.Sprintf("%s/%d", windowBase(u), cw.City.ID), Status: "未设定"}
		if w := cw.Window; w != nil {
			f.Start, f.End = w.StartDate.String(), w.EndDate.String()
			f.Updated = "最近设定：" + models.DateTimeCN(w.UpdatedAt)
			switch {
			case today.Before(w.StartDate):
				f.Status = "尚未开始"
			case w.Closed(today):
				f.Status = "已截止"
			default:
				f.Status = "受理中"
			}
		}
		if cw.City.ID == cityID {
			f.Start, f.End, f.Errors = start, end, errs
		}
		if len(cities) > 1 {
			f.Key = strconv.FormatInt(cw.City.ID, 10) // one form per city: ids must differ
		}
		p.Forms = append(p.Forms, f)
	}
	return Render(c, status, city.Window(p))
}

// windowForm is a city's application window as typed.
type windowForm struct {
	Start string `form:"start_date"`
	End   string `form:"end_date"`
}

// Set saves a city's window.
func (h *Windows) Set(c echo.Context) error {
	cityID, err := idParam(c, "city")
	if err != nil {
		return err
	}
	var f windowForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	start, end := f.Start, f.End
	errs := components.FieldErrors{}
	s, err := models.ParseRequiredDate(start, "受理开始日期")
	if err != nil {
		errs["start_date"] = models.ErrorMessage(err)
	}
	e, err := models.ParseRequiredDate(end, "受理截止日期")
	if err != nil {
		errs["end_date"] = models.ErrorMessage(err)
	}
	if len(errs) == 0 {
		err = h.store.SetWindow(c.Request().Context(), actor(c, h.now), cityID, s, e)
		if field, ok := models.ErrorField(err); ok {
			errs[field] = models.ErrorMessage(err)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, cityID, start, end, errs)
	}
	return redirectWithFlash(c, h.sessions, windowBase(CurrentUser(c)), fmt.Sprintf("受理期已设定为 %s 至 %s", s, e))
}
