package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// presenceRow is what the portal holds of an institution's disclosures for a month, as
// presenceQuery reads it.
type presenceRow struct {
	ID           int64
	Period       int
	ProvinceID   int64
	CityID       int64
	DistrictID   int64
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

// presenceQuery reads the presence of the institutions ids (a query of ids) for each month
// of periods (a query of one column, period, as 202611), one row per institution and
// month in one statement: the file, the counts of its parts, the month's latest report and
// the yearly documents of the year before the month's and since. It is the only reading
// of what a score is computed from.
func presenceQuery(db *gorm.DB, ids, periods *gorm.DB) *gorm.DB {
	return db.Table("institutions i").Select(`i.id, pp.period, i.province_id, i.city_id, i.district_id,
		(i.name <> '' AND i.registered_address <> '' AND i.legal_representative <> '' AND i.business_scope <> '') AS complete,
		i.custody_bank <> '' AS custody,
		(SELECT COUNT(*) FROM institution_shareholders x WHERE x.institution_id = i.id) AS shareholders,
		(SELECT COUNT(*) FROM institution_people x WHERE x.institution_id = i.id) AS people,
		(SELECT COALESCE(SUM(staff_formal + staff_dispatched + staff_temporary), 0) FROM institution_branches x WHERE x.institution_id = i.id) AS staff,
		(SELECT COUNT(*) FROM institution_channels x WHERE x.institution_id = i.id) AS channels,
		lr.institution_id IS NOT NULL AS monthly, COALESCE(lr.compensation, false) AS compensation,
		(SELECT string_agg(DISTINCT kind, ',') FROM disclosure_annual_docs x WHERE x.institution_id = i.id AND x.year >= pp.period / 100 - 1) AS kinds`).
		Joins("CROSS JOIN (?) pp", periods).
		Joins(`LEFT JOIN LATERAL (SELECT r.institution_id, (r.compensation_balance > 0 OR r.compensation_amount > 0) AS compensation
			FROM disclosure_reports r WHERE r.institution_id = i.id AND r.period = pp.period ORDER BY r.version DESC LIMIT 1) lr ON true`).
		Where("i.id IN (?)", ids)
}

// onePeriod is presenceQuery's periods for one month.
func onePeriod(db *gorm.DB, p models.Period) *gorm.DB {
	return db.Session(&gorm.Session{NewDB: true}).Raw("SELECT ?::int AS period", p.Key())
}

// DisclosureScore is the completeness score (drules' CompletenessScore, the weights of the
// seeds/002 table) of an institution the user may see, for a month, with its breakdown,
// computed from what the portal holds now.
func (s *Store) DisclosureScore(ctx context.Context, u *models.User, instID int64, p models.Period) (models.ScoreBreakdown, error) {
	if _, err := s.Institution(ctx, u, instID); err != nil {
		return models.ScoreBreakdown{}, err
	}
	db := s.db.WithContext(ctx)
	var rows []presenceRow
	err := presenceQuery(db, db.Session(&gorm.Session{NewDB: true}).Raw("SELECT ?::bigint", instID), onePeriod(db, p)).Scan(&rows).Error
	if err != nil {
		return models.ScoreBreakdown{}, err
	}
	in := models.PresenceInput{Docs: map[models.AnnualDocKind]bool{}}
	if len(rows) > 0 {
		in = rows[0].input()
	}
	return models.CompletenessScore(models.DisclosurePresence(in)), nil
}

// The stored scores (migration 00122). scoreLockClass is their advisory lock class.
// Every refresh of an institution's rows holds (scoreLockClass, 0) shared until its
// transaction ends: it marks the writers a month's build has to wait for, and nothing
// ever takes it exclusively, so it never blocks. (scoreLockClass+1, id) puts two
// refreshes of one institution one after the other, so the second reads the first's
// data. Both are taken after every other lock of the writer (the dashboards' district
// lock, the decision chain's), and a writer takes none after them: they close no cycle.
// (The decision chain uses 7301, the dashboards 7302.)
const scoreLockClass = 7303

// scoreRow is one stored score.
type scoreRow struct {
	InstitutionID int64           `json:"institution_id"`
	Period        int             `json:"period"`
	ProvinceID    int64           `json:"province_id"`
	CityID        int64           `json:"city_id"`
	DistrictID    int64           `json:"district_id"`
	Total         int64           `json:"total"`
	Presence      json.RawMessage `json:"presence"`
}

func scoreRowOf(r presenceRow) (scoreRow, error) {
	present := models.DisclosurePresence(r.input())
	js, err := json.Marshal(present)
	if err != nil {
		return scoreRow{}, err
	}
	return scoreRow{InstitutionID: r.ID, Period: r.Period, ProvinceID: r.ProvinceID, CityID: r.CityID, DistrictID: r.DistrictID,
		Total: int64(models.CompletenessScore(present).Total), Presence: js}, nil
}

// writeScores scores the presence of q's rows and stores them in one statement, whatever
// their number (the rows go in as one JSON document). onConflict says what a row already
// there becomes: a refresh's rows replace it, a build's leave it (a refresh that ran
// while the month was being built wrote it from data at least as new).
func writeScores(tx *gorm.DB, q *gorm.DB, onConflict string) error {
	var pres []presenceRow
	if err := q.Scan(&pres).Error; err != nil {
		return err
	}
	if len(pres) == 0 {
		return nil
	}
	rows := make([]scoreRow, 0, len(pres))
	for _, p := range pres {
		r, err := scoreRowOf(p)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	doc, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO disclosure_scores (institution_id, period, province_id, city_id, district_id, total, presence)
		SELECT institution_id, period, province_id, city_id, district_id, total, presence
		  FROM jsonb_to_recordset(?::jsonb) AS x(institution_id bigint, period int, province_id bigint, city_id bigint,
		       district_id bigint, total int, presence jsonb)
		ON CONFLICT (institution_id, period) `+onConflict, string(doc)).Error
}

const (
	replaceScore = `DO UPDATE SET province_id = EXCLUDED.province_id, city_id = EXCLUDED.city_id,
		district_id = EXCLUDED.district_id, total = EXCLUDED.total, presence = EXCLUDED.presence`
	keepScore = "DO NOTHING"
)

// refreshInstitutionScores recomputes the institution's stored scores of every month
// built or being built, inside tx: the writers of what a score is computed from call it,
// last (the file, a yearly document, a report version, a decision that files or
// unfiles). An institution that is not filed has none.
func refreshInstitutionScores(tx *gorm.DB, instID int64) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock_shared(?::int, 0)", scoreLockClass).Error; err != nil {
		return err
	}
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?::int, ?::int)", scoreLockClass+1, instID).Error; err != nil {
		return err
	}
	if err := tx.Exec("DELETE FROM disclosure_scores WHERE institution_id = ?", instID).Error; err != nil {
		return err
	}
	fresh := tx.Session(&gorm.Session{NewDB: true})
	ids := filedSince(fresh).Where("f.institution_id = ?", instID).Select("f.institution_id")
	return writeScores(tx, presenceQuery(fresh, ids, fresh.Table("disclosure_score_periods").Select("period")), replaceScore)
}

// ensureScorePeriod builds the month's stored scores if they are not built yet: one
// statement when they are.
func (s *Store) ensureScorePeriod(ctx context.Context, p models.Period) error {
	var built bool
	if err := s.db.WithContext(ctx).Raw("SELECT EXISTS (SELECT 1 FROM disclosure_score_periods WHERE period = ? AND built_at IS NOT NULL)", p.Key()).
		Scan(&built).Error; err != nil || built {
		return err
	}
	return s.buildScorePeriod(ctx, p)
}

// buildScorePeriod scores every filed institution for the month, without blocking a
// writer (a build that locked writers out would wait, holding the lock, for rows they
// hold, while they wait for the lock). First the month is committed, so from then on
// every refresh writes its rows too; then the build waits for the refreshes that began
// before that and may have missed it (the holders of the shared lock, as CREATE INDEX
// CONCURRENTLY waits for older transactions); then one statement scores the rest, from a
// snapshot that has them all, keeping any row a refresh wrote meanwhile. Two builds of a
// month at once do the same work twice and agree.
func (s *Store) buildScorePeriod(ctx context.Context, p models.Period) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec("INSERT INTO disclosure_score_periods (period, built_at) VALUES (?, NULL) ON CONFLICT DO NOTHING", p.Key()).Error; err != nil {
		return err
	}
	if err := waitForScoreRefreshes(ctx, db); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		fresh := tx.Session(&gorm.Session{NewDB: true})
		if err := writeScores(tx, presenceQuery(fresh, filedSince(fresh).Select("f.institution_id"), onePeriod(fresh, p)), keepScore); err != nil {
			return err
		}
		if err := tx.Exec("UPDATE disclosure_score_periods SET built_at = now() WHERE period = ?", p.Key()).Error; err != nil {
			return err
		}
		// a month's rows come at once, and without statistics of them the dashboard's
		// per-city reads took 8 ms at 20,000 filed institutions; with them, 0.3 ms
		return tx.Exec("ANALYZE disclosure_scores").Error
	})
}

// waitForScoreRefreshes returns once every transaction that held the refreshes' shared
// lock when it was called has ended (it polls pg_locks: waiting on the lock itself would
// queue later refreshes behind the wait).
func waitForScoreRefreshes(ctx context.Context, db *gorm.DB) error {
	holders := `SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND classid = ? AND objid = 0 AND objsubid = 2 AND granted`
	var before []string
	if err := db.Raw(holders, scoreLockClass).Scan(&before).Error; err != nil {
		return err
	}
	for len(before) > 0 {
		var still []string
		if err := db.Raw("SELECT virtualtransaction FROM ("+holders+") h WHERE virtualtransaction IN ?", scoreLockClass, before).Scan(&still).Error; err != nil {
			return err
		}
		if len(still) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		before = still
	}
	return nil
}

// PrepareScorePeriods builds the stored scores of the month now due and the month before
// it (the ranking's default and the dashboard's), so no officer waits for a build.
func (s *Store) PrepareScorePeriods(ctx context.Context, now time.Time) error {
	p := models.PeriodOf(models.DateOf(now)).Prev()
	for _, q := range []models.Period{p, p.Prev()} {
		if err := s.ensureScorePeriod(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// resetScores drops every stored score, inside tx, for data written around the store (the
// demo seed, bulk loads): the months are built again as they are asked for.
func resetScores(tx *gorm.DB) error {
	return tx.Exec("TRUNCATE disclosure_scores, disclosure_score_periods").Error
}

// ScoreFilter narrows the ranking: the month and a name or USCC search.
type ScoreFilter struct {
	Period models.Period
	Query  string
}

// ScoreRow is one institution in a city's ranking.
type ScoreRow struct {
	InstitutionID int64
	Name          string
	District      string
	City          string
	Rank          int // within the city: 1 + the institutions of the city scoring more
	Score         models.ScoreBreakdown
}

type scoreListRow struct {
	InstitutionID int64
	Name          string
	District      string
	City          string
	Rank          int
	Presence      string
}

func (r scoreListRow) row() (ScoreRow, error) {
	present := map[string]models.ItemPresence{}
	if err := json.Unmarshal([]byte(r.Presence), &present); err != nil {
		return ScoreRow{}, err
	}
	return ScoreRow{InstitutionID: r.InstitutionID, Name: r.Name, District: r.District, City: r.City, Rank: r.Rank,
		Score: models.CompletenessScore(present)}, nil
}

// scoreQuery is the ranking of the user's jurisdiction for the month, in its order: per
// city, best first (a district's own rows best first, its city being one), read from the
// index of the jurisdiction (00122). The rank is within the city, counted from the same
// index: the entries ahead of the row, so a page of the top costs the page.
func scoreQuery(db *gorm.DB, u *models.User, f ScoreFilter) (*gorm.DB, string) {
	q := db.Table("disclosure_scores s").Where("s.period = ?", f.Period.Key())
	order := "s.city_id, s.total DESC, s.institution_id"
	switch u.Role {
	case models.RoleProvince:
		q = q.Where("s.province_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleCity:
		q = q.Where("s.city_id = ?", models.IDOrZero(u.DivisionID))
		order = "s.total DESC, s.institution_id"
	case models.RoleDistrict:
		q = q.Where("s.district_id = ?", models.IDOrZero(u.DivisionID))
		order = "s.total DESC, s.institution_id"
	default:
		q = q.Where("false")
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("EXISTS (SELECT 1 FROM institutions i WHERE i.id = s.institution_id AND (i.name ILIKE ? OR i.uscc::text ILIKE ?))", like, like)
	}
	return q, order
}

// scoreColumns are a ranking row's columns; without rank, the rank is left 0 (the lowest
// rows of the dashboard, whose rank would count most of their city).
func scoreColumns(q *gorm.DB, rank bool) *gorm.DB {
	cols := "s.institution_id, i.name, d.name AS district, c.name AS city, s.presence::text AS presence"
	if rank {
		cols += ", 1 + (SELECT count(*) FROM disclosure_scores x WHERE x.period = s.period AND x.city_id = s.city_id AND x.total > s.total) AS rank"
	}
	return q.Select(cols).
		Joins("JOIN institutions i ON i.id = s.institution_id").
		Joins("JOIN divisions d ON d.id = s.district_id").
		Joins("JOIN divisions c ON c.id = s.city_id")
}

// ScoreRanking is a page of the ranking of the user's jurisdiction for the month (built
// first if it never was), with its count capped as the other lists' are (capped: there are
// more): three statements whatever the jurisdiction's size.
func (s *Store) ScoreRanking(ctx context.Context, u *models.User, f ScoreFilter, pg models.Page) (rows []ScoreRow, total int64, capped bool, err error) {
	if err := s.ensureScorePeriod(ctx, f.Period); err != nil {
		return nil, 0, false, err
	}
	pg = pg.Normalize()
	db := s.db.WithContext(ctx)
	q, _ := scoreQuery(db, u, f)
	if total, capped, err = cappedCount(db, q); err != nil {
		return nil, 0, false, err
	}
	page, order := scoreQuery(db, u, f)
	rows, err = scoreRows(scoreColumns(page, true).Order(order).Clauses(pageLimit{limit: pg.Size, offset: pg.Offset()}))
	return rows, total, capped, err
}

// scoreRows reads the ranking rows of q.
func scoreRows(q *gorm.DB) ([]ScoreRow, error) {
	var list []scoreListRow
	if err := q.Scan(&list).Error; err != nil {
		return nil, err
	}
	out := make([]ScoreRow, 0, len(list))
	for _, r := range list {
		sr, err := r.row()
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, nil
}

// EachScore calls fn for every row of the ranking, in its order, as the rows arrive
// (streamRows): the export holds one row.
func (s *Store) EachScore(ctx context.Context, u *models.User, f ScoreFilter, fn func(ScoreRow) error) error {
	if err := s.ensureScorePeriod(ctx, f.Period); err != nil {
		return err
	}
	q, order := scoreQuery(s.db.WithContext(ctx), u, f)
	return streamRows(scoreColumns(q, true).Order(order), func(r scoreListRow) error {
		sr, err := r.row()
		if err != nil {
			return err
		}
		return fn(sr)
	})
}

// ScoreLeaders is the dashboard's ranking: the best n of each city of the user's
// jurisdiction for the month, per city (a district's among its own), in ranking order,
// and the lowest ten of the jurisdiction, lowest first; one statement each, from the
// index.
func (s *Store) ScoreLeaders(ctx context.Context, u *models.User, p models.Period, n int) (top, bottom []ScoreRow, err error) {
	if err := s.ensureScorePeriod(ctx, p); err != nil {
		return nil, nil, err
	}
	const lowest = 10
	db := s.db.WithContext(ctx)
	f := ScoreFilter{Period: p}
	if u.Role == models.RoleProvince {
		// each city's best: a LIMIT per city of the province, which the province's index
		// and the city's both serve in order (the LIMITs are in the text, as pageLimit's: a
		// bound LIMIT makes the generic plan assume a tenth of the month)
		best := scoreColumns(db.Table("divisions city").
			Joins(fmt.Sprintf(`CROSS JOIN LATERAL (SELECT * FROM disclosure_scores y WHERE y.period = ? AND y.province_id = city.parent_id
				AND y.city_id = city.id ORDER BY y.total DESC, y.institution_id LIMIT %d) s`, n), p.Key()), true).
			Where("city.parent_id = ?", models.IDOrZero(u.DivisionID)).Order("s.city_id, s.total DESC, s.institution_id")
		if top, err = scoreRows(best); err != nil {
			return nil, nil, err
		}
		worst := scoreColumns(db.Table("divisions city").
			Joins(fmt.Sprintf(`CROSS JOIN LATERAL (SELECT * FROM disclosure_scores y WHERE y.period = ? AND y.province_id = city.parent_id
				AND y.city_id = city.id ORDER BY y.total, y.institution_id DESC LIMIT %d) s`, lowest), p.Key()), false).
			Where("city.parent_id = ?", models.IDOrZero(u.DivisionID)).Order("s.total, s.institution_id DESC").Clauses(pageLimit{limit: lowest})
		bottom, err = scoreRows(worst)
		return top, bottom, err
	}
	q, order := scoreQuery(db, u, f)
	if top, err = scoreRows(scoreColumns(q, true).Order(order).Clauses(pageLimit{limit: n})); err != nil {
		return nil, nil, err
	}
	q, _ = scoreQuery(db, u, f)
	bottom, err = scoreRows(scoreColumns(q, false).Order("s.total, s.institution_id DESC").Clauses(pageLimit{limit: lowest}))
	return top, bottom, err
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
		if err := refreshInstitutionScores(tx, instID); err != nil {
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
