package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// RefreshDisclosureJudgement re-judges every filed institution for the month now due on
// the day of now (migration 00102): it writes the pure rules' due days of the day
// (monitorDues: models.MonthlyReportDue, LastPastDuePeriod) and reserve floors
// (models.ReserveFloors), stamps the refresh and re-judges all rows in one set-based
// statement (disclosure_judge), in one transaction. The River job
// web/jobs/disclosure_judgement.go runs it, so the day crossing a due day is followed.
func (s *Store) RefreshDisclosureJudgement(ctx context.Context, now time.Time) error {
	today := models.DateOf(now)
	period := models.PeriodOf(today).Prev()
	_, dues, err := s.monitorDues(ctx, period, today)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		// the stamp's row is the lock: a bump waits for the refresh, so it is never lost
		if err := tx.Exec(`SELECT 1 FROM disclosure_judged FOR UPDATE`).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM disclosure_judged_rules`).Error; err != nil {
			return err
		}
		for _, rs := range []models.RuleSetID{models.RuleSetNational, models.RuleSetShanghai} {
			d := dues[rs]
			if err := tx.Exec(`INSERT INTO disclosure_judged_rules (rule_set, due_end, overdue, pend, pmax) VALUES (?, ?, ?, ?, ?)`,
				string(rs), d.due.AddDays(1).Start(), d.pending == 0 && today.After(d.due), d.pending != 0, d.pmax).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(`DELETE FROM disclosure_judged_floors`).Error; err != nil {
			return err
		}
		for _, c := range []models.OperatingClass{models.ClassSingleProvince, models.ClassNational} {
			r, comp, _ := models.ReserveFloors(c)
			if err := tx.Exec(`INSERT INTO disclosure_judged_floors (class, reserve, compensation) VALUES (?, ?, ?)`,
				string(c), int64(r), int64(comp)).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE disclosure_judged SET judged_at = ?, today = ?, period = ?, max_missing = ?, hundred = ?,
			judged_generation = generation`, now, today.String(), period.Key(), models.MaxMissingScan, int(models.Hundred)).Error; err != nil {
			return err
		}
		return tx.Exec(`SELECT disclosure_judge(NULL)`).Error
	})
}

// judgedStamp is the stored judgement's day, month and freshness.
type judgedStamp struct {
	JudgedAt *time.Time
	Today    *models.Date
	Period   *int
	Fresh    bool
}

// DisclosureJudgedAt is when the stored judgement was last refreshed (the page shows
// it), nil before the first refresh.
func (s *Store) DisclosureJudgedAt(ctx context.Context) (*time.Time, error) {
	st, err := s.judgedStamp(s.db.WithContext(ctx))
	return st.JudgedAt, err
}

func (s *Store) judgedStamp(db *gorm.DB) (judgedStamp, error) {
	var st judgedStamp
	err := db.Raw(`SELECT judged_at, today, period, generation = judged_generation AS fresh FROM disclosure_judged`).Scan(&st).Error
	return st, err
}

// judgedUsable: the stored judgement is the one asked for (the month now due, on the
// same day, nothing since that it does not follow).
func (st judgedStamp) usable(today models.Date, period models.Period) bool {
	return st.Fresh && st.Today != nil && *st.Today == today && st.Period != nil && *st.Period == period.Key()
}

// judgedPageSQL reads a page of the stored judgement in its order from the
// jurisdiction's index (disclosure_judgement_province/_city/_district), LIMIT first; the
// summary row adds the month's first submission and the reported months.
var judgedPageSQL = `WITH page AS (?)
	SELECT p.id, p.name, p.uscc, d.name AS district_name, p.operating_class, p.filing_date, p.rule_set, p.status, p.missing_n,
	       p.open_events, p.breached, st.firsts[array_position(st.periods, ?)] AS first_at,
	       array_to_string(COALESCE(st.periods, '{}'), ',') AS periods, (?) AS total
	  FROM page p JOIN divisions d ON d.id = p.district_id
	  LEFT JOIN disclosure_standing st ON st.institution_id = p.id
	 ORDER BY p.rank, p.name, p.id`

func (s *Store) judgedQuery(db *gorm.DB, u *models.User, f MonitorFilter, period models.Period, limit, offset int) *gorm.DB {
	filtered := func() *gorm.DB {
		q := scopeInstitutionsDirect(db.Session(&gorm.Session{NewDB: true}).Table("disclosure_judgement AS institutions"), u)
		if f.DistrictID != 0 {
			q = q.Where("institutions.district_id = ?", f.DistrictID)
		}
		if t := strings.TrimSpace(f.Query); t != "" {
			like := "%" + escapeLike(t) + "%"
			q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
		}
		if f.Status != "" {
			q = q.Where("institutions.status = ?", string(f.Status))
		}
		if f.Missing {
			q = q.Where("institutions.missing_n > 0")
		}
		if f.OpenEvents {
			q = q.Where("institutions.open_events > 0")
		}
		if f.Breached {
			q = q.Where("institutions.breached")
		}
		return q
	}
	page := filtered().Select("institutions.*").Order("institutions.rank, institutions.name, institutions.id").Limit(limit).Offset(offset)
	return db.Raw(judgedPageSQL, page, period.Key(), filtered().Select("count(*)"))
}
