package handlers

import (
	"context"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/account"
)

// AccountStore is what a user's own account pages need: the password, two-factor
// sign-in and the sessions (issue 14 §1).
type AccountStore interface {
	ChangePassword(ctx context.Context, a store.Actor, keepSession, hash string) error
	RecentPasswordHashes(ctx context.Context, userID int64) ([]string, error)
	SecurityPolicy(ctx context.Context) (models.PasswordPolicy, error)
	SetPendingTOTP(ctx context.Context, a store.Actor, secret string) error
	EnableTOTP(ctx context.Context, a store.Actor, secret string, recoveryHashes []string) error
	DisableTOTP(ctx context.Context, a store.Actor) error
	ReplaceRecoveryCodes(ctx context.Context, a store.Actor, hashes []string) error
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]store.SessionInfo, error)
	EndSession(ctx context.Context, a store.Actor, userID int64, ref string) error
}

// Account lets users manage their own password, second factor and sessions.
type Account struct {
	store      AccountStore
	sessions   Sessions
	now        Clock
	production bool
}

// NewAccount builds the account handlers; production makes two-factor sign-in required
// for officers and administrators (models.TOTPRequired).
func NewAccount(s AccountStore, sess Sessions, now Clock, production bool) *Account {
	return &Account{store: s, sessions: sess, now: now, production: production}
}

// Show is GET /account.
func (h *Account) Show(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	policy, err := h.store.SecurityPolicy(ctx)
	if err != nil {
		return err
	}
	p := account.AccountPage{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role.Label(),
		PasswordChanged: models.DateTimeCN(u.PasswordChangedAt), TOTPOn: u.TOTPEnabled(),
		TOTPRequired: models.TOTPRequired(u.Role, policy, h.production), WarnDays: policy.WarnDays,
		Mail: account.SettingsPage{Email: u.Email, MailEnabled: u.MailEnabled}}
	if age := policy.AgeOf(u.PasswordChangedAt, h.now()); !age.ExpiresAt.IsZero() {
		p.PasswordExpires = models.DateTimeCN(age.ExpiresAt)
	}
	if u.TOTPEnabled() {
		p.TOTPSince = models.DateTimeCN(*u.TOTPEnabledAt)
		if p.RecoveryLeft, err = h.store.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return err
		}
	}
	sessions, err := h.store.UserSessions(ctx, u.ID, h.now())
	if err != nil {
		return err
	}
	p.Sessions = SessionRows(sessions, store.SessionRef(h.sessions.ID(c)))
	return Render(c, http.StatusOK, account.Account(p))
}

// SessionRows turns sessions into table rows; current is the reference of the viewer's own.
func SessionRows(ss []store.SessionInfo, current string) []account.SessionRow {
	out := make([]account.SessionRow, 0, len(ss))
	for _, s := range ss {
		addr := s.ClientIP
		if addr == "" {
			addr = "—"
		}
		out = append(out, account.SessionRow{Ref: s.Ref, Device: models.DeviceLabel(s.UserAgent), Address: addr,
			SignedIn: models.DateTimeCN(s.CreatedAt), LastSeen: models.DateTimeCN(s.LastSeenAt), Current: s.Ref == current})
	}
	return out
}

// EndSession is POST /account/sessions/:ref/end: the user signs one of their other
// devices out.
func (h *Account) EndSession(c echo.Context) error {
	u := CurrentUser(c)
	ref := c.Param("ref")
	if ref == store.SessionRef(h.sessions.ID(c)) {
		return redirectWithFlash(c, h.sessions, "/account", "这是您当前使用的会话，请使用“退出登录”")
	}
	if err := h.store.EndSession(c.Request().Context(), actor(c, h.now), u.ID, ref); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/account", "该会话已结束，对应设备须重新登录")
}

func (h *Account) passwordPage(c echo.Context, errs components.FieldErrors) (account.PasswordPage, error) {
	u := CurrentUser(c)
	policy, err := h.store.SecurityPolicy(c.Request().Context())
	if err != nil {
		return account.PasswordPage{}, err
	}
	return account.PasswordPage{Forced: u.MustChangePassword, Reset: u.PasswordResetAt != nil,
		Expired: policy.AgeOf(u.PasswordChangedAt, h.now()).Expired, MaxAge: policy.MaxAgeDays, Errors: errs}, nil
}

// PasswordForm shows the change-password form.
func (h *Account) PasswordForm(c echo.Context) error {
	p, err := h.passwordPage(c, nil)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, account.Password(p))
}

// passwordForm is the change-password form.
type passwordForm struct {
	Current string `form:"current" trim:"no"`
	New     string `form:"new" trim:"no"`
	Confirm string `form:"confirm" trim:"no"`
}

