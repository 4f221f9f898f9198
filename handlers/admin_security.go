package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/admin"
)

// SecurityStore is what the security administrator's pages need (三员分立, issue 14 §1.2).
type SecurityStore interface {
	UserByID(ctx context.Context, id int64) (*models.User, error)
	Divisions(ctx context.Context) ([]models.Division, error)
	AllInstitutions(ctx context.Context) ([]models.Institution, error)
	ChangeRole(ctx context.Context, a store.Actor, id int64, role models.Role, inst, div *int64) (*models.User, error)
	ResetTOTP(ctx context.Context, a store.Actor, id int64) (*models.User, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	UserSessions(ctx context.Context, userID int64, now time.Time) ([]store.SessionInfo, error)
	EndSession(ctx context.Context, a store.Actor, userID int64, ref string) error
	EndUserSessions(ctx context.Context, a store.Actor, id int64) (*models.User, int64, error)
	SecurityPolicy(ctx context.Context) (models.PasswordPolicy, error)
	SetSecurityPolicy(ctx context.Context, a store.Actor, p models.PasswordPolicy) error
}

// Security is the security administrator's side: the policy, roles, second factors
// and sessions of every account.
type Security struct {
	store      SecurityStore
	sessions   Sessions
	now        Clock
	production bool
}

// NewSecurity builds the security administrator's handlers.
func NewSecurity(s SecurityStore, sess Sessions, now Clock, production bool) *Security {
	return &Security{store: s, sessions: sess, now: now, production: production}
}

// Policy is GET /admin/security.
func (h *Security) Policy(c echo.Context) error {
	p, err := h.store.SecurityPolicy(c.Request().Context())
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, admin.Security(admin.SecurityPage{MaxAgeDays: strconv.Itoa(p.MaxAgeDays),
		WarnDays: strconv.Itoa(p.WarnDays), StaffTOTPRequired: p.StaffTOTPRequired, Production: h.production}))
}

// policyForm is the policy as posted.
type policyForm struct {
	MaxAgeDays        string `form:"max_age_days"`
	WarnDays          string `form:"warn_days"`
	StaffTOTPRequired string `form:"staff_totp_required"` // a checkbox: any value is ticked
}

// SetPolicy is POST /admin/security.
func (h *Security) SetPolicy(c echo.Context) error {
	var f policyForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	required := f.StaffTOTPRequired != ""
	page := admin.SecurityPage{MaxAgeDays: f.MaxAgeDays, WarnDays: f.WarnDays, StaffTOTPRequired: required,
		Production: h.production, Errors: components.FieldErrors{}}
	p := models.PasswordPolicy{StaffTOTPRequired: required}
	var err error
	if p.MaxAgeDays, err = strconv.Atoi(f.MaxAgeDays); err != nil {
		page.Errors["max_age_days"] = "请填写天数（整数）"
	}
	if p.WarnDays, err = strconv.Atoi(f.WarnDays); err != nil {
		page.Errors["warn_days"] = "请填写天数（整数）"
	}
	if !page.Errors.Any() {
		for k, v := range p.Validate() {
			page.Errors[k] = v
		}
	}
	if page.Errors.Any() {
		return Render(c, http.StatusUnprocessableEntity, admin.Security(page))
	}
	if err := h.store.SetSecurityPolicy(c.Request().Context(), actor(c, h.now), p); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/security", "安全策略已保存")
}

func (h *Security) target(c echo.Context) (*models.User, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	return h.store.UserByID(c.Request().Context(), id)
}

// UserSecurity is GET /admin/users/:id/security.
func (h *Security) UserSecurity(c echo.Context) error {
	u, err := h.target(c)
	if err != nil {
		return err
	}
	p := admin.UserSecurityPage{Role: string(u.Role)}
	if u.InstitutionID != nil {
		p.InstitutionID = strconv.FormatInt(*u.InstitutionID, 10)
	}
	if u.DivisionID != nil {
		p.DivisionID = strconv.FormatInt(*u.DivisionID, 10)
	}
	return h.render(c, http.StatusOK, u, p)
}

