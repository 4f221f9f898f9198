package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

type sessionRow struct {
	ID         string `gorm:"primaryKey"`
	UserID     *int64
	Data       []byte
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
	LastSeenAt time.Time
	UserAgent  string
	ClientIP   string `gorm:"column:client_ip"`
}

func (sessionRow) TableName() string { return "sessions" }

// SessionRecord is a stored session.
type SessionRecord struct {
	ID         string
	UserID     *int64
	Data       []byte
	CreatedAt  time.Time
	LastSeenAt time.Time
	UserAgent  string // the browser that started it, bounded; shown on the account page
	ClientIP   string // the address it started from
}

// LoadSession returns the session with id if it exists and has not expired at now; an
// expired one is deleted. A missing session is (nil, nil).
func (s *Store) LoadSession(ctx context.Context, id string, now time.Time) (*SessionRecord, error) {
	var r sessionRow
	err := s.db.WithContext(ctx).First(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if models.SessionExpired(r.CreatedAt, r.LastSeenAt, now) {
		return nil, s.DeleteSession(ctx, id)
	}
	rec := SessionRecord(r)
	return &rec, nil
}

// SaveSession writes a session, creating it when new.
func (s *Store) SaveSession(ctx context.Context, rec SessionRecord) error {
	r := sessionRow(rec)
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"user_id", "data", "last_seen_at"}),
	}).Create(&r).Error
}

// DeleteSession removes one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Delete(&sessionRow{}, "id = ?", id).Error
}

// PurgeExpiredSessions deletes sessions past their idle or total lifetime.
func (s *Store) PurgeExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("last_seen_at < ? OR created_at < ?",
		now.Add(-models.SessionIdleTimeout), now.Add(-models.SessionMaxLifetime)).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}

// TouchSession records activity, which restarts the idle timer.
func (s *Store) TouchSession(ctx context.Context, id string, now time.Time) error {
	return s.db.WithContext(ctx).Model(&sessionRow{}).Where("id = ?", id).Update("last_seen_at", now).Error
}

// DescribeSession records the browser and address a signed-in session started from,
// bounded, for the user's list of their sessions.
func (s *Store) DescribeSession(ctx context.Context, id, userAgent, clientIP string) error {
	return s.db.WithContext(ctx).Model(&sessionRow{}).Where("id = ?", id).
		Updates(map[string]any{"user_agent": clip(strings.ToValidUTF8(userAgent, ""), 300), "client_ip": clip(clientIP, 100)}).Error
}
