package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/public"
)

// AuthStore is what sign-in needs of the store.
type AuthStore interface {
	UserByUsername(ctx context.Context, username string) (*models.User, error)
	RecordLogin(ctx context.Context, a store.Actor, username string, passwordOK bool) error
	RecordAudit(ctx context.Context, a store.Actor, action, target, detail string) error
}

// Auth signs users in and out.
type Auth struct {
	store    AuthStore
	sessions Sessions
	now      Clock
}

// NewAuth builds the sign-in handlers.
func NewAuth(s AuthStore, sess Sessions, now Clock) *Auth {
	return &Auth{store: s, sessions: sess, now: now}
}

// Form shows the login page; a signed-in user goes home.
func (h *Auth) Form(c echo.Context) error {
	if CurrentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return Render(c, http.StatusOK, public.Login(public.LoginPage{Next: safeNext(c.QueryParam("next"))}))
}

// Login checks the password, counts failures and starts a new session.
func (h *Auth) Login(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	refuse := func(msg string) error {
		return Render(c, http.StatusUnauthorized, public.Login(public.LoginPage{Username: username, Next: next, Error: msg}))
	}
	if username == "" || password == "" {
		return refuse("请输入用户名和密码")
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByUsername(ctx, username)
	if err != nil && models.ErrorCode(err) != models.ENotFound {
		return err
	}
	hash := ""
	if u != nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok := models.CheckPassword(hash, password) // compares even for unknown names, for even timing
	// The trail names the account tried: the user on success, the typed name otherwise.
	a := store.Actor{IP: c.RealIP(), Now: h.now(), Name: username}
	if ok {
		a.User = u
	}
	if err := h.store.RecordLogin(ctx, a, username, ok); err != nil {
		switch models.ErrorCode(err) {
		case models.ELocked, models.EUnauthorized:
			return refuse(models.ErrorMessage(err))
		}
		return err
	}
	if err := h.sessions.Login(c, u.ID); err != nil {
		return err
	}
	if u.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/account/password")
	}
	if next != "" {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return c.Redirect(http.StatusSeeOther, HomeOf(u.Role))
}

// Logout ends the session server-side, so a replayed cookie is refused.
func (h *Auth) Logout(c echo.Context) error {
	if u := CurrentUser(c); u != nil {
		if err := h.store.RecordAudit(c.Request().Context(), actor(c, h.now), "退出登录", u.Username, ""); err != nil {
			return err
		}
	}
	if err := h.sessions.Logout(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// HomeOf is the landing page of a role.
func HomeOf(r models.Role) string {
	switch r {
	case models.RolePlatform:
		return "/platform"
	case models.RoleDistrict:
		return "/district"
	case models.RoleCity:
		return "/city"
	case models.RoleProvince:
		return "/province"
	case models.RoleAdmin:
		return "/admin/users"
	}
	return "/login"
}

// safeNext keeps only local paths, so the login form cannot redirect off-site.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.HasPrefix(next, "/\\") {
		return next
	}
	return ""
}
