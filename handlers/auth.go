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
	RecordAudit(ctx context.Context, a store.Actor, action, target, detail string) error
	LoginFailures(ctx context.Context, username string, now time.Time) (int, error)
	UserByID(ctx context.Context, id int64) (*models.User, error)
	RecordFirstFactor(ctx context.Context, a store.Actor, username string) error
	RecordSecondFactor(ctx context.Context, a store.Actor, username string, codeOK bool) error
	UseRecoveryCode(ctx context.Context, a store.Actor, userID int64, code string) (bool, int, error)
	UseTOTPCode(ctx context.Context, a store.Actor, userID int64, code string) (ok, replayed bool, err error)
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
	// The trail names the account tried: the user on success, the typed name otherwise.
	a := store.Actor{IP: clientAddr(c), Now: h.now(), Name: username}
	if ok {
		a.User = u
	}
	record := h.store.RecordLogin
	if ok && u.TOTPEnabled() {
		// the password was the first of two factors: the throttle still refuses a locked
		// name, and only the right code clears the failures (issue 14 §1.1)
		record = func(ctx context.Context, a store.Actor, username string, _ bool) error {
			return h.store.RecordFirstFactor(ctx, a, username)
		}
	}
	if err := record(ctx, a, username, ok); err != nil {
		switch models.ErrorCode(err) {
		case models.ELocked, models.EUnauthorized:
			return refuse(models.ErrorMessage(err))
		}
		return err
	}
	if u.TOTPEnabled() {
		if err := h.sessions.BeginSecondFactor(c, u.ID); err != nil {
			return err
		}
		to := "/login/totp"
		if next != "" {
			to += "?next=" + url.QueryEscape(next)
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	return h.signIn(c, u, next, "")
}

// signIn starts the signed-in session and sends the user on: first to a forced password
// change, else to next or the role's home (the middleware sends staff who must enrol a
// second factor on to /account/totp).
func (h *Auth) signIn(c echo.Context, u *models.User, next, flash string) error {
	if err := h.sessions.Login(c, u.ID); err != nil {
		return err
	}
	if flash != "" {
		if err := h.sessions.Flash(c, "info", flash); err != nil {
			return err
		}
	}
	if u.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/account/password")
	}
	if next != "" {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return c.Redirect(http.StatusSeeOther, HomeOf(u.Role))
}

// secondFactorUser is the account whose password was right in this browser within the
// last minutes, or nil (the step has expired or never began).
func (h *Auth) secondFactorUser(c echo.Context) (*models.User, error) {
	uid, ok := h.sessions.SecondFactor(c)
	if !ok {
		return nil, nil
	}
	u, err := h.store.UserByID(c.Request().Context(), uid)
	if err != nil {
		if models.ErrorCode(err) == models.ENotFound {
			return nil, nil
		}
		return nil, err
	}
	if u.Disabled || !u.TOTPEnabled() {
		return nil, nil
	}
	return u, nil
}

// TOTPForm is GET /login/totp: the second step of a sign-in with two factors.
func (h *Auth) TOTPForm(c echo.Context) error {
	u, err := h.secondFactorUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return Render(c, http.StatusOK, public.LoginTOTP(public.LoginTOTPPage{Username: u.Username, Next: safeNext(c.QueryParam("next"))}))
}

// totpForm is the second step's form.
type totpForm struct {
	Code string `form:"code"`
	Next string `form:"next"`
}

// TOTPLogin is POST /login/totp: a six-digit code of the authenticator, or one of the
// recovery codes, which then is spent. A wrong one counts as a failed sign-in, with the
// same growing delay and lock as a wrong password (issue 8 §2.5).
func (h *Auth) TOTPLogin(c echo.Context) error {
	var f totpForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Next = safeNext(f.Next)
	u, err := h.secondFactorUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		return Render(c, http.StatusUnauthorized, public.Login(public.LoginPage{Next: f.Next, Error: "登录已超时，请重新输入用户名和密码"}))
	}
	refuse := func(msg string) error {
		return Render(c, http.StatusUnauthorized, public.LoginTOTP(public.LoginTOTPPage{Username: u.Username, Next: f.Next, Error: msg}))
	}
	code := models.NormalizeCode(f.Code)
	if code == "" {
		return refuse("请输入动态口令或恢复码")
	}
	if len(code) > 32 {
		return refuse("动态口令为 6 位数字，恢复码为 10 位字母数字")
	}
	ctx := c.Request().Context()
	failures, err := h.store.LoginFailures(ctx, u.Username, h.now())
	if err != nil {
		return err
	}
	h.pause(ctx, models.LoginDelay(failures))
	a := store.Actor{IP: clientAddr(c), Now: h.now(), Name: u.Username, User: u}
	ok, recovery, replayed := false, false, false
	if models.LooksLikeRecoveryCode(code) {
		recovery = true
		if ok, _, err = h.store.UseRecoveryCode(ctx, a, u.ID, code); err != nil {
			return err
		}
	} else if ok, replayed, err = h.store.UseTOTPCode(ctx, a, u.ID, code); err != nil {
		return err
	}
	if !ok {
		a.User = nil
	}
	if err := h.store.RecordSecondFactor(ctx, a, u.Username, ok); err != nil {
		switch code := models.ErrorCode(err); {
		case code == models.EUnauthorized && replayed:
			return refuse("该动态口令已使用过，同一口令只能登录一次。请等待验证器显示下一个口令后再输入。")
		case code == models.ELocked, code == models.EUnauthorized:
			return refuse(models.ErrorMessage(err))
		}
		return err
	}
	flash := ""
	if recovery {
		flash = "您已使用一个恢复码登录，该恢复码已作废。如手机遗失，请在“我的账户”中重新绑定动态口令。"
	}
	return h.signIn(c, u, f.Next, flash)
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
	case models.RoleSysAdmin, models.RoleSecAdmin:
		return "/admin/users"
	case models.RoleAuditAdmin:
		return "/admin/audit"
	case models.RoleBank:
		return "/bank"
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
