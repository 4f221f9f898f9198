// Package handlers holds one file per resource. A handler parses the request, validates
// it, calls one store method, then re-renders with field errors or redirects with a flash.
package handlers

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/layout"
)

// Clock tells the time; tests fix it.
type Clock func() time.Time

// Sessions is what handlers need of the session layer.
type Sessions interface {
	// Login starts a fresh session (new id) for the user, dropping the old one.
	Login(c echo.Context, userID int64) error
	// Logout deletes the session server-side and clears the cookie.
	Logout(c echo.Context) error
	// ID is the current session's id.
	ID(c echo.Context) string
	// Flash queues a message for the next page.
	Flash(c echo.Context, kind, message string) error
	// PopFlashes returns and clears the queued messages.
	PopFlashes(c echo.Context) []layout.Flash
}

const userKey = "portal.user"

// SetCurrentUser stores the signed-in user for the request.
func SetCurrentUser(c echo.Context, u *models.User) { c.Set(userKey, u) }

// CurrentUser is the signed-in user, or nil.
func CurrentUser(c echo.Context) *models.User {
	u, _ := c.Get(userKey).(*models.User)
	return u
}

// Render writes a templ component as the response; its frame shows the session's
// flashes (layout.Shell).
func Render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// bindForm fills the form struct f from the request's form fields (the query and an
// url-encoded or multipart body, as echo's FormValue reads them), by each field's
// `form:"name"` tag. A form struct holds strings (and []string for a multiple choice): a
// number or a date stays as typed until the form's validation parses it, so nothing can
// fail to convert here and a bad value is shown again as it was typed. A body that is not
// a form leaves f as if nothing was typed; one that cannot be read is refused.
func bindForm(c echo.Context, f any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(ct, echo.MIMEApplicationForm) && !strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		return nil
	}
	if err := (&echo.DefaultBinder{}).BindBody(c, f); err != nil {
		return models.Errorf(models.EInvalid, "提交的表单无法读取，请返回页面重新填写")
	}
	trimSpace(reflect.ValueOf(f).Elem())
	return nil
}

// trimSpace trims the blanks around every string of a bound form (embedded structs and
// multiple choices too): what is kept and shown again is what was typed, without them.
// A field tagged `trim:"no"` (lines of data an admin edits) is kept exactly as typed.
func trimSpace(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(strings.TrimSpace(v.String()))
		}
	case reflect.Slice:
		for i := range v.Len() {
			trimSpace(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).Tag.Get("trim") != "no" {
				trimSpace(v.Field(i))
			}
		}
	}
}

// redirectWithFlash is the success end of a form: 303 to url with a message.
func redirectWithFlash(c echo.Context, s Sessions, url, message string) error {
	if err := s.Flash(c, "success", message); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, url)
}

func actor(c echo.Context, now Clock) store.Actor {
	return store.Actor{User: CurrentUser(c), IP: c.RealIP(), Now: now()}
}

// pageFrom reads ?page= for a list.
func pageFrom(c echo.Context) models.Page {
	n, _ := strconv.Atoi(c.QueryParam("page"))
	return models.Page{Number: n, Size: models.DefaultPageSize}.Normalize()
}

func pager(c echo.Context, p models.Page, total int64) components.Pager {
	q := c.QueryParams()
	q.Del("page")
	return components.Pager{Number: p.Number, Pages: p.Pages(total), Total: total, Query: q}
}

// idParam parses a numeric path parameter; a bad one is simply not found.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.Errorf(models.ENotFound, "页面不存在")
	}
	return id, nil
}
