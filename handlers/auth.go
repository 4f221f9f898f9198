package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/public"
)

// AuthStore is what sign-in needs of the store.
type AuthStore interface {
	UserByUsername(ctx context.Context, username string) (*models.User, error)
	RecordLogin(ctx context.Context, a store.Actor, username string, passwordOK bool) error
	LoginFailures(ctx context.Context, username string, now time.Time) (int, error)
}

// Pause waits d before a sign-in attempt is answered, or until ctx ends. The server waits
// on the wall clock; tests record the waits instead of sleeping.
type Pause func(ctx context.Context, d time.Duration)

// WallPause waits d on the wall clock, cut short when the request ends.
func WallPause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Auth signs users in and out.
type Auth struct {
	store    AuthStore
	sessions Sessions
	now      Clock
	pause    Pause
}

// NewAuth builds the sign-in handlers; pause is the per-username wait (nil: WallPause).
func NewAuth(s AuthStore, sess Sessions, now Clock, pause Pause) *Auth {
	if pause == nil {
		pause = WallPause
	}
	return &Auth{store: s, sessions: sess, now: now, pause: pause}
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
	if utf8.RuneCountInString(username) > models.MaxUsernameLen || !utf8.ValidString(username) || strings.ContainsRune(username, 0) {
		username = truncateRunes(strings.ToValidUTF8(strings.ReplaceAll(username, "\x00", ""), ""), models.MaxUsernameLen)
		return refuse(fmt.Sprintf("用户名不超过 %d 个字符，且不能含有控制字符", models.MaxUsernameLen))
	}
	if len(password) > models.MaxPasswordLen {
		return refuse(fmt.Sprintf("密码不超过 %d 个字符", models.MaxPasswordLen))
	}
	ctx := c.Request().Context()
	// Every attempt at this name waits for its recent failures from all clients, before
	// the password is looked at, whether or not the account exists (issue 8 §2.5).
	failures, err := h.store.LoginFailures(ctx, username, h.now())
	if err != nil {
		return err
	}
	h.pause(ctx, models.LoginDelay(failures))
	u, err := h.store.UserByUsername(ctx, username)
	if err != nil && models.ErrorCode(err) != models.ENotFound {
		return err
	}
	hash := ""
	if u != nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok := models.CheckPassword(hash, password) // compares even for unknown names, at the same cost (§2.4)
	if err := h.store.RecordLogin(ctx, store.Actor{User: nil, IP: clientAddr(c), Now: h.now()}, username, ok); err != nil {
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

// clientAddr is the client's address as the throttle keys it, bounded.
func clientAddr(c echo.Context) string {
	return truncateRunes(c.RealIP(), models.MaxClientLen)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// maxNextLen bounds the next parameter; a longer one is dropped.
const maxNextLen = 2000

// safeNext keeps only a local path (issue 8 §2.3), so the login form cannot redirect
// off-site: it must parse as a URL without scheme, host or user, start with exactly one
// "/", and contain no space, backslash or control character and no invalid UTF-8, neither as typed nor after
// percent-decoding (browsers treat "/\t/evil.com" and "/%2F/evil.com" like "//evil.com").
// Anything else gives "" and the user lands on the role's home.
func safeNext(next string) string {
	if next == "" || len(next) > maxNextLen {
		return ""
	}
	decoded, err := url.PathUnescape(next)
	if err != nil || !utf8.ValidString(decoded) {
		return ""
	}
	for _, s := range []string{next, decoded} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
			return ""
		}
		for i := 0; i < len(s); i++ {
			if b := s[i]; b < 0x21 || b == 0x7f || b == '\\' {
				return ""
			}
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return next
}
