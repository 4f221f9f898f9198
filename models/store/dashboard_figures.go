package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// The dashboards' precomputed figures (issue 12 §4), in two tables (migration 00105):
// disclosure_month_facts, one row per institution and month reported, and
// dashboard_figures, the counts and sums of each district. A dashboard adds up its
// districts' rows: a few hundred rows, from the primary key, whatever the number of
// institutions, reports or decisions.
//
// Why the same transaction, not a job: the figures are the officers' working numbers
// (在办, 逾期, 按时报送), checked against the lists they link to; a job would leave them
// behind the lists by its period, and the page would need a second clock to explain it.
// Refreshing in the writer's transaction keeps them exact at every commit, and costs
// little: a write refreshes only its own district, by recomputing that district's rows
// from the base tables (a few hundred institutions), not by adding deltas, so a missed
// case cannot drift. The writers that refresh: a report version (submitReport), every
// workflow decision (decideIn, which also starts and ends the public notices), a major
// event filed or closed (FileEvent, CloseEvent), an exit record (RecordExit) and the institution file
// (SaveInstitutionFile: the classification and the operating class). Bulk loads that
// write the base tables directly (the demo seed, the scale loader) call
// RefreshDashboardFigures once afterwards, which recomputes everything.
//
// A district's refresh takes a transaction-scoped advisory lock on the district, so two
// writers of one district recompute one after the other and the second sees the first's
// rows.

// dashboardLockClass is the advisory lock class of a district's figures (the decision
// chain uses 7301).
const dashboardLockClass = 7302

// refreshInstitutionDistrict recomputes every figure of the institution's district, inside tx.
func refreshInstitutionDistrict(tx *gorm.DB, institutionID int64) error {
	var district int64
	if err := tx.Raw("SELECT district_id FROM institutions WHERE id = ?", institutionID).Scan(&district).Error; err != nil {
		return err
	}
	return refreshDistrictFigures(tx, district)
}

// refreshDistrictFigures recomputes the district's rows of dashboard_figures from the
// base tables and the month facts.
func refreshDistrictFigures(tx *gorm.DB, district int64) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?::int, ?::int)", dashboardLockClass, district).Error; err != nil {
		return err
	}
	if err := tx.Exec("DELETE FROM dashboard_figures WHERE district_id = ?", district).Error; err != nil {
		return err
	}
	sql, args := figuresSQL("i.district_id = ?", district)
	return tx.Exec(sql, args...).Error
}

// RefreshDashboardFigures recomputes every precomputed figure: the month facts from the
// reports, then every district's figures, and drops the stored scores (00122). It is for data written around the store (the
// demo seed, bulk loads); the store's own writers keep the figures exact themselves.
func (s *Store) RefreshDashboardFigures(ctx context.Context) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return refreshAllFigures(tx) })
}

func refreshAllFigures(tx *gorm.DB) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?::int, 0)", dashboardLockClass).Error; err != nil {
		return err
	}
	if err := tx.Exec("TRUNCATE disclosure_month_facts, dashboard_figures").Error; err != nil {
		return err
	}
	// the stored scores are built again, month by month, as they are asked for
	if err := resetScores(tx); err != nil {
		return err
	}
	if err := writeMonthFacts(tx, "true"); err != nil {
		return err
	}
	sql, args := figuresSQL("true")
	return tx.Exec(sql, args...).Error
}

// refreshInstitutionFacts recomputes the institution's month facts from its reports.
func refreshInstitutionFacts(tx *gorm.DB, institutionID int64) error {
	if err := tx.Exec("DELETE FROM disclosure_month_facts WHERE institution_id = ?", institutionID).Error; err != nil {
		return err
	}
	return writeMonthFacts(tx, "r.institution_id = ?", institutionID)
}

// monthFact is one row of disclosure_month_facts.
type monthFact struct {
	InstitutionID int64
	Period        int
	DistrictID    int64
	FirstAt       time.Time
	DueAt         time.Time
	Version       int
	Balance       int64
	M90Band       *int
	Shortfalls    []string
}

// factOf is what the dashboards keep of a month: the latest version's M90+ band and the
// indicators it breaches, judged as the officers' list judges them (monitorRows: a filed
// institution, so the balance rise is not a breach and the month before does not count;
// no loan book, so no borrower cap).
func factOf(r reportRow, district int64, class string, firstAt, dueAt time.Time) monthFact {
	m := r.model()
	f := monthFact{InstitutionID: r.InstitutionID, Period: r.Period, DistrictID: district, FirstAt: firstAt, DueAt: dueAt,
		Version: r.Version, Balance: r.Balance}
	if band, ok := models.M90Band(m.Figures); ok {
		f.M90Band = &band
	}
	is := models.ComputeIndicatorsFor(models.IndicatorInput{Class: models.OperatingClass(class), Cur: m.Figures,
		CapViolations: -1, Filed: true})
	for _, b := range is.Breaches() {
		f.Shortfalls = append(f.Shortfalls, b.Name)
	}
	return f
}