// ChangePassword checks the current password, the policy and the last five passwords
// (issue 14 §1.3), then saves.
func (h *Account) ChangePassword(c echo.Context) error {
	u := CurrentUser(c)
	var f passwordForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	errs := components.FieldErrors{}
	if !models.CheckPassword(u.PasswordHash, f.Current) {
		errs["current"] = "当前密码不正确"
	}
	if err := models.ValidatePassword(f.New); err != nil {
		errs["new"] = models.ErrorMessage(err)
	} else if f.New == f.Current {
		errs["new"] = "新密码不能与当前密码相同"
	} else {
		recent, err := h.store.RecentPasswordHashes(c.Request().Context(), u.ID)
		if err != nil {
			return err
		}
		// the history holds every password set since migration 00081, the current one first
		if models.ReusesPassword(recent, f.New) {
			errs["new"] = "新密码不能与最近 5 次使用过的密码相同"
		}
	}
	if f.Confirm != f.New {
		errs["confirm"] = "两次输入的新密码不一致"
	}
	if errs.Any() {
		p, err := h.passwordPage(c, errs)
		if err != nil {
			return err
		}
		return Render(c, http.StatusUnprocessableEntity, account.Password(p))
	}
	hash, err := models.HashPassword(f.New)
	if err != nil {
		return err
	}
	if err := h.store.ChangePassword(c.Request().Context(), actor(c, h.now), h.sessions.ID(c), hash); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, HomeOf(u.Role), "密码已修改，其他设备上的登录已退出")
}

// TOTPForm is GET /account/totp: the enrolment page with a new secret (kept pending
// until its first code is confirmed), or the state when it is on already.
func (h *Account) TOTPForm(c echo.Context) error {
	u := CurrentUser(c)
	if u.TOTPEnabled() {
		return Render(c, http.StatusOK, account.TOTP(account.TOTPPage{Enabled: true}))
	}
	secret := u.TOTPPending
	if secret == "" {
		var err error
		if secret, err = models.NewTOTPSecret(nil); err != nil {
			return err
		}
		if err := h.store.SetPendingTOTP(c.Request().Context(), actor(c, h.now), secret); err != nil {
			return err
		}
	}
	return h.renderEnrol(c, http.StatusOK, secret, nil)
}

func (h *Account) renderEnrol(c echo.Context, status int, secret string, errs components.FieldErrors) error {
	u := CurrentUser(c)
	png, err := qrcode.Encode(models.TOTPURL(secret, u.Username), qrcode.Medium, 240)
	if err != nil {
		return err
	}
	policy, err := h.store.SecurityPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, status, account.TOTP(account.TOTPPage{
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), Secret: models.GroupSecret(secret),
		RawSecret: secret, Account: u.Username, Required: models.TOTPRequired(u.Role, policy, h.production), Errors: errs}))
}

// totpEnrolForm confirms the enrolment with the first code.
type totpEnrolForm struct {
	Secret string `form:"secret"`
	Code   string `form:"code"`
}

// EnrolTOTP is POST /account/totp: the first code must match the pending secret; then
// two-factor sign-in is on and the ten recovery codes are shown, once.
func (h *Account) EnrolTOTP(c echo.Context) error {
	u := CurrentUser(c)
	if u.TOTPEnabled() {
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	var f totpEnrolForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	if u.TOTPPending == "" {
		return c.Redirect(http.StatusSeeOther, "/account/totp")
	}
	if f.Secret != u.TOTPPending {
		return h.renderEnrol(c, http.StatusConflict, u.TOTPPending, components.FieldErrors{"code": "绑定信息已变化（可能在其他窗口重新打开过本页），请重新扫描下方二维码"})
	}
	if !models.CheckTOTP(u.TOTPPending, f.Code, h.now()) {
		return h.renderEnrol(c, http.StatusUnprocessableEntity, u.TOTPPending, components.FieldErrors{"code": "动态口令不正确，请确认手机时间准确后输入当前显示的 6 位数字"})
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return err
	}
	if err := h.store.EnableTOTP(c.Request().Context(), actor(c, h.now), u.TOTPPending, hashes); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, http.StatusOK, account.TOTP(account.TOTPPage{Enabled: true, RecoveryCodes: codes}))
}

// DisableTOTP is POST /account/totp/disable, refused where the policy requires it.
func (h *Account) DisableTOTP(c echo.Context) error {
	u := CurrentUser(c)
	policy, err := h.store.SecurityPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	if models.TOTPRequired(u.Role, policy, h.production) {
		return models.Errorf(models.EForbidden, "按照安全策略，您的账户须使用双因素认证，不能停用")
	}
	if !u.TOTPEnabled() {
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	if err := h.store.DisableTOTP(c.Request().Context(), actor(c, h.now)); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/account", "双因素认证已停用")
}

// newRecoveryCodes are ten fresh codes and their salted hashes.
func newRecoveryCodes() (codes, hashes []string, err error) {
	if codes, err = models.NewRecoveryCodes(nil); err != nil {
		return nil, nil, err
	}
	hashes = make([]string, len(codes))
	for i, code := range codes {
		if hashes[i], err = models.HashRecoveryCode(code, nil); err != nil {
			return nil, nil, err
		}
	}
	return codes, hashes, nil
}

// NewRecoveryCodes is POST /account/totp/recovery: ten new codes, shown once; the old
// ones stop working.
func (h *Account) NewRecoveryCodes(c echo.Context) error {
	if !CurrentUser(c).TOTPEnabled() {
		return c.Redirect(http.StatusSeeOther, "/account/totp")
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return err
	}
	if err := h.store.ReplaceRecoveryCodes(c.Request().Context(), actor(c, h.now), hashes); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, http.StatusOK, account.TOTP(account.TOTPPage{Enabled: true, Renewed: true, RecoveryCodes: codes}))
}
