package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// Identity at 等保 level 3 (GB/T 22239-2019 §8.1.4.1, issue 14 §1): the security
// policy, two-factor enrolment and reset, recovery codes, password history, sessions.

type policyRow struct {
	ID                 int
	PasswordMaxAgeDays int
	PasswordWarnDays   int
	StaffTOTPRequired  bool `gorm:"column:staff_totp_required"`
	UpdatedAt          time.Time
}

func (policyRow) TableName() string { return "security_policy" }

// SecurityPolicy is the password and 2FA policy in force.
func (s *Store) SecurityPolicy(ctx context.Context) (models.PasswordPolicy, error) {
	var r policyRow
	if err := s.db.WithContext(ctx).First(&r, 1).Error; err != nil {
		return models.DefaultPasswordPolicy, err
	}
	return models.PasswordPolicy{MaxAgeDays: r.PasswordMaxAgeDays, WarnDays: r.PasswordWarnDays, StaffTOTPRequired: r.StaffTOTPRequired}, nil
}

// SetSecurityPolicy stores the policy the security administrator set, with its audit row.
func (s *Store) SetSecurityPolicy(ctx context.Context, a Actor, p models.PasswordPolicy) error {
	if errs := p.Validate(); len(errs) > 0 {
		for _, msg := range errs {
			return models.Errorf(models.EInvalid, "%s", msg)
		}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		r := policyRow{ID: 1, PasswordMaxAgeDays: p.MaxAgeDays, PasswordWarnDays: p.WarnDays, StaffTOTPRequired: p.StaffTOTPRequired, UpdatedAt: a.Now}
		if err := tx.Save(&r).Error; err != nil {
			return err
		}
		req := "否"
		if p.StaffTOTPRequired {
			req = "是"
		}
		return audit(tx, a, "修改安全策略", "安全策略", fmt.Sprintf("密码有效期 %d 天，提前 %d 天提醒，工作人员须启用双因素认证：%s", p.MaxAgeDays, p.WarnDays, req))
	})
}

type passwordHistoryRow struct {
	ID        int64
	UserID    int64
	Hash      string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (passwordHistoryRow) TableName() string { return "password_history" }

// recordPassword keeps the new hash in the account's history, in the caller's transaction.
func recordPassword(tx *gorm.DB, userID int64, hash string, now time.Time) error {
	return tx.Create(&passwordHistoryRow{UserID: userID, Hash: hash, CreatedAt: now}).Error
}

// RecentPasswordHashes are the hashes of the account's latest passwords, newest first,
// at most models.PasswordHistoryDepth of them.
func (s *Store) RecentPasswordHashes(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Model(&passwordHistoryRow{}).Where("user_id = ?", userID).
		Order("id DESC").Limit(models.PasswordHistoryDepth).Pluck("hash", &out).Error
	return out, err
}

type recoveryCodeRow struct {
	ID     int64
	UserID int64
	Hash   string
	UsedAt *time.Time
}

func (recoveryCodeRow) TableName() string { return "recovery_codes" }

// SetPendingTOTP keeps the secret the enrolment page shows until its first code is confirmed.
func (s *Store) SetPendingTOTP(ctx context.Context, a Actor, secret string) error {
	return s.db.WithContext(ctx).Model(&models.User{}).Where("id = ?", a.User.ID).
		Update("totp_pending", secret).Error
}

// EnableTOTP turns two-factor sign-in on with the pending secret, whose first code the
// caller has checked, and replaces the recovery codes by the given hashes.
func (s *Store) EnableTOTP(ctx context.Context, a Actor, secret string, recoveryHashes []string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, a.User.ID)
		if err != nil {
			return err
		}
		if u.TOTPPending == "" || u.TOTPPending != secret {
			return models.Errorf(models.EConflict, "绑定信息已变化，请重新扫描二维码")
		}
		if err := tx.Model(u).Updates(map[string]any{"totp_secret": secret, "totp_pending": nil, "totp_enabled_at": a.Now, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&recoveryCodeRow{}).Error; err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if err := tx.Create(&recoveryCodeRow{UserID: u.ID, Hash: h}).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, "启用双因素认证", u.Username, fmt.Sprintf("生成 %d 个恢复码", len(recoveryHashes)))
	})
}