// factBatch is how many facts one INSERT writes.
const factBatch = 1000

// factChunk is how many institutions' reports one statement of writeMonthFacts reads.
const factChunk = 200

// writeMonthFacts computes the facts of the reports of the institutions the filter
// selects (over disclosure_reports r) and inserts them, factChunk institutions at a time
// (each read from the reports' unique index), so a bulk refresh never holds every report
// in memory.
func writeMonthFacts(tx *gorm.DB, filter string, args ...any) error {
	var ids []int64
	if err := tx.Raw(`SELECT DISTINCT r.institution_id FROM disclosure_reports r WHERE `+filter+` ORDER BY 1`, args...).
		Scan(&ids).Error; err != nil {
		return err
	}
	for lo := 0; lo < len(ids); lo += factChunk {
		chunk := ids[lo:min(lo+factChunk, len(ids))]
		var batch []struct {
			Row          reportRow `gorm:"embedded"`
			FactDistrict int64
			FactClass    string
			FactFirst    time.Time
			FactDue      time.Time
		}
		err := tx.Raw(`SELECT DISTINCT ON (r.institution_id, r.period) r.*, i.district_id AS fact_district,
				i.operating_class AS fact_class,
				min(r.submitted_at) OVER w AS fact_first, min(r.due_at) OVER w AS fact_due
			FROM disclosure_reports r JOIN institutions i ON i.id = r.institution_id
			WHERE r.institution_id IN ?
			WINDOW w AS (PARTITION BY r.institution_id, r.period)
			ORDER BY r.institution_id, r.period, r.version DESC`, chunk).Scan(&batch).Error
		if err != nil {
			return err
		}
		facts := make([]monthFact, len(batch))
		for i, r := range batch {
			facts[i] = factOf(r.Row, r.FactDistrict, r.FactClass, r.FactFirst, r.FactDue)
		}
		for at := 0; at < len(facts); at += factBatch {
			if err := insertFacts(tx, facts[at:min(at+factBatch, len(facts))]); err != nil {
				return err
			}
		}
	}
	return nil
}

