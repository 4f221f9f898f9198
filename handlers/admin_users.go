package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/admin"
)

// AdminStore is what account administration needs of the store.
type AdminStore interface {
	ListUsers(ctx context.Context, f store.UserFilter, p models.Page) ([]models.User, int64, error)
	UserByID(ctx context.Context, id int64) (*models.User, error)
	CreateUser(ctx context.Context, a store.Actor, n store.NewUser) (*models.User, error)
	SetDisabled(ctx context.Context, a store.Actor, id int64, disabled bool) error
	ResetPassword(ctx context.Context, a store.Actor, id int64, hash string) error
	SetUserEmail(ctx context.Context, a store.Actor, userID int64, email string) error
	Divisions(ctx context.Context) ([]models.Division, error)
	AllInstitutions(ctx context.Context) ([]models.Institution, error)
	CustodyBanks(ctx context.Context) ([]models.CustodyBank, error)
	CustodyBank(ctx context.Context, id int64) (*models.CustodyBank, error)
	LockedClients(ctx context.Context, usernames []string, now time.Time) (map[string]int, error)
	UnlockUser(ctx context.Context, a store.Actor, id int64) (*models.User, error)
	PendingCalendarYears(ctx context.Context) ([]store.PendingYear, error)
}

// Admin manages accounts and shows the audit log.
type Admin struct {
	store    AdminStore
	sessions Sessions
	now      Clock
}

// NewAdmin builds the admin handlers.
func NewAdmin(s AdminStore, sess Sessions, now Clock) *Admin {
	return &Admin{store: s, sessions: sess, now: now}
}

// Users lists accounts with search, role and status filters.
func (h *Admin) Users(c echo.Context) error {
	ctx := c.Request().Context()
	f := store.UserFilter{Query: c.QueryParam("q"), Role: models.Role(c.QueryParam("role")), Status: c.QueryParam("status")}
	p := pageFrom(c)
	users, total, err := h.store.ListUsers(ctx, f, p)
	if err != nil {
		return err
	}
	names, err := h.scopeNames(ctx)
	if err != nil {
		return err
	}
	usernames := make([]string, len(users))
	for i, u := range users {
		usernames[i] = u.Username
	}
	locked, err := h.store.LockedClients(ctx, usernames, h.now())
	if err != nil {
		return err
	}
	pending, err := h.store.PendingCalendarYears(ctx)
	if err != nil {
		return err
	}
	page := admin.UsersPage{Viewer: CurrentUser(c).Role, Query: f.Query, Role: string(f.Role), Status: f.Status, Pager: pager(c, p, total), Pending: pendingNotices(pending)}
	for _, u := range users {
		scope := ""
		switch {
		case u.InstitutionID != nil:
			scope = names.institutions[*u.InstitutionID]
		case u.DivisionID != nil:
			scope = names.divisions[*u.DivisionID]
		}
		page.Rows = append(page.Rows, admin.UserRow{User: u, Scope: scope, LockedClients: locked[u.Username]})
	}
	return Render(c, http.StatusOK, admin.Users(page))
}

type scopeNames struct{ divisions, institutions map[int64]string }

func (h *Admin) scopeNames(ctx context.Context) (scopeNames, error) {
	n := scopeNames{map[int64]string{}, map[int64]string{}}
	ds, err := h.store.Divisions(ctx)
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.divisions[d.ID] = d.Name
	}
	is, err := h.store.AllInstitutions(ctx)
	for _, i := range is {
		n.institutions[i.ID] = i.Name
	}
	return n, err
}

// NewUser shows the empty account form.
func (h *Admin) NewUser(c echo.Context) error {
	return h.renderForm(c, http.StatusOK, admin.UserFormPage{})
}