// ReplaceRecoveryCodes gives the account new recovery codes (the given hashes); the old
// ones, used or not, stop working.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, a Actor, hashes []string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, a.User.ID)
		if err != nil {
			return err
		}
		if !u.TOTPEnabled() {
			return models.Errorf(models.EConflict, "尚未启用双因素认证")
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&recoveryCodeRow{}).Error; err != nil {
			return err
		}
		for _, h := range hashes {
			if err := tx.Create(&recoveryCodeRow{UserID: u.ID, Hash: h}).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, "重新生成恢复码", u.Username, fmt.Sprintf("生成 %d 个恢复码，原恢复码作废", len(hashes)))
	})
}

// UseRecoveryCode spends one unused recovery code of the account that matches code; it
// reports whether one did and how many remain. A used code never matches again.
func (s *Store) UseRecoveryCode(ctx context.Context, a Actor, userID int64, code string) (ok bool, left int, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var rows []recoveryCodeRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("user_id = ? AND used_at IS NULL", userID).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		left = len(rows)
		for _, r := range rows {
			if models.CheckRecoveryCode(r.Hash, code) {
				ok = true
				left--
				if err := tx.Model(&r).Update("used_at", a.Now).Error; err != nil {
					return err
				}
				return audit(tx, a, "使用恢复码登录", a.name(), fmt.Sprintf("剩余 %d 个恢复码", left))
			}
		}
		return nil
	})
	return ok, left, err
}

// UseTOTPCode checks a one-time code against the account's secret and spends its time
// step under the user's row lock, so a code is accepted once even when two sign-ins race
// with it (models.TOTPFresh). replayed is a right code whose step was already spent; the
// replay is written to the audit trail.
func (s *Store) UseTOTPCode(ctx context.Context, a Actor, userID int64, code string) (ok, replayed bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, userID)
		if err != nil {
			return err
		}
		step, valid := models.TOTPStep(u.TOTPSecret, code, a.Now)
		switch {
		case !valid:
			return nil
		case !models.TOTPFresh(step, u.TOTPLastStep):
			replayed = true
			return audit(tx, a, "动态口令重复使用被拒", u.Username, "同一口令只能登录一次")
		}
		ok = true
		return tx.Model(&models.User{}).Where("id = ?", u.ID).Update("totp_last_step", step).Error
	})
	return ok, replayed, err
}

// RecoveryCodesLeft counts the account's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&recoveryCodeRow{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	return int(n), err
}

// DisableTOTP is the user turning their own second factor off, where no policy requires it.
func (s *Store) DisableTOTP(ctx context.Context, a Actor) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		u, err := lockUser(tx, a.User.ID)
		if err != nil {
			return err
		}
		if err := clearTOTP(tx, u, a.Now); err != nil {
			return err
		}
		return audit(tx, a, "停用双因素认证", u.Username, "本人操作")
	})
}

func clearTOTP(tx *gorm.DB, u *models.User, now time.Time) error {
	if err := tx.Model(u).Updates(map[string]any{"totp_secret": nil, "totp_pending": nil, "totp_enabled_at": nil, "updated_at": now}).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ?", u.ID).Delete(&recoveryCodeRow{}).Error
}

