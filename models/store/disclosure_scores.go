package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// presence gathers what the portal holds of an institution's disclosures for a month.
func presence(db *gorm.DB, instID int64, p models.Period) (models.PresenceInput, error) {
	var in models.PresenceInput
	var file struct {
		Complete bool
		Custody  bool
	}
	if err := db.Raw(`SELECT (name <> '' AND registered_address <> '' AND legal_representative <> '' AND business_scope <> '') AS complete,
		custody_bank <> '' AS custody FROM institutions WHERE id = ?`, instID).Scan(&file).Error; err != nil {
		return in, err
	}
	in.FileComplete, in.CustodyBank = file.Complete, file.Custody
	counts := []struct {
		sql string
		n   *int
	}{
		{"SELECT COUNT(*) FROM institution_shareholders WHERE institution_id = ?", &in.Shareholders},
		{"SELECT COUNT(*) FROM institution_people WHERE institution_id = ?", &in.People},
		{"SELECT COALESCE(SUM(staff_formal + staff_dispatched + staff_temporary), 0) FROM institution_branches WHERE institution_id = ?", &in.Staff},
		{"SELECT COUNT(*) FROM institution_channels WHERE institution_id = ?", &in.Channels},
	}
	for _, c := range counts {
		if err := db.Raw(c.sql, instID).Scan(c.n).Error; err != nil {
			return in, err
		}
	}
	r, err := latestReport(db, instID, p)
	if err != nil {
		return in, err
	}
	if r != nil {
		in.Monthly, in.Quarterly = true, true // concentration, M90+ and customers are in the monthly set (seeds/003 §8)
		in.Compensation = r.Figures.CompensationBalance > 0 || r.Figures.CompensationAmount > 0
	}
	var kinds []string
	if err := db.Raw(`SELECT DISTINCT kind FROM disclosure_annual_docs WHERE institution_id = ? AND year >= ?`, instID, p.Year-1).
		Scan(&kinds).Error; err != nil {
		return in, err
	}
	in.Docs = map[models.AnnualDocKind]bool{}
	for _, k := range kinds {
		in.Docs[models.AnnualDocKind(k)] = true
	}
	return in, nil
}

// DisclosureScore is the completeness score (drules' CompletenessScore, the weights of the
// seeds/002 table) of an institution the user may see, for a month, with its breakdown.
func (s *Store) DisclosureScore(ctx context.Context, u *models.User, instID int64, p models.Period) (models.ScoreBreakdown, error) {
	if _, err := s.Institution(ctx, u, instID); err != nil {
		return models.ScoreBreakdown{}, err
	}
	in, err := presence(s.db.WithContext(ctx), instID, p)
	if err != nil {
		return models.ScoreBreakdown{}, err
	}
	return models.CompletenessScore(models.DisclosurePresence(in)), nil
}

// ScoreRow is one institution in a city's ranking.
type ScoreRow struct {
	InstitutionID int64
	Name          string
	District      string
	City          string
	Rank          int // within the city
	Score         models.ScoreBreakdown
}

// ScoreRanking ranks the filed institutions of the user's jurisdiction by completeness for
// a month, per city, best first.
func (s *Store) ScoreRanking(ctx context.Context, u *models.User, p models.Period, now time.Time) ([]ScoreRow, error) {
	db := s.db.WithContext(ctx)
	insts, err := s.filedInScope(db, u, 0, "")
	if err != nil {
		return nil, err
	}
	var out []ScoreRow
	for _, in := range insts {
		pi, err := presence(db, in.ID, p)
		if err != nil {
			return nil, err
		}
		var city string
		if err := db.Raw(`SELECT c.name FROM institutions i JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
			WHERE i.id = ?`, in.ID).Scan(&city).Error; err != nil {
			return nil, err
		}
		out = append(out, ScoreRow{InstitutionID: in.ID, Name: in.Name, District: in.DistrictName, City: city,
			Score: models.CompletenessScore(models.DisclosurePresence(pi))})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].City != out[j].City {
			return out[i].City < out[j].City
		}
		return out[i].Score.Total > out[j].Score.Total
	})
	for i := range out {
		out[i].Rank = 1
		if i > 0 && out[i].City == out[i-1].City {
			out[i].Rank = out[i-1].Rank + 1
			if out[i].Score.Total == out[i-1].Score.Total {
				out[i].Rank = out[i-1].Rank
			}
		}
	}
	_ = now
	return out, nil
}

