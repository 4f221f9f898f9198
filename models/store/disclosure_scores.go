package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// presenceRow is what the portal holds of an institution's disclosures for a month, as
// presenceQuery reads it.
type presenceRow struct {
	ID           int64
	Complete     bool
	Custody      bool
	Shareholders int
	People       int
	Staff        int
	Channels     int
	Monthly      bool
	Compensation bool
	Kinds        string // the yearly documents' kinds, comma-separated
}

func (r presenceRow) input() models.PresenceInput {
	in := models.PresenceInput{FileComplete: r.Complete, CustodyBank: r.Custody, Shareholders: r.Shareholders, People: r.People,
		Staff: r.Staff, Channels: r.Channels, Docs: map[models.AnnualDocKind]bool{}}
	if r.Monthly {
		in.Monthly, in.Quarterly = true, true // concentration, M90+ and customers are in the monthly set (seeds/003 §8)
		in.Compensation = r.Compensation
	}
	for _, k := range strings.Split(r.Kinds, ",") {
		if k != "" {
			in.Docs[models.AnnualDocKind(k)] = true
		}
	}
	return in
}

// presenceQuery reads the presence of the institutions of q (a query of institutions) for
// the month, one row each in one statement: the file, the counts of its parts, the
// month's latest report and the yearly documents of the year before and since.
func presenceQuery(db *gorm.DB, ids *gorm.DB, p models.Period) *gorm.DB {
	return db.Table("institutions i").Select(`i.id,
		(i.name <> '' AND i.registered_address <> '' AND i.legal_representative <> '' AND i.business_scope <> '') AS complete,
		i.custody_bank <> '' AS custody,
		(SELECT COUNT(*) FROM institution_shareholders x WHERE x.institution_id = i.id) AS shareholders,
		(SELECT COUNT(*) FROM institution_people x WHERE x.institution_id = i.id) AS people,
		(SELECT COALESCE(SUM(staff_formal + staff_dispatched + staff_temporary), 0) FROM institution_branches x WHERE x.institution_id = i.id) AS staff,
		(SELECT COUNT(*) FROM institution_channels x WHERE x.institution_id = i.id) AS channels,
		lr.institution_id IS NOT NULL AS monthly, COALESCE(lr.compensation, false) AS compensation,
		(SELECT string_agg(DISTINCT kind, ',') FROM disclosure_annual_docs x WHERE x.institution_id = i.id AND x.year >= ?) AS kinds`, p.Year-1).
		Joins(`LEFT JOIN LATERAL (SELECT r.institution_id, (r.compensation_balance > 0 OR r.compensation_amount > 0) AS compensation
			FROM disclosure_reports r WHERE r.institution_id = i.id AND r.period = ? ORDER BY r.version DESC LIMIT 1) lr ON true`, p.Key()).
		Where("i.id IN (?)", ids)
}

// presence gathers what the portal holds of one institution's disclosures for a month.
func presence(db *gorm.DB, instID int64, p models.Period) (models.PresenceInput, error) {
	var rows []presenceRow
	err := presenceQuery(db, db.Session(&gorm.Session{NewDB: true}).Raw("SELECT ?::bigint", instID), p).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return models.PresenceInput{Docs: map[models.AnnualDocKind]bool{}}, err
	}
	return rows[0].input(), nil
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
// a month, per city, best first: two statements whatever the jurisdiction's size (the
// filed institutions with their city, and their presence, presenceQuery).
func (s *Store) ScoreRanking(ctx context.Context, u *models.User, p models.Period, now time.Time) ([]ScoreRow, error) {
	db := s.db.WithContext(ctx)
	var insts []struct {
		ID           int64
		Name         string
		DistrictName string
		CityName     string
	}
	if err := s.filedScopeQuery(db, u, 0, "").Select(`institutions.id, institutions.name, d.name AS district_name,
		(SELECT c.name FROM divisions c WHERE c.id = institutions.city_id) AS city_name`).
		Order("institutions.name, institutions.id").Scan(&insts).Error; err != nil {
		return nil, err
	}
	var pres []presenceRow
	ids := s.filedScopeQuery(db.Session(&gorm.Session{NewDB: true}), u, 0, "").Select("institutions.id")
	if err := presenceQuery(db, ids, p).Scan(&pres).Error; err != nil {
		return nil, err
	}
	byID := map[int64]presenceRow{}
	for _, r := range pres {
		byID[r.ID] = r
	}
	out := make([]ScoreRow, 0, len(insts))
	for _, in := range insts {
		pr := byID[in.ID]
		out = append(out, ScoreRow{InstitutionID: in.ID, Name: in.Name, District: in.DistrictName, City: in.CityName,
			Score: models.CompletenessScore(models.DisclosurePresence(pr.input()))})
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