func (h *Admin) renderForm(c echo.Context, status int, p admin.UserFormPage) error {
	ctx := c.Request().Context()
	ds, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	is, err := h.store.AllInstitutions(ctx)
	if err != nil {
		return err
	}
	p.Divisions = []components.Option{{Value: "", Label: "不适用"}}
	for _, d := range ds {
		p.Divisions = append(p.Divisions, components.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
	}
	p.Institutions = []components.Option{{Value: "", Label: "不适用"}}
	for _, i := range is {
		p.Institutions = append(p.Institutions, components.Option{Value: strconv.FormatInt(i.ID, 10), Label: i.Name})
	}
	bs, err := h.store.CustodyBanks(ctx)
	if err != nil {
		return err
	}
	p.Banks = []components.Option{{Value: "", Label: "不适用"}}
	for _, b := range bs {
		p.Banks = append(p.Banks, components.Option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
	}
	return Render(c, status, admin.UserForm(p))
}

// userForm is the new-account form as posted.
type userForm struct {
	Username      string `form:"username"`
	DisplayName   string `form:"display_name"`
	Role          string `form:"role"`
	InstitutionID string `form:"institution_id"`
	DivisionID    string `form:"division_id"`
	CustodyBankID string `form:"custody_bank_id"`
	Email         string `form:"email"`
	Password      string `form:"password" trim:"no"`
}

// input is the form as the account rules read it (models.ValidateAccount).
func (f userForm) input() models.AccountInput {
	inst, _ := strconv.ParseInt(f.InstitutionID, 10, 64)
	div, _ := strconv.ParseInt(f.DivisionID, 10, 64)
	bank, _ := strconv.ParseInt(f.CustodyBankID, 10, 64)
	return models.AccountInput{Username: f.Username, DisplayName: f.DisplayName, Role: models.Role(f.Role), InstitutionID: inst, DivisionID: div, CustodyBankID: bank}
}

// CreateUser validates the form and creates the account, which must change its
// password at first login.
func (h *Admin) CreateUser(c echo.Context) error {
	var f userForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	form := admin.UserFormPage{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role,
		InstitutionID: f.InstitutionID, DivisionID: f.DivisionID, CustodyBankID: f.CustodyBankID, Email: f.Email, Errors: components.FieldErrors{}}
	ctx := c.Request().Context()
	ds, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	in := f.input()
	for k, v := range models.ValidateAccount(in, ds) {
		form.Errors[k] = v
	}
	email, err := models.NormalizeEmail(f.Email)
	if err != nil {
		form.Errors["email"] = models.ErrorMessage(err)
	}
	if err := models.ValidatePassword(f.Password); err != nil {
		form.Errors["password"] = models.ErrorMessage(err)
	}
	if b := in.BankScope(); b != nil {
		if _, err := h.store.CustodyBank(ctx, *b); models.ErrorCode(err) == models.ENotFound {
			form.Errors["custody_bank_id"] = "所选存管银行不在名录中"
		} else if err != nil {
			return err
		}
	}
	if form.Errors.Any() {
		return h.renderForm(c, http.StatusUnprocessableEntity, form)
	}
	hash, err := models.HashPassword(f.Password)
	if err != nil {
		return err
	}
	n := store.NewUser{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, Email: email, PasswordHash: hash, MustChangePassword: true}
	n.InstitutionID, n.DivisionID = in.Scope()
	n.CustodyBankID = in.BankScope()
	if _, err := h.store.CreateUser(ctx, actor(c, h.now), n); err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			form.Errors["username"] = models.ErrorMessage(err)
			return h.renderForm(c, http.StatusUnprocessableEntity, form)
		}
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/users", "用户 "+form.Username+" 已创建，首次登录须修改密码")
}

// Disable ends the account's sessions at once.
func (h *Admin) Disable(c echo.Context) error { return h.setDisabled(c, true) }

// Enable re-enables an account.
func (h *Admin) Enable(c echo.Context) error { return h.setDisabled(c, false) }

func (h *Admin) setDisabled(c echo.Context, disabled bool) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.SetDisabled(c.Request().Context(), actor(c, h.now), id, disabled); err != nil {
		if models.ErrorCode(err) == models.EInvalid {
			_ = h.sessions.Flash(c, "error", models.ErrorMessage(err))
			return c.Redirect(http.StatusSeeOther, "/admin/users")
		}
		return err
	}
	msg := "用户已启用"
	if disabled {
		msg = "用户已停用，其登录会话已全部失效"
	}
	return redirectWithFlash(c, h.sessions, "/admin/users", msg)
}

// Unlock lifts the sign-in locks of the account from every client (issue 8 §2.5); the
// store records it in the audit log.
func (h *Admin) Unlock(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.store.UnlockUser(c.Request().Context(), actor(c, h.now), id)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/users", "已解除 "+u.Username+" 的登录锁定，失败计数已清零")
}

// ResetForm shows the password-reset form.
func (h *Admin) ResetForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := h.store.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, admin.Reset(admin.ResetPage{User: *u}))
}

// Reset sets a temporary password and forces a change at the next login.
func (h *Admin) Reset(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := h.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	if err := models.ValidatePassword(password); err != nil {
		return Render(c, http.StatusUnprocessableEntity, admin.Reset(admin.ResetPage{User: *u, Errors: components.FieldErrors{"password": models.ErrorMessage(err)}}))
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		return err
	}
	if err := h.store.ResetPassword(ctx, actor(c, h.now), id, hash); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/users", "已重置 "+u.Username+" 的密码，其会话已失效，下次登录须修改密码")
}