func (h *Security) render(c echo.Context, status int, u *models.User, p admin.UserSecurityPage) error {
	ctx := c.Request().Context()
	p.User = *u
	var err error
	if p.Divisions, p.Institutions, err = scopeOptions(ctx, h.store); err != nil {
		return err
	}
	if p.RecoveryLeft, err = h.store.RecoveryCodesLeft(ctx, u.ID); err != nil {
		return err
	}
	ss, err := h.store.UserSessions(ctx, u.ID, h.now())
	if err != nil {
		return err
	}
	p.Sessions = SessionRows(ss, store.SessionRef(h.sessions.ID(c)))
	return Render(c, status, admin.UserSecurity(p))
}

// scopeOptions are the division and institution choices of an account form.
func scopeOptions(ctx context.Context, s interface {
	Divisions(ctx context.Context) ([]models.Division, error)
	AllInstitutions(ctx context.Context) ([]models.Institution, error)
}) (divs, insts []components.Option, err error) {
	ds, err := s.Divisions(ctx)
	if err != nil {
		return nil, nil, err
	}
	is, err := s.AllInstitutions(ctx)
	if err != nil {
		return nil, nil, err
	}
	divs = []components.Option{{Value: "", Label: "不适用"}}
	for _, d := range ds {
		divs = append(divs, components.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	insts = []components.Option{{Value: "", Label: "不适用"}}
	for _, i := range is {
		insts = append(insts, components.Option{Value: strconv.FormatInt(i.ID, 10), Label: i.Name})
	}
	return divs, insts, nil
}

// ChangeRole is POST /admin/users/:id/role: the role and the scope it takes, checked by
// the same account rules as a new account.
func (h *Security) ChangeRole(c echo.Context) error {
	u, err := h.target(c)
	if err != nil {
		return err
	}
	var f userForm // only the role and its scope are read; the rest is the account's own
	if err := bindForm(c, &f); err != nil {
		return err
	}
	f.Username, f.DisplayName = u.Username, u.DisplayName
	p := admin.UserSecurityPage{Role: f.Role, InstitutionID: f.InstitutionID, DivisionID: f.DivisionID, Errors: components.FieldErrors{}}
	ds, err := h.store.Divisions(c.Request().Context())
	if err != nil {
		return err
	}
	in := f.input()
	for k, v := range models.ValidateAccount(in, ds) {
		p.Errors[k] = v
	}
	if in.Role == models.RoleBank { // a bank user is bound to its bank when it is created
		p.Errors = components.FieldErrors{"role": "存管银行账户须由系统管理员新建并选择所属银行，不能由其他角色改为存管银行"}
	}
	if p.Errors.Any() {
		return h.render(c, http.StatusUnprocessableEntity, u, p)
	}
	inst, div := in.Scope()
	if _, err := h.store.ChangeRole(c.Request().Context(), actor(c, h.now), u.ID, in.Role, inst, div); err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			p.Errors["role"] = models.ErrorMessage(err)
			return h.render(c, http.StatusUnprocessableEntity, u, p)
		}
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.AdminUserSecurity(u.ID), "已将 "+u.Username+" 的角色改为"+in.Role.Label()+"，其会话已失效")
}

// ResetTOTP is POST /admin/users/:id/totp-reset.
func (h *Security) ResetTOTP(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.store.ResetTOTP(c.Request().Context(), actor(c, h.now), id)
	if err != nil {
		if models.ErrorCode(err) == models.EConflict {
			return redirectWithFlash(c, h.sessions, urls.AdminUserSecurity(id), models.ErrorMessage(err))
		}
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.AdminUserSecurity(id), "已重置 "+u.Username+" 的动态口令，已通知本人")
}

// EndSessions is POST /admin/users/:id/sessions/end: every session of the account.
func (h *Security) EndSessions(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, n, err := h.store.EndUserSessions(c.Request().Context(), actor(c, h.now), id)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.AdminUserSecurity(id), "已结束 "+u.Username+" 的 "+strconv.FormatInt(n, 10)+" 个会话")
}

// EndSession is POST /admin/users/:id/sessions/:ref/end: one session of the account.
func (h *Security) EndSession(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.EndSession(c.Request().Context(), actor(c, h.now), id, c.Param("ref")); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.AdminUserSecurity(id), "该会话已结束")
}
