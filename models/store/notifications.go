package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"portal/models"
	"portal/urls"
)

// Notification is one inbox message.
type Notification struct {
	ID            int64
	UserID        int64
	ApplicationID *int64
	At            time.Time
	Kind          string
	Title         string
	Body          string
	Link          string
	ReadAt        *time.Time
}

// notify writes the decision's notifications in the decision's own transaction.
func notify(tx *gorm.DB, app *models.Application, ev models.Event, to models.State, a Actor, body string) error {
	var inst models.Institution
	if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
		return err
	}
	for _, n := range models.NoticesFor(ev, to, inst.Name) {
		ids, err := recipients(tx, n.Scope, &inst)
		if err != nil {
			return err
		}
		reason := body
		if reason == "" {
			reason = models.NotificationReason(n.Kind)
		}
		for _, uid := range ids {
			row := Notification{UserID: uid, ApplicationID: &app.ID, At: a.Now, Kind: n.Kind, Title: n.Title, Body: reason,
				Link: urls.Application(app.ID)}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// recipients are the enabled users of a scope around the institution.
func recipients(tx *gorm.DB, scope models.NotifyScope, inst *models.Institution) ([]int64, error) {
	q := tx.Model(&models.User{}).Where("NOT disabled")
	switch scope {
	case models.NotifyPlatform:
		q = q.Where("role = 'platform' AND institution_id = ?", inst.ID)
	case models.NotifyDistrict:
		q = q.Where("role = 'district' AND division_id = ?", inst.DistrictID)
	case models.NotifyCity:
		q = q.Where("role = 'city' AND division_id = (SELECT parent_id FROM divisions WHERE id = ?)", inst.DistrictID)
	case models.NotifyProvince:
		q = q.Where("role = 'province' AND division_id = (SELECT c.parent_id FROM divisions d JOIN divisions c ON c.id = d.parent_id WHERE d.id = ?)", inst.DistrictID)
	}
	var ids []int64
	return ids, q.Pluck("id", &ids).Error
}

// Notifications lists a user's inbox, newest first.
func (s *Store) Notifications(ctx context.Context, userID int64, p models.Page) ([]Notification, int64, error) {
	p = p.Normalize()
	q := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ?", userID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []Notification
	return rows, total, q.Order("id DESC").Limit(p.Size).Offset(p.Offset()).Find(&rows).Error
}

// UnreadCount is the number in the header's inbox badge.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return int(n), err
}

// MarkNotificationsRead marks the given (or, with none, all) of the user's messages read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, now time.Time, ids ...int64) error {
	q := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	return q.Update("read_at", now).Error
}