// AnnualDoc is an uploaded yearly document.
type AnnualDoc struct {
	ID            int64
	InstitutionID int64
	Year          int
	Kind          models.AnnualDocKind
	SHA256        string `gorm:"column:sha256"`
	FileName      string
	Size          int64
	UploadedBy    int64
	UploadedAt    time.Time
	DueAt         time.Time
}

// TableName is the table of yearly documents.
func (AnnualDoc) TableName() string { return "disclosure_annual_docs" }

// Late says it came after its due day.
func (d AnnualDoc) Late() bool { return d.UploadedAt.After(d.DueAt) }

// AnnualDocDue is the due day of a yearly document of the year under the institution's
// rule set: basic information by 01-10 (seeds/003 §7), the audit by 04-30; the other
// kinds with the audit.
func (s *Store) AnnualDocDue(ctx context.Context, instID int64, kind models.AnnualDocKind, year int) (models.Date, error) {
	rs, err := s.InstitutionRuleSet(ctx, instID)
	if err != nil {
		return models.Date{}, err
	}
	if kind == models.DocBasic {
		if d, ok := models.AnnualBasicDue(rs, year); ok {
			return d, nil
		}
	}
	return models.AnnualAuditDue(rs, year), nil
}

// AddAnnualDoc records an uploaded yearly document (stored through the one intake).
func (s *Store) AddAnnualDoc(ctx context.Context, a Actor, instID int64, year int, kind models.AnnualDocKind, f FileRef) (*AnnualDoc, error) {
	if !models.ValidAnnualDocKind(kind) {
		return nil, models.FieldErrorf("kind", models.EInvalid, "请选择文件类别")
	}
	if year < 2015 || year > models.DateOf(a.Now).Year {
		return nil, models.FieldErrorf("year", models.EInvalid, "年度应在 2015 年至今年之间")
	}
	due, err := s.AnnualDocDue(ctx, instID, kind, year)
	if err != nil {
		return nil, err
	}
	d := &AnnualDoc{InstitutionID: instID, Year: year, Kind: kind, SHA256: f.SHA256, FileName: f.Name, Size: f.Size,
		UploadedBy: a.User.ID, UploadedAt: a.Now, DueAt: due.AddDays(1).Start()}
	return d, s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		return audit(tx, a, "disclosure.annual_doc", fmt.Sprintf("institution:%d", instID), fmt.Sprintf("%d %s %s", year, kind.Label(), f.Name))
	})
}

// AnnualDocs lists the institution's yearly documents, newest first.
func (s *Store) AnnualDocs(ctx context.Context, instID int64) ([]AnnualDoc, error) {
	var out []AnnualDoc
	return out, s.db.WithContext(ctx).Where("institution_id = ?", instID).Order("year DESC, id DESC").Find(&out).Error
}

// InstitutionClass is the operating class of the institution file (seeds/001 二(一)).
func (s *Store) InstitutionClass(ctx context.Context, instID int64) (models.OperatingClass, error) {
	var c string
	err := s.db.WithContext(ctx).Raw("SELECT operating_class FROM institutions WHERE id = ?", instID).Scan(&c).Error
	return models.OperatingClass(c), err
}

// PublicInstitution loads an institution for a public page (the caller checks it is filed).
func (s *Store) PublicInstitution(ctx context.Context, id int64) (*models.Institution, error) {
	var inst models.Institution
	if err := s.db.WithContext(ctx).First(&inst, id).Error; err != nil {
		return nil, notFound(err, "机构")
	}
	return &inst, nil
}
