package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// The counts under the unfiltered officer lists come from the per-(district, state,
// scale) and per-district counters of migration 00096, kept by triggers in the same
// transaction as every change of an application or institution: a sum over a few dozen
// rows however large the province, where a capped count of the list itself reads up
// to models.CountCap+1 index entries once the province is past the cap. A searched or
// overdue-filtered list (whose rows no counter knows) keeps the capped count. The pager
// shows the same figure either way ("1000+" past the cap).

// countScope is the counters' condition for the user's jurisdiction; ok is false for a
// role the counters do not key (a platform sees its own institution's rows only).
func countScope(q *gorm.DB, u *models.User) (*gorm.DB, bool) {
	switch u.Role {
	case models.RoleDistrict:
		return q.Where("district_id = ?", models.IDOrZero(u.DivisionID)), true
	case models.RoleCity:
		return q.Where("city_id = ?", models.IDOrZero(u.DivisionID)), true
	case models.RoleProvince:
		return q.Where("province_id = ?", models.IDOrZero(u.DivisionID)), true
	case models.RoleAdmin:
		return q, true
	}
	return q, false
}

// keptCount sums the counter rows of q and reports the figure as cappedCount does.
func keptCount(q *gorm.DB) listCount {
	return func() (int64, bool, error) {
		var n int64
		err := q.Select("COALESCE(sum(n), 0)::bigint").Scan(&n).Error
		if n > models.CountCap {
			return models.CountCap, true, err
		}
		return n, false, err
	}
}

// queueCount is the count of the user's queue under f from application_counts, or nil
// when f searches or asks for the overdue ones only.
func (s *Store) queueCount(ctx context.Context, u *models.User, f QueueFilter) listCount {
	if f.Overdue || strings.TrimSpace(f.Query) != "" {
		return nil
	}
	q, ok := countScope(s.db.WithContext(ctx).Table("application_counts"), u)
	if !ok {
		return nil
	}
	// the same slots as queueQuery: a state, and for the objections the reviewer's scale
	var slots []string
	for _, slot := range models.QueueSlots(u.Role) {
		if f.State != "" && slot.State != f.State {
			continue
		}
		st := sqlList([]models.State{slot.State})
		switch slot.Scale {
		case models.SmallScale:
			slots = append(slots, fmt.Sprintf("(state = %s AND NOT large)", st))
		case models.LargeScale:
			slots = append(slots, fmt.Sprintf("(state = %s AND large)", st))
		default:
			slots = append(slots, fmt.Sprintf("state = %s", st))
		}
	}
	if len(slots) == 0 {
		return func() (int64, bool, error) { return 0, false, nil }
	}
	q = q.Where("(" + strings.Join(slots, " OR ") + ")")
	if f.DistrictID != 0 {
		q = q.Where("district_id = ?", f.DistrictID)
	}
	return keptCount(q)
}

// submittedCount is the count of 已提交的申请 under f (every state but draft, or one
// state), or nil when f searches.
func (s *Store) submittedCount(ctx context.Context, u *models.User, f AppFilter) listCount {
	if strings.TrimSpace(f.Query) != "" {
		return nil
	}
	q, ok := countScope(s.db.WithContext(ctx).Table("application_counts"), u)
	if !ok {
		return nil
	}
	q = q.Where("state <> 'draft'")
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	return keptCount(q)
}

// institutionCount is the count of the institution list under f from
// institution_counts, or nil when f searches.
func (s *Store) institutionCount(ctx context.Context, u *models.User, f InstitutionFilter) listCount {
	if strings.TrimSpace(f.Query) != "" {
		return nil
	}
	q, ok := countScope(s.db.WithContext(ctx).Table("institution_counts"), u)
	if !ok {
		return nil
	}
	if f.DistrictID != 0 {
		q = q.Where("district_id = ?", f.DistrictID)
	}
	return keptCount(q)
}

// noticeCount is the count of /notices under f from notice_counts (migration 00097), or
// nil when f searches.
func noticeCount(db *gorm.DB, f NoticeFilter) listCount {
	if strings.TrimSpace(f.Query) != "" {
		return nil
	}
	q := db.Table("notice_counts")
	switch f.Status {
	case "current":
		q = q.Where("status = 'active'")
	case "past":
		q = q.Where("status <> 'active'")
	}
	return keptCount(q)
}

// registerCount is the count of /register in status st from register_counts (migration
// 00097), or nil when the register is searched.
func registerCount(db *gorm.DB, query string, st models.RegisterStatus) listCount {
	if strings.TrimSpace(query) != "" {
		return nil
	}
	q := db.Table("register_counts")
	switch st {
	case models.RegisterValid:
		q = q.Where("NOT revoked")
	case models.RegisterRevoked:
		q = q.Where("revoked")
	}
	return keptCount(q)
}
