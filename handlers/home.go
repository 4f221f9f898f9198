package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/pages/public"
)

// HomeStore is what the public home and the complaint look-up need of the store.
type HomeStore interface {
	ComplaintByRef(ctx context.Context, ref string) (*store.ComplaintRow, error)
}

// Home serves the public entrance: the home page, the guide (办事指南) and the
// complaint look-up by reference number.
type Home struct {
	store HomeStore
}

// NewHome builds the public entrance handlers.
func NewHome(s HomeStore) *Home { return &Home{store: s} }

// Root is /: the public home for a visitor; a signed-in user goes on to their role's home.
func (h *Home) Root(c echo.Context) error {
	if u := CurrentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, HomeOf(u.Role))
	}
	return Render(c, http.StatusOK, public.Home(public.ComplaintLookup{}))
}

// Guide is /guide, the 办事指南: the steps from application to filing with their rules.
func (h *Home) Guide(c echo.Context) error {
	return Render(c, http.StatusOK, public.Guide())
}

// LookupComplaint is /complaints: the form asking for a reference number; with ?ref= it
// goes on to that complaint's status page. A malformed or unknown number re-renders the
// form with what was typed and the reason.
func (h *Home) LookupComplaint(c echo.Context) error {
	ref := strings.ToUpper(strings.TrimSpace(c.QueryParam("ref")))
	if _, sent := c.QueryParams()["ref"]; !sent {
		return Render(c, http.StatusOK, public.ComplaintLookupPage(public.ComplaintLookup{}))
	}
	p := public.ComplaintLookup{Ref: c.QueryParam("ref")}
	if err := models.ValidateComplaintRef(ref); err != nil {
		p.Error = models.ErrorMessage(err)
		return Render(c, http.StatusUnprocessableEntity, public.ComplaintLookupPage(p))
	}
	if _, err := h.store.ComplaintByRef(c.Request().Context(), ref); err != nil {
		status, msg, ok := refused(err, models.ENotFound)
		if !ok {
			return err
		}
		p.Error = msg
		return Render(c, status, public.ComplaintLookupPage(p))
	}
	return c.Redirect(http.StatusSeeOther, urls.Complaint(ref))
}
