package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// scopeInstitutions limits a query on institutions (aliased as the table name) to the
// user's jurisdiction: a platform its own, a district its district, a city its districts,
// a province its cities' districts. Admins see all.
func scopeInstitutions(q *gorm.DB, u *models.User) *gorm.DB {
	switch u.Role {
	case models.RolePlatform:
		return q.Where("institutions.id = ?", derefOr(u.InstitutionID))
	case models.RoleDistrict:
		return q.Where("institutions.district_id = ?", derefOr(u.DivisionID))
	case models.RoleCity:
		return q.Where("institutions.district_id IN (SELECT id FROM divisions WHERE parent_id = ?)", derefOr(u.DivisionID))
	case models.RoleProvince:
		return q.Where("institutions.district_id IN (SELECT d.id FROM divisions d JOIN divisions c ON d.parent_id = c.id WHERE c.parent_id = ?)", derefOr(u.DivisionID))
	case models.RoleAdmin:
		return q
	}
	return q.Where("false")
}

func derefOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Institution loads an institution the user may see; anything else is ENotFound, so
// objects outside the jurisdiction do not leak.
func (s *Store) Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error) {
	var inst models.Institution
	err := scopeInstitutions(s.db.WithContext(ctx).Model(&models.Institution{}), u).Where("institutions.id = ?", id).First(&inst).Error
	if err != nil {
		return nil, notFound(err, "机构")
	}
	return &inst, nil
}

// InstitutionRow is an institution with its district's name, for lists.
type InstitutionRow struct {
	models.Institution
	DistrictName string
}

// InstitutionFilter narrows the institution list.
type InstitutionFilter struct {
	Query      string // name or USCC contains
	DistrictID int64
}

// ListInstitutions returns a page of the institutions the user may see.
func (s *Store) ListInstitutions(ctx context.Context, u *models.User, f InstitutionFilter, p models.Page) ([]InstitutionRow, int64, error) {
	p = p.Normalize()
	q := scopeInstitutions(s.db.WithContext(ctx).Table("institutions"), u)
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("institutions.name ILIKE ? OR institutions.uscc ILIKE ?", like, like)
	}
	if f.DistrictID != 0 {
		q = q.Where("institutions.district_id = ?", f.DistrictID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []InstitutionRow
	err := q.Select("institutions.*, divisions.name AS district_name").
		Joins("JOIN divisions ON divisions.id = institutions.district_id").
		Order("institutions.name").Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// Division loads one division.
func (s *Store) Division(ctx context.Context, id int64) (*models.Division, error) {
	var d models.Division
	if err := s.db.WithContext(ctx).First(&d, id).Error; err != nil {
		return nil, notFound(err, "行政区划")
	}
	return &d, nil
}

// Divisions lists every division, provinces first, for selects and name lookups.
func (s *Store) Divisions(ctx context.Context) ([]models.Division, error) {
	var ds []models.Division
	err := s.db.WithContext(ctx).Order("CASE level WHEN 'province' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, code").Find(&ds).Error
	return ds, err
}

// AllInstitutions lists every institution by name, for the admin's account form.
func (s *Store) AllInstitutions(ctx context.Context) ([]models.Institution, error) {
	var is []models.Institution
	err := s.db.WithContext(ctx).Order("name").Find(&is).Error
	return is, err
}
