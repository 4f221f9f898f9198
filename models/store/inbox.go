package store

import (
	"context"

	"portal/models"
)

// OpenNotification marks one of the user's messages read and returns where it points;
// another user's message is not found.
func (s *Store) OpenNotification(ctx context.Context, a Actor, id int64) (string, error) {
	if a.User == nil {
		return "", models.Errorf(models.EUnauthorized, "请先登录")
	}
	var n Notification
	if err := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", id, a.User.ID).Take(&n).Error; err != nil {
		return "", notFound(err, "消息")
	}
	if n.ReadAt == nil {
		if err := s.MarkNotificationsRead(ctx, a.User.ID, a.Now, id); err != nil {
			return "", err
		}
	}
	if n.Link == "" {
		return "/inbox", nil
	}
	return n.Link, nil
}
