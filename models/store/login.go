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
	Failures    int
	WindowStart time.Time
	LockedUntil *time.Time
}

func (throttleRow) TableName() string { return "login_throttle" }

// RecordLogin applies one sign-in attempt for the typed username, whose password check
// (passwordOK) the caller has already made. The throttle row is locked, so parallel
// attempts are counted one by one, and a locked name is refused even with the right
// password. It returns ELocked while locked and EUnauthorized for a failure.
func (s *Store) RecordLogin(ctx context.Context, a Actor, username string, passwordOK bool) error {
	var result error
	err := s.tx(ctx, func(tx *gorm.DB) error {
		row := throttleRow{Username: username, WindowStart: a.Now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&row, "username = ?", username).Error; err != nil {
			return err
		}
		t := models.LoginThrottle{Failures: row.Failures, WindowStart: row.WindowStart, LockedUntil: row.LockedUntil}
		switch {
		case t.Locked(a.Now):
			result = models.Errorf(models.ELocked, "登录失败次数过多，请 %d 分钟后再试", int(models.LoginLockDuration.Minutes()))
			return audit(tx, a, "登录被拒（锁定中）", username, "")
		case passwordOK:
			if err := tx.Delete(&row).Error; err != nil {
				return err
			}
			return audit(tx, a, "登录成功", username, "")
		}
		t = t.RecordFailure(a.Now)
		if err := tx.Model(&row).Updates(map[string]any{"failures": t.Failures, "window_start": t.WindowStart, "locked_until": t.LockedUntil}).Error; err != nil {
			return err
		}
		if t.Locked(a.Now) {
			result = models.Errorf(models.ELocked, "登录失败次数过多，请 %d 分钟后再试", int(models.LoginLockDuration.Minutes()))
			return audit(tx, a, "登录失败，账号锁定", username, fmt.Sprintf("连续失败 %d 次，锁定至 %s", t.Failures, t.LockedUntil.In(beijing).Format("2006-01-02 15:04:05")))
		} else {
			result = models.Errorf(models.EUnauthorized, "用户名或密码错误")
		}
		return audit(tx, a, "登录失败", username, "")
	})
	if err != nil {
		return err
	}
	return result
}
