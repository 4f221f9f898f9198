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
		return q.Where("institutions.id = ?", models.IDOrZero(u.InstitutionID))
	case models.RoleDistrict:
		return q.Where("institutions.district_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleCity:
		return q.Where("institutions.district_id IN (SELECT id FROM divisions WHERE parent_id = ?)", models.IDOrZero(u.DivisionID))
	case models.RoleProvince:
		return q.Where("institutions.district_id IN (SELECT d.id FROM divisions d JOIN divisions c ON d.parent_id = c.id WHERE c.parent_id = ?)", models.IDOrZero(u.DivisionID))
	case models.RoleAdmin:
		return q
	}
	return q.Where("false")
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

// institutionOrder is by name; the indexes institutions_*_name of migration 00085 hold
// (jurisdiction, name, id).
var institutionOrder = keyset{keys: []sortKey{{"institutions.name", "text"}, {"institutions.id", "bigint"}}}

func institutionKey(r *InstitutionRow) []string { return []string{r.Name, idKey(r.ID)} }

// scopeInstitutionsDirect is scopeInstitutions through the jurisdiction columns of
// institutions (migration 00085): one index range per jurisdiction.
func scopeInstitutionsDirect(q *gorm.DB, u *models.User) *gorm.DB {
	switch u.Role {
	case models.RoleCity:
		return q.Where("institutions.city_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleProvince:
		return q.Where("institutions.province_id = ?", models.IDOrZero(u.DivisionID))
	}
	return scopeInstitutions(q, u)
}

func (s *Store) institutionQuery(ctx context.Context, u *models.User, f InstitutionFilter) *gorm.DB {
	q := scopeInstitutionsDirect(s.db.WithContext(ctx).Table("institutions"), u)
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc::text ILIKE ?)", like, like)
	}
	if f.DistrictID != 0 {
		q = q.Where("institutions.district_id = ?", f.DistrictID)
	}
	return q
}

func institutionRows(q *gorm.DB) *gorm.DB {
	return q.Select("institutions.*, divisions.name AS district_name").
		Joins("JOIN divisions ON divisions.id = institutions.district_id")
}

// InstitutionsPage is one page, at s, of the institutions the user may see, by name: a
// capped count and the page, read from the jurisdiction's name index.
func (s *Store) InstitutionsPage(ctx context.Context, u *models.User, f InstitutionFilter, at models.Seek) ([]InstitutionRow, models.PageInfo, error) {
	return seekPage(s.db.WithContext(ctx), func() *gorm.DB { return s.institutionQuery(ctx, u, f) }, institutionRows, institutionOrder, at, institutionKey)
}

// ListInstitutions returns a numbered page of the institutions the user may see, with
// the exact count, for the export.
func (s *Store) ListInstitutions(ctx context.Context, u *models.User, f InstitutionFilter, p models.Page) ([]InstitutionRow, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.institutionQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []InstitutionRow
	err := institutionRows(s.institutionQuery(ctx, u, f)).Order(institutionOrder.order(false)).
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
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
