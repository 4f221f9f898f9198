package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/components"
	"portal/views/pages/admin"
)

// EmailForm shows one account's mail address for editing (issue 13 §2: notifications are
// mailed to it unless its user turned mail off).
func (h *Admin) EmailForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.store.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, admin.Email(admin.EmailPage{User: *u, Email: u.Email}))
}

// SetEmail saves the address; a malformed one is refused with the typed value kept.
func (h *Admin) SetEmail(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	typed := strings.TrimSpace(c.FormValue("email"))
	if err := h.store.SetUserEmail(ctx, actor(c, h.now), u.ID, typed); err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			return Render(c, Status(err), admin.Email(admin.EmailPage{User: *u, Email: typed,
				Errors: components.FieldErrors{"email": models.ErrorMessage(err)}}))
		}
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/users", "已保存 "+u.Username+" 的邮箱")
}
