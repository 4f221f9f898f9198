package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/account"
)

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
		return models.Errorf(models.EInvalid, "请选择开启或关闭邮件通知")
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