func insertFacts(tx *gorm.DB, fs []monthFact) error {
	if len(fs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO disclosure_month_facts (institution_id, period, district_id, first_at, due_at, version,
		balance, m90_band, shortfalls) VALUES `)
	args := make([]any, 0, len(fs)*9)
	for i, f := range fs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?::text[])")
		args = append(args, f.InstitutionID, f.Period, f.DistrictID, f.FirstAt, f.DueAt, f.Version, f.Balance, f.M90Band,
			pgTextArray(f.Shortfalls))
	}
	return tx.Exec(b.String(), args...).Error
}

// pgTextArray is the literal of a text[] (gorm would spread a Go slice into a list).
func pgTextArray(ss []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// figuresSQL is the INSERT of dashboard_figures for the districts the filter (over
// institutions i) selects: the acceptance kinds from applications and decisions, the
// disclosure kinds from the month facts of the filed institutions. Each is exactly what
// the dashboards used to aggregate live, grouped by district.
func figuresSQL(filter string, filterArgs ...any) (string, []any) {
	// args follow the placeholders in the text's order: Go evaluates the concatenation
	// left to right, and each part appends its own.
	var args []any
	f := func() string { args = append(args, filterArgs...); return filter }
	stages := func() string {
		var vs []string
		for pos, st := range models.AcceptanceFunnel {
			for _, s := range st.States {
				vs = append(vs, "(?::int, ?::text)")
				args = append(args, pos, string(s))
			}
		}
		return strings.Join(vs, ", ")
	}
	windDown := func() string { args = append(args, models.ExitWindDown); return "?" }
	var b strings.Builder
	b.WriteString(`WITH filed AS (SELECT i.id, i.district_id, MIN(f.filing_date) AS filed_on
			FROM institutions i JOIN filings f ON f.institution_id = i.id
			JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
			WHERE ` + f() + ` GROUP BY i.id),
		x AS (SELECT x.period, x.first_at, x.due_at, x.balance, x.m90_band, x.shortfalls, filed.district_id,
			(extract(year FROM filed.filed_on) * 100 + extract(month FROM filed.filed_on))::int AS filed_period
			FROM disclosure_month_facts x JOIN filed ON filed.id = x.institution_id),
		gaps AS (SELECT filed.district_id, fm + (SELECT count(*) FROM (
				SELECT (x.period / 100) * 12 + x.period % 100 - 1 AS m, row_number() OVER (ORDER BY x.period) - 1 AS k
				FROM disclosure_month_facts x WHERE x.institution_id = filed.id
					AND (x.period / 100) * 12 + x.period % 100 - 1 >= fm) r WHERE r.m - fm = r.k) AS gm
			FROM filed, LATERAL (SELECT (extract(year FROM filed.filed_on) * 12 + extract(month FROM filed.filed_on) - 1)::int AS fm) l),
		stays AS (SELECT i.district_id, d.to_state, d.at,
				lead(d.at) OVER (PARTITION BY d.application_id ORDER BY d.id) AS next_at
			FROM decisions d JOIN applications a ON a.id = d.application_id JOIN institutions i ON i.id = a.institution_id
			WHERE ` + f() + `)
	INSERT INTO dashboard_figures (district_id, kind, period, key, n, amount)
	SELECT i.district_id, 'state', 0, a.state, count(*), 0
		FROM applications a JOIN institutions i ON i.id = a.institution_id
		WHERE ` + f() + ` AND a.state <> 'draft' GROUP BY 1, 4
	UNION ALL
	SELECT i.district_id, 'funnel', 0, s.pos::text, count(DISTINCT d.application_id), 0
		FROM decisions d JOIN applications a ON a.id = d.application_id JOIN institutions i ON i.id = a.institution_id
		JOIN (VALUES ` + stages() + `) AS s(pos, state) ON s.state = d.to_state
		WHERE ` + f() + ` GROUP BY 1, s.pos
	UNION ALL
	SELECT district_id, 'stay', 0, to_state, count(*), sum(extract(epoch FROM next_at - at))
		FROM stays WHERE next_at IS NOT NULL GROUP BY 1, 4
	UNION ALL
	SELECT i.district_id, 'class', 0, i.classification, count(*), 0 FROM institutions i
		WHERE ` + f() + ` GROUP BY 1, 4
	UNION ALL
	SELECT i.district_id, 'exit', 0, a.exit_class, count(*), 0
		FROM applications a JOIN institutions i ON i.id = a.institution_id
		WHERE ` + f() + ` AND a.exit_class <> '' GROUP BY 1, 4
	UNION ALL
	SELECT i.district_id, 'wind_down', to_char(e.recorded_at, 'YYYYMM')::int, '', count(*), 0
		FROM exit_records e JOIN applications a ON a.id = e.application_id JOIN institutions i ON i.id = a.institution_id
		WHERE ` + f() + ` AND e.exit_class = ` + windDown() + ` GROUP BY 1, 3
	UNION ALL
	SELECT i.district_id, 'notice', to_char(n.end_date, 'YYYYMMDD')::int, '', count(*), 0
		FROM notices n JOIN institutions i ON i.id = n.institution_id
		WHERE ` + f() + ` AND n.status = 'active' GROUP BY 1, 3
	UNION ALL
	SELECT district_id, 'filed', (extract(year FROM filed_on) * 100 + extract(month FROM filed_on))::int, '', count(*), 0
		FROM filed GROUP BY 1, 3
	UNION ALL
	SELECT filed.district_id, 'events', 0, '', count(*), 0
		FROM filed JOIN disclosure_events e ON e.institution_id = filed.id AND e.kind = 'major' AND e.closed_at IS NULL
		GROUP BY 1
	UNION ALL
	SELECT district_id, 'gap', (gm / 12) * 100 + gm % 12 + 1, '', count(*), 0 FROM gaps GROUP BY 1, 3
	UNION ALL
	SELECT district_id, 'reported', period, '', count(*), sum(balance) FROM x GROUP BY 1, 3
	UNION ALL
	SELECT district_id, 'on_time', period, '', count(*), 0 FROM x WHERE first_at <= due_at GROUP BY 1, 3
	UNION ALL
	SELECT district_id, 'early', period, '', count(*), 0 FROM x WHERE filed_period > period GROUP BY 1, 3
	UNION ALL
	SELECT district_id, 'm90', period, m90_band::text, count(*), 0 FROM x WHERE m90_band IS NOT NULL GROUP BY 1, 3, 4
	UNION ALL
	SELECT district_id, 'short', period, s, count(*), 0 FROM x, unnest(x.shortfalls) AS s GROUP BY 1, 3, 4`)
	return b.String(), args
}

// scopeDistricts is the districts of the user's jurisdiction, as scopeInstitutions sees
// the institutions: a query of divisions d (the district) and c (its city).
func scopeDistricts(q *gorm.DB, u *models.User) *gorm.DB {
	q = q.Where("d.level = 'district'")
	switch u.Role {
	case models.RoleDistrict:
		return q.Where("d.id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleCity:
		return q.Where("d.parent_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleProvince:
		return q.Where("c.parent_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleAdmin:
		return q
	}
	return q.Where("false")
}
