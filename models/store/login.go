package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

type throttleRow struct {
	Username    string `gorm:"primaryKey"`
	Client      string `gorm:"primaryKey"`
	Failures    int
	WindowStart time.Time
	LockedUntil *time.Time
}

func (throttleRow) TableName() string { return "login_throttle" }

func lockedMessage() error {
	return models.Errorf(models.ELocked, "此设备登录失败次数过多，请 %d 分钟后再试，或联系安全管理员解除锁定", int(models.LoginLockDuration.Minutes()))
}

// RecordLogin applies one sign-in attempt for the typed username from the actor's client
// address, whose password check (passwordOK) the caller has already made. The throttle
// row of (username, client) is locked, so parallel attempts are counted one by one, and a
// name locked for this client is refused even with the right password; other clients are
// not affected (issue 8 §2.5). It returns ELocked while locked and EUnauthorized for a
// failure. The caller bounds username and a.IP (models.MaxUsernameLen, MaxClientLen).
func (s *Store) RecordLogin(ctx context.Context, a Actor, username string, passwordOK bool) error {
	return s.recordAttempt(ctx, a, username, passwordOK, stepOnly)
}

// RecordFirstFactor applies a right password of an account with two-factor sign-in: a
// name locked for this client is refused (ELocked) as RecordLogin refuses it, and the
// failure counter is left as it is, so only the right code clears it.
func (s *Store) RecordFirstFactor(ctx context.Context, a Actor, username string) error {
	return s.recordAttempt(ctx, a, username, true, firstOfTwo)
}

// RecordSecondFactor applies the one-time code (or recovery code) step: a wrong code is
// a failure counted, delayed and locked exactly like a wrong password (issue 14 §1.1).
func (s *Store) RecordSecondFactor(ctx context.Context, a Actor, username string, codeOK bool) error {
	return s.recordAttempt(ctx, a, username, codeOK, secondOfTwo)
}

type loginStep int

const (
	stepOnly loginStep = iota
	firstOfTwo
	secondOfTwo
)

func (s *Store) recordAttempt(ctx context.Context, a Actor, username string, passwordOK bool, step loginStep) error {
	var result error
	client := a.IP
	err := s.tx(ctx, func(tx *gorm.DB) error {
		row := throttleRow{Username: username, Client: client, WindowStart: a.Now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&row, "username = ? AND client = ?", username, client).Error; err != nil {
			return err
		}
		t := models.LoginThrottle{Failures: row.Failures, WindowStart: row.WindowStart, LockedUntil: row.LockedUntil}
		switch {
		case t.Locked(a.Now):
			result = lockedMessage()
			return audit(tx, a, "登录被拒（锁定中）", username, "")
		case passwordOK && step == firstOfTwo:
			return audit(tx, a, "密码验证通过", username, "等待动态口令")
		case passwordOK:
			if err := tx.Delete(&row).Error; err != nil {
				return err
			}
			detail := ""
			if step == secondOfTwo {
				detail = "双因素认证"
			}
			return audit(tx, a, "登录成功", username, detail)
		}
		t = t.RecordFailure(a.Now)
		if err := tx.Model(&row).Updates(map[string]any{"failures": t.Failures, "window_start": t.WindowStart, "locked_until": t.LockedUntil}).Error; err != nil {
			return err
		}
		if t.Locked(a.Now) {
			result = lockedMessage()
			return audit(tx, a, "登录失败，账号锁定", username, fmt.Sprintf("连续失败 %d 次，锁定至 %s", t.Failures, t.LockedUntil.In(models.ChinaTime).Format("2006-01-02 15:04:05")))
		}
		if step == secondOfTwo {
			result = models.Errorf(models.EUnauthorized, "动态口令或恢复码错误")
			return audit(tx, a, "登录失败", username, "动态口令或恢复码错误")
		}
		result = models.Errorf(models.EUnauthorized, "用户名或密码错误")
		return audit(tx, a, "登录失败", username, "")
	})
	if err != nil {
		return err
	}
	return result
}

// LoginFailures counts the failures at username from all clients within the failure
// window before now: the input of the per-username delay (models.LoginDelay).
func (s *Store) LoginFailures(ctx context.Context, username string, now time.Time) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Model(&throttleRow{}).Select("coalesce(sum(failures), 0)").
		Where("username = ? AND window_start > ?", username, now.Add(-models.LoginFailureWindow)).Scan(&n).Error
	return n, err
}

// LockedClients counts, per username, the clients for which it is locked at now: what
// the admin users page shows beside each account.
func (s *Store) LockedClients(ctx context.Context, usernames []string, now time.Time) (map[string]int, error) {
	var rows []struct {
		Username string
		N        int
	}
	err := s.db.WithContext(ctx).Model(&throttleRow{}).Select("username, count(*) AS n").
		Where("username IN ? AND locked_until > ?", usernames, now).Group("username").Scan(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[r.Username] = r.N
	}
	return out, err
}

// UnlockUser clears every failure counter and lock of the account's username, from all
// clients, and records it in the audit log (issue 8 §2.5).
func (s *Store) UnlockUser(ctx context.Context, a Actor, id int64) (*models.User, error) {
	var u *models.User
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = lockUser(tx, id); err != nil {
			return err
		}
		locked := tx.Where("username = ? AND locked_until > ?", u.Username, a.Now).Delete(&throttleRow{})
		if locked.Error != nil {
			return locked.Error
		}
		rest := tx.Where("username = ?", u.Username).Delete(&throttleRow{})
		if rest.Error != nil {
			return rest.Error
		}
		return audit(tx, a, "解除登录锁定", u.Username, fmt.Sprintf("解除 %d 个客户端的锁定，清除 %d 条失败计数", locked.RowsAffected, locked.RowsAffected+rest.RowsAffected))
	})
	return u, err
}
