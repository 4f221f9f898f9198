package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/account"
)

// AccountStore is what changing one's own password needs.
type AccountStore interface {
	ChangePassword(ctx context.Context, a store.Actor, keepSession, hash string) error
}

// Account lets users change their own password.
type Account struct {
	store    AccountStore
	sessions Sessions
	now      Clock
}

// NewAccount builds the account handlers.
func NewAccount(s AccountStore, sess Sessions, now Clock) *Account {
	return &Account{store: s, sessions: sess, now: now}
}

// PasswordForm shows the change-password form.
func (h *Account) PasswordForm(c echo.Context) error {
	u := CurrentUser(c)
	return Render(c, http.StatusOK, account.Password(account.PasswordPage{Forced: u.MustChangePassword, Reset: u.PasswordResetAt != nil}))
}

// ChangePassword checks the current password and the policy, then saves.
func (h *Account) ChangePassword(c echo.Context) error {
	u := CurrentUser(c)
	errs := components.FieldErrors{}
	current, next, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	if !models.CheckPassword(u.PasswordHash, current) {
		errs["current"] = "当前密码不正确"
	}
	if err := models.ValidatePassword(next); err != nil {
		errs["new"] = models.ErrorMessage(err)
	} else if next == current {
		errs["new"] = "新密码不能与当前密码相同"
	}
	if confirm != next {
		errs["confirm"] = "两次输入的新密码不一致"
	}
	if errs.Any() {
		return Render(c, http.StatusUnprocessableEntity, account.Password(account.PasswordPage{Forced: u.MustChangePassword, Reset: u.PasswordResetAt != nil, Errors: errs}))
	}
	hash, err := models.HashPassword(next)
	if err != nil {
		return err
	}
	if err := h.store.ChangePassword(c.Request().Context(), actor(c, h.now), h.sessions.ID(c), hash); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, HomeOf(u.Role), "密码已修改，其他设备上的登录已退出")
}
