package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// Actor is who performs a mutation, for the audit record.
type Actor struct {
	User *models.User // nil for the system or an anonymous visitor
	IP   string
	Now  time.Time
}

func (a Actor) name() string {
	if a.User == nil {
		return "系统"
	}
	return a.User.Username
}

func (a Actor) id() *int64 {
	if a.User == nil {
		return nil
	}
	id := a.User.ID
	return &id
}

// audit writes one audit row inside the caller's transaction.
func audit(tx *gorm.DB, a Actor, action, target, detail string) error {
	return tx.Create(&models.AuditEntry{At: a.Now, ActorID: a.id(), ActorName: a.name(),
		Action: action, Target: target, Detail: detail, IP: a.IP}).Error
}

// AuditFilter narrows the audit list.
type AuditFilter struct {
	Query string // actor, action or target contains
}

// ListAudit returns a page of the audit log, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter, p models.Page) ([]models.AuditEntry, int64, error) {
	p = p.Normalize()
	q := s.db.WithContext(ctx).Model(&models.AuditEntry{})
	if f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("actor_name ILIKE ? OR action ILIKE ? OR target ILIKE ? OR detail ILIKE ?", like, like, like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []models.AuditEntry
	err := q.Order("id DESC").Limit(p.Size).Offset(p.Offset()).Find(&rows).Error
	return rows, total, err
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}
