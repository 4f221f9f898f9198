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

// MailStore is what the mail setting needs.
type MailStore interface {
	SetMailEnabled(ctx context.Context, a store.Actor, userID int64, enabled bool) error
}

// AccountMail is the user's own mail setting on /account.
type AccountMail struct {
	store    MailStore
	sessions Sessions
	now      Clock
}

// NewAccountMail builds the account page's handlers.
func NewAccountMail(s MailStore, sess Sessions, now Clock) *AccountMail {
	return &AccountMail{store: s, sessions: sess, now: now}
}

// Settings shows the account page.
func (h *AccountMail) Settings(c echo.Context) error {
	u := CurrentUser(c)
	return Render(c, http.StatusOK, account.Settings(account.SettingsPage{Email: u.Email, MailEnabled: u.MailEnabled}))
}

// SetMail turns mail on (enabled=1) or off (enabled=0); anything else is refused.
func (h *AccountMail) SetMail(c echo.Context) error {
	u := CurrentUser(c)
	var on bool
	switch c.FormValue("enabled") {
	case "1":
		on = true
	case "0":
	default:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "请选择开启或关闭邮件通知")
	}
	if err := h.store.SetMailEnabled(c.Request().Context(), actor(c, h.now), u.ID, on); err != nil {
		return err
	}
	msg := "已关闭邮件通知，消息仍会在「消息」中显示"
	if on {
		msg = "已开启邮件通知"
	}
	return redirectWithFlash(c, h.sessions, "/account", msg)
}
