package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// NewUser is what an admin fills in to create an account.
type NewUser struct {
	Username           string
	DisplayName        string
	PasswordHash       string
	Role               models.Role
	InstitutionID      *int64
	DivisionID         *int64
	CustodyBankID      *int64 // a custody bank's user (RoleBank)
	MustChangePassword bool
	Email              string // normalized by models.NormalizeEmail; empty: no mail
}

// CreateUser adds an account and records who created it.
func (s *Store) CreateUser(ctx context.Context, a Actor, n NewUser) (*models.User, error) {
	u := &models.User{Username: n.Username, DisplayName: n.DisplayName, PasswordHash: n.PasswordHash,
		Role: n.Role, InstitutionID: n.InstitutionID, DivisionID: n.DivisionID, CustodyBankID: n.CustodyBankID,
		MustChangePassword: n.MustChangePassword, PasswordChangedAt: a.Now, Email: n.Email, MailEnabled: true, CreatedAt: a.Now, UpdatedAt: a.Now}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.Errorf(models.EInvalid, "用户名“%s”已被使用", n.Username)
			}
			return err
		}
		if err := recordPassword(tx, u.ID, u.PasswordHash, a.Now); err != nil {
			return err
		}
		return audit(tx, a, "创建用户", u.Username, fmt.Sprintf("角色：%s", u.Role.Label()))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByID loads an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, "用户")
	}
	return &u, nil
}

// UserByUsername loads an account by its login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (*models.User, error) {
	var u models.User
	if err := s.db.WithContext(ctx).Where("username = ?", username).First(&u).Error; err != nil {
		return nil, notFound(err, "用户")
	}
	return &u, nil
}

// UserFilter narrows the user list.
type UserFilter struct {
	Query  string
	Role   models.Role
	Status string // "", "active", "disabled"
}

// ListUsers returns a page of accounts matching f.
func (s *Store) ListUsers(ctx context.Context, f UserFilter, p models.Page) ([]models.User, int64, error) {
	p = p.Normalize()
	q := s.db.WithContext(ctx).Model(&models.User{})
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("username ILIKE ? OR display_name ILIKE ?", like, like)
	}
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	switch f.Status {
	case "active":
		q = q.Where("NOT disabled")
	case "disabled":
		q = q.Where("disabled")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []models.User
	err := q.Order("id").Limit(p.Size).Offset(p.Offset()).Find(&rows).Error
	return rows, total, err
}

// lockUser loads a user row FOR UPDATE inside tx.
func lockUser(tx *gorm.DB, id int64) (*models.User, error) {
	var u models.User
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, id).Error; err != nil {
		return nil, notFound(err, "用户")
	}
	return &u, nil
}

// SetDisabled disables or re-enables an account. Disabling ends its live sessions at once.
func (s *Store) SetDisabled(ctx context.Context, a Actor, id int64, disabled bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, id)
		if err != nil {
			return err
		}
		if a.User != nil && a.User.ID == id && disabled {
			return models.Errorf(models.EInvalid, "不能停用自己的账户")
		}
		if err := tx.Model(u).Updates(map[string]any{"disabled": disabled, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		action := "启用用户"
		if disabled {
			action = "停用用户"
			if err := tx.Where("user_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, action, u.Username, "")
	})
}

// ResetPassword sets a temporary password that must be changed at the next login and
// ends the account's sessions.
func (s *Store) ResetPassword(ctx context.Context, a Actor, id int64, hash string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Model(u).Updates(map[string]any{"password_hash": hash, "must_change_password": true, "password_reset_at": a.Now, "password_changed_at": a.Now, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		if err := recordPassword(tx, u.ID, hash, a.Now); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("username = ?", u.Username).Delete(&throttleRow{}).Error; err != nil {
			return err
		}
		return audit(tx, a, "重置密码", u.Username, "下次登录须修改密码")
	})
}

// ChangePassword stores the user's own new password and ends their other sessions.
func (s *Store) ChangePassword(ctx context.Context, a Actor, keepSession string, hash string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, a.User.ID)
		if err != nil {
			return err
		}
		if err := tx.Model(u).Updates(map[string]any{"password_hash": hash, "must_change_password": false, "password_reset_at": nil, "password_changed_at": a.Now, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		if err := recordPassword(tx, u.ID, hash, a.Now); err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND id <> ?", u.ID, keepSession).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return audit(tx, a, "修改密码", u.Username, "")
	})
}