// ResetTOTP is the security administrator clearing an account's second factor, e.g. a
// lost phone: the recovery codes go too, the account's sessions end, and the user is
// told in their inbox. The account enrols again at its next sign-in where 2FA is required.
func (s *Store) ResetTOTP(ctx context.Context, a Actor, id int64) (*models.User, error) {
	var u *models.User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = lockUser(tx, id); err != nil {
			return err
		}
		if !u.TOTPEnabled() && u.TOTPPending == "" {
			return models.Errorf(models.EConflict, "用户 %s 未启用双因素认证", u.Username)
		}
		if err := clearTOTP(tx, u, a.Now); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		n := Notification{UserID: id, At: a.Now, Kind: models.NotifySecurity, Title: "您的双因素认证已被安全管理员重置",
			Body: fmt.Sprintf("安全管理员 %s 于 %s 重置了您的动态口令绑定，原恢复码全部作废。如非您本人申请，请立即联系安全管理员。", a.name(), a.Now.In(models.ChinaTime).Format("2006-01-02 15:04")),
			Link: "/account/totp"}
		if err := tx.Create(&n).Error; err != nil {
			return err
		}
		return audit(tx, a, "重置双因素认证", u.Username, "恢复码作废，会话已结束，已通知本人")
	})
	return u, err
}

// SessionInfo is one live session as its user (or the security administrator) sees it.
type SessionInfo struct {
	Ref        string // a digest of the id: the id itself never leaves the cookie
	UserID     int64
	UserAgent  string
	ClientIP   string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// SessionRef is the public reference of a session id.
func SessionRef(id string) string {
	sum := sha256.Sum256([]byte("session-ref:" + id))
	return hex.EncodeToString(sum[:12])
}

// UserSessions lists the account's live sessions at now, most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]SessionInfo, error) {
	var rows []sessionRow
	err := s.db.WithContext(ctx).Where("user_id = ? AND last_seen_at >= ? AND created_at >= ?", userID,
		now.Add(-models.SessionIdleTimeout), now.Add(-models.SessionMaxLifetime)).Order("last_seen_at DESC, id").Find(&rows).Error
	out := make([]SessionInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, SessionInfo{Ref: SessionRef(r.ID), UserID: userID, UserAgent: r.UserAgent, ClientIP: r.ClientIP, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt})
	}
	return out, err
}

// EndSession ends one session of the account, named by its reference.
func (s *Store) EndSession(ctx context.Context, a Actor, userID int64, ref string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var rows []sessionRow
		if err := tx.Select("id").Where("user_id = ?", userID).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			if SessionRef(r.ID) == ref {
				if err := tx.Delete(&sessionRow{}, "id = ?", r.ID).Error; err != nil {
					return err
				}
				target := a.name()
				if a.User == nil || a.User.ID != userID {
					var u models.User
					if err := tx.First(&u, userID).Error; err != nil {
						return err
					}
					target = u.Username
				}
				return audit(tx, a, "结束会话", target, "会话 "+ref[:8])
			}
		}
		return models.Errorf(models.ENotFound, "该会话已结束")
	})
}

// EndUserSessions ends every session of the account (the security administrator).
func (s *Store) EndUserSessions(ctx context.Context, a Actor, id int64) (*models.User, int64, error) {
	var u *models.User
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = lockUser(tx, id); err != nil {
			return err
		}
		if a.User != nil && a.User.ID == id {
			return models.Errorf(models.EInvalid, "请在“我的账户”中结束自己的会话")
		}
		res := tx.Where("user_id = ?", id).Delete(&sessionRow{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return audit(tx, a, "结束用户全部会话", u.Username, fmt.Sprintf("结束 %d 个会话", n))
	})
	return u, n, err
}

// ChangeRole is the security administrator moving an account to another role, with the
// institution or division that role takes (validated by models.ValidateAccount). Its
// sessions end, so the new rights apply from the next sign-in.
func (s *Store) ChangeRole(ctx context.Context, a Actor, id int64, role models.Role, inst, div *int64) (*models.User, error) {
	var u *models.User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = lockUser(tx, id); err != nil {
			return err
		}
		if a.User != nil && a.User.ID == id {
			return models.Errorf(models.EInvalid, "不能修改自己的角色")
		}
		old := u.Role
		if err := tx.Model(u).Updates(map[string]any{"role": role, "institution_id": inst, "division_id": div, "custody_bank_id": nil, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return audit(tx, a, "修改用户角色", u.Username, old.Label()+" → "+role.Label())
	})
	return u, err
}
