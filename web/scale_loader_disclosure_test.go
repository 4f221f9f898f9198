package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"portal/models"
	"portal/web/webtest"
)

// The disclosure data of the scale loader (issue 11 §4): what a filed platform has told
// the portal after two years of supervision.

// scaleReportMonths is how many monthly reports each loaded filed institution has: the
// periods scaleFirstPeriod … 2026-10, the month due on the test clock's day (2026-11-23).
const scaleReportMonths = 24

var scaleFirstPeriod = models.Period{Year: 2024, Month: 11}

// loadScaleDisclosure gives the loaded filed institutions (about one in ten) their
// disclosure data, valid for the schema and the chains:
//   - the filing moves to November 2024 (certificate a few days before) and the file gets an
//     operating class, so every month from 2024-11 is due (seeds/003 §8) and the reserve
//     and compensation indicators can be judged (seeds/001 二(三)(四));
//   - scaleReportMonths monthly reports each, hash-chained per institution with
//     models.MonthlyReportHash (the chain VerifyReportChain walks) and written with COPY;
//     some submitted after the due day, some months never reported (the month now due for
//     one in ten, a month in the middle for another), some corrected by a second version,
//     some with a reserve or compensation below its floor;
//   - 48-hour events, open and closed (seeds/003 §10);
//   - for one in three, completed loan books of the last three months whose computed
//     figures equal the declared ones, except for one in nine (declared ≠ computed) and
//     cap violations for one in twelve (seeds/000 十);
//   - yearly documents for half of them, so the completeness scores differ.
//
// Which institution gets what follows a hash of its id, so both sizes have the same mix.
func loadScaleDisclosure(tb testing.TB, env *webtest.Env, db *sql.DB, firstInstitution int64) {
	tb.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("scale loader (disclosure): %v\n%s", err, q)
		}
	}
	exec(`UPDATE filings f SET filing_date = date '2024-11-01' + (f.application_id % 20)::int
		 WHERE f.institution_id >= $1`, firstInstitution)
	exec(`UPDATE certificates c SET issue_date = f.filing_date - 5
		  FROM filings f WHERE f.application_id = c.application_id AND f.institution_id >= $1`, firstInstitution)
	exec(`UPDATE institutions i SET operating_class = CASE WHEN i.id % 4 = 0 THEN 'national' ELSE 'single_province' END
		  FROM filings f WHERE f.institution_id = i.id AND i.id >= $1`, firstInstitution)

	cal, err := env.Store.LoadCalendar(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	type filed struct {
		id int64
		rs models.RuleSetID
	}
	rs, err := db.QueryContext(ctx, `SELECT i.id, COALESCE(cs.rule_set, ''), COALESCE(ps.rule_set, '')
		  FROM institutions i JOIN filings f ON f.institution_id = i.id
		  JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
		  LEFT JOIN disclosure_rule_settings cs ON cs.division_id = i.city_id
		  LEFT JOIN disclosure_rule_settings ps ON ps.division_id = i.province_id
		 WHERE i.id >= $1 ORDER BY i.id`, firstInstitution)
	if err != nil {
		tb.Fatal(err)
	}
	var insts []filed
	for rs.Next() {
		var f filed
		var city, province string
		if err := rs.Scan(&f.id, &city, &province); err != nil {
			tb.Fatal(err)
		}
		f.rs = models.EffectiveRuleSet(models.RuleSetID(province), models.RuleSetID(city))
		insts = append(insts, f)
	}
	rs.Close()
	if len(insts) == 0 {
		return
	}
	var nextID int64
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) + 1 FROM disclosure_reports").Scan(&nextID); err != nil {
		tb.Fatal(err)
	}
	dues := map[[2]any]models.Date{}
	dueOf := func(r models.RuleSetID, p models.Period) models.Date {
		k := [2]any{r, p}
		if d, ok := dues[k]; ok {
			return d
		}
		d, err := models.MonthlyReportDue(cal, r, p)
		if err != nil {
			tb.Fatalf("due day of %s under %s: %v", p, r, err)
		}
		dues[k] = d
		return d
	}

	// the reports, institution by institution, period by period, version by version: the
	// order of the ids, so each institution's chain runs in id order
	var rows [][]any
	for _, in := range insts {
		h := uint64(in.id) * 2654435761 % 1000003
		prev := models.GenesisHash
		for k := range scaleReportMonths {
			p := scaleFirstPeriod
			for range k {
				p = p.Next()
			}
			last := k == scaleReportMonths-1
			if last && h%10 == 0 || h%10 == 1 && k == int(h/10%22)+1 {
				continue // never reported
			}
			due := dueOf(in.rs, p)
			// on time: three days after the month end, 10:00; late: four days after the due day
			at := p.MonthEnd().AddDays(3).Start().Add(10 * time.Hour)
			if last && h%7 == 2 || (h+uint64(k))%13 == 0 {
				at = due.AddDays(4).Start().Add(10 * time.Hour)
			}
			versions := 1
			if last && h%5 == 0 {
				versions = 2
			}
			f := scaleFigures(h, k, p)
			for v := 1; v <= versions; v++ {
				m := models.MonthlyReport{ID: nextID, InstitutionID: in.id, Version: v, RuleSet: in.rs, Source: models.ReportSource("seed"),
					SubmittedAt: at.Add(time.Duration(v-1) * 48 * time.Hour).UTC().Truncate(time.Microsecond),
					DueAt:       due.AddDays(1).Start().UTC(), Figures: f, PrevHash: prev}
				if v > 1 {
					m.Note = "更正逾期金额"
					m.Figures.OverdueAmount += 100 * models.OneYuan
				}
				m.Hash = models.MonthlyReportHash(m)
				rows = append(rows, reportCopyRow(m))
				prev = m.Hash
				nextID++
			}
		}
	}
	copyRows(tb, db, "disclosure_reports", reportCopyColumns, rows)
	exec(fmt.Sprintf("SELECT setval('disclosure_reports_id_seq', %d)", nextID-1))

	// 48-hour events: one in six has one open since 2026-11-20 (past its 48 hours on the
	// test clock's day), one in four a closed one from June
	exec(`INSERT INTO disclosure_events (institution_id, kind, category, title, occurred_at, due_at, cause, current_state,
		    impact, measures, filed_at, closed_at, closing_note)
		SELECT i.id, 'major', e.category, e.title, e.occurred, e.occurred + interval '48 hours', '股东涉诉', '正在处理',
		       '影响有限', '已告知出借人', e.occurred + interval '5 hours', e.closed, CASE WHEN e.closed IS NULL THEN '' ELSE '已处置完毕' END
		  FROM institutions i JOIN filings f ON f.institution_id = i.id,
		  LATERAL (SELECT 'company_litigation' AS category, '公司涉及重大诉讼' AS title,
		                  timestamptz '2026-11-20 09:00+08' + (i.id % 50) * interval '1 hour' AS occurred, NULL::timestamptz AS closed
		            WHERE (i.id * 2654435761 % 1000003) % 6 = 0
		           UNION ALL
		           SELECT 'officer_litigation', '高管涉及诉讼', timestamptz '2026-06-01 09:00+08', timestamptz '2026-06-02 09:00+08'
		            WHERE (i.id * 2654435761 % 1000003) % 4 = 1) e
		 WHERE i.id >= $1`, firstInstitution)

	// loan books of the last three months for one in three, computed from the declared
	// figures of the latest version; one in nine differs in the balance and the M90+, one
	// in twelve has two borrowers above their cap
	exec(`INSERT INTO loanbook_imports (institution_id, period, rule_set, filename, sha256, size, kind, uploaded_by, uploaded_at,
		    state, rows_read, started_at, finished_at)
		SELECT r.institution_id, r.period, r.rule_set, '借款明细-' || r.period || '.csv',
		       encode(sha256(('scale-loanbook-' || r.institution_id || '-' || r.period)::bytea), 'hex'), 4096, 'csv',
		       (SELECT id FROM users WHERE username = 'province1'), r.submitted_at, 'done', r.balance_count,
		       r.submitted_at, r.submitted_at + interval '1 minute'
		  FROM disclosure_reports r
		 WHERE r.institution_id >= $1 AND r.version = 1 AND r.period >= 202608
		   AND (r.institution_id * 2654435761 % 1000003) % 3 = 0`, firstInstitution)
	exec(`INSERT INTO loanbook_figures (import_id, institution_id, period, rule_set, cumulative_amount, cumulative_count, balance,
		    balance_count, cumulative_borrowers, current_borrowers, top10_balance, largest_balance, top10_share,
		    largest_borrower_share, related_balance, related_count, overdue_amount, overdue_count, overdue90_amount,
		    overdue90_count, compensation_amount, compensation_count, cap_violations, computed_at)
		SELECT li.id, li.institution_id, li.period, li.rule_set, r.cumulative_amount, r.cumulative_count,
		       r.balance + CASE WHEN d.h % 9 = 0 THEN 5000000 ELSE 0 END, r.balance_count, r.cumulative_borrowers,
		       r.current_borrowers, r.balance * r.top10_share / 10000, r.balance * r.largest_borrower_share / 10000, r.top10_share,
		       r.largest_borrower_share, r.related_balance, r.related_count, r.overdue_amount, r.overdue_count,
		       r.overdue90_amount + CASE WHEN d.h % 9 = 0 THEN 2000000 ELSE 0 END, r.overdue90_count, r.compensation_amount,
		       r.compensation_count, CASE WHEN d.h % 12 = 0 THEN 2 ELSE 0 END, li.finished_at
		  FROM loanbook_imports li,
		  LATERAL (SELECT li.institution_id * 2654435761 % 1000003 AS h) d,
		  LATERAL (SELECT * FROM disclosure_reports r WHERE r.institution_id = li.institution_id AND r.period = li.period
		            ORDER BY r.version DESC LIMIT 1) r
		 WHERE li.institution_id >= $1`, firstInstitution)
	exec(`INSERT INTO loanbook_cap_violations (import_id, borrower_id, borrower_type, total, cap, loans)
		SELECT lf.import_id, 'SCALE' || lf.institution_id || '-' || b, CASE WHEN b = 1 THEN 'natural' ELSE 'legal' END,
		       CASE WHEN b = 1 THEN 30000000 ELSE 150000000 END, CASE WHEN b = 1 THEN 20000000 ELSE 100000000 END, 3 + b
		  FROM loanbook_figures lf, generate_series(1, 2) b
		 WHERE lf.institution_id >= $1 AND lf.cap_violations > 0`, firstInstitution)

	// yearly documents for half of them (the completeness score, seeds/002's weights)
	exec(`INSERT INTO disclosure_annual_docs (institution_id, year, kind, sha256, file_name, size, uploaded_by, uploaded_at, due_at)
		SELECT i.id, y.year, y.kind, encode(sha256(('scale-annual-' || i.id || y.kind || y.year)::bytea), 'hex'),
		       y.kind || '-' || y.year || '.pdf', 20480, (SELECT id FROM users WHERE username = 'province1'),
		       make_date(y.year, 1, 5)::timestamptz, make_date(y.year, 1, 11)::timestamptz
		  FROM institutions i JOIN filings f ON f.institution_id = i.id,
		       (VALUES (2025, 'basic'), (2026, 'basic'), (2026, 'audit')) y(year, kind)
		 WHERE i.id >= $1 AND (i.id * 2654435761 % 1000003) % 2 = 0`, firstInstitution)

	// the books and reports above were written around the store: the list 申报与测算不一致
	// is compared once, as the store does when a report or a book is written (00109)
	if err := env.Store.RebuildLoanBookMismatches(ctx, firstInstitution, time.Now()); err != nil {
		tb.Fatalf("scale loader (disclosure): mismatches: %v", err)
	}
}

// scaleFigures are month k's figures of the institution with hash h: a book growing by a
// little every month, M90+ and concentration below their declared shares, the reserve at
// 2% and the compensation fund at 4% of the balance (above the single-province floors of
// seeds/001 二(三)(四)) except for one in eight and one in eleven.
func scaleFigures(h uint64, k int, p models.Period) models.MonthlyFigures {
	bal := models.Money(int64(100+h%100+uint64(k)) * 1_000_000 * int64(models.OneYuan))
	f := models.MonthlyFigures{Period: p,
		CumulativeAmount: 3*bal + models.Money(int64(k)*10_000_000)*models.OneYuan, CumulativeCount: 5000 + int64(k)*100,
		Balance: bal, BalanceCount: 1000 + int64(k)*10,
		CumulativeLenders: 20000 + int64(k)*100, CumulativeBorrowers: 8000 + int64(k)*50, CurrentLenders: 3000, CurrentBorrowers: 1200,
		Top10Share: 15 * models.Percent, LargestBorrowerShare: 2 * models.Percent,
		OverdueAmount: bal / 50, OverdueCount: 20, Overdue90Amount: bal / 200, Overdue90Count: 5,
		CompensationAmount: models.Money(int64(k)*100_000) * models.OneYuan, CompensationCount: int64(k),
		FeeSchedule:        "按借款金额的 1% 收取平台服务费",
		RiskReserveBalance: bal / 50, CompensationBalance: bal / 25,
	}
	if h%8 == 3 {
		f.RiskReserveBalance = bal / 200
	}
	if h%11 == 4 {
		f.CompensationBalance = bal / 100
	}
	return f
}

var reportCopyColumns = []string{"id", "institution_id", "period", "version", "rule_set", "source", "submitted_by", "token_id",
	"submitted_at", "due_at", "note", "upload_sha256", "cumulative_amount", "cumulative_count", "balance", "balance_count",
	"cumulative_lenders", "cumulative_borrowers", "current_lenders", "current_borrowers", "top10_share", "largest_borrower_share",
	"related_balance", "related_count", "overdue_amount", "overdue_count", "overdue90_amount", "overdue90_count",
	"compensation_amount", "compensation_count", "fee_schedule", "risk_reserve_balance", "compensation_balance", "prev_hash", "hash"}

func reportCopyRow(m models.MonthlyReport) []any {
	f := m.Figures
	return []any{m.ID, m.InstitutionID, f.Period.Key(), m.Version, string(m.RuleSet), string(m.Source), m.SubmittedBy, m.TokenID,
		m.SubmittedAt, m.DueAt, m.Note, m.UploadSHA256, int64(f.CumulativeAmount), f.CumulativeCount, int64(f.Balance), f.BalanceCount,
		f.CumulativeLenders, f.CumulativeBorrowers, f.CurrentLenders, f.CurrentBorrowers, int64(f.Top10Share), int64(f.LargestBorrowerShare),
		int64(f.RelatedBalance), f.RelatedCount, int64(f.OverdueAmount), f.OverdueCount, int64(f.Overdue90Amount), f.Overdue90Count,
		int64(f.CompensationAmount), f.CompensationCount, f.FeeSchedule, int64(f.RiskReserveBalance), int64(f.CompensationBalance),
		m.PrevHash, m.Hash}
}

// copyRows writes rows into table with COPY.
func copyRows(tb testing.TB, db *sql.DB, table string, cols []string, rows [][]any) {
	tb.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		tb.Fatalf("copying %s: %v", table, err)
	}
}

// TestScaleLoaderDisclosureIsValid loads 400 institutions and checks what the disclosure
// part wrote: every loaded filed institution's chain verifies, the months run from 2024-11
// to 2026-10, and the mix has late and missing months, corrections, open events,
// mismatching loan books and cap violations.
func TestScaleLoaderDisclosureIsValid(t *testing.T) {
	env := webtest.New(t)
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := db.QueryRow("SELECT max(id) + 1 FROM institutions").Scan(&first); err != nil {
		t.Fatal(err)
	}
	loadScale(t, env, 400)
	var filed, reporting, minP, maxP, late, v2, open, mismatch, caps int64
	err = db.QueryRow(`SELECT
		(SELECT count(DISTINCT f.institution_id) FROM filings f JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
		  WHERE f.institution_id >= $1),
		(SELECT count(DISTINCT institution_id) FROM disclosure_reports WHERE institution_id >= $1),
		(SELECT min(period) FROM disclosure_reports WHERE institution_id >= $1),
		(SELECT max(period) FROM disclosure_reports WHERE institution_id >= $1),
		(SELECT count(*) FROM disclosure_reports WHERE institution_id >= $1 AND version = 1 AND submitted_at > due_at),
		(SELECT count(*) FROM disclosure_reports WHERE institution_id >= $1 AND version = 2),
		(SELECT count(*) FROM disclosure_events WHERE institution_id >= $1 AND closed_at IS NULL),
		(SELECT count(*) FROM loanbook_figures lf JOIN disclosure_reports r ON r.institution_id = lf.institution_id
		   AND r.period = lf.period AND r.version = 1 WHERE lf.institution_id >= $1 AND lf.balance <> r.balance),
		(SELECT count(*) FROM loanbook_cap_violations v JOIN loanbook_imports li ON li.id = v.import_id WHERE li.institution_id >= $1)`,
		first).Scan(&filed, &reporting, &minP, &maxP, &late, &v2, &open, &mismatch, &caps)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("filed %d, reporting %d, periods %d–%d, late %d, corrections %d, open events %d, mismatches %d, cap violations %d",
		filed, reporting, minP, maxP, late, v2, open, mismatch, caps)
	if filed < 20 || reporting != filed || minP != 202411 || maxP != 202610 {
		t.Errorf("filed %d, reporting %d, periods %d–%d; want every filed institution reporting 202411–202610", filed, reporting, minP, maxP)
	}
	if late == 0 || v2 == 0 || open == 0 || mismatch == 0 || caps == 0 {
		t.Errorf("the mix lacks a kind: late %d, corrections %d, open events %d, mismatches %d, cap violations %d", late, v2, open, mismatch, caps)
	}
	var missing int64
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT institution_id FROM disclosure_reports WHERE institution_id >= $1
		GROUP BY institution_id HAVING count(DISTINCT period) < 24) m`, first).Scan(&missing); err != nil {
		t.Fatal(err)
	}
	if missing == 0 {
		t.Error("no loaded institution misses a month")
	}
	rows, err := db.Query("SELECT DISTINCT institution_id FROM disclosure_reports WHERE institution_id >= $1", first)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		brk, n, err := env.Store.VerifyReportChain(context.Background(), id)
		if err != nil || brk != nil || n < 22 {
			t.Fatalf("institution %d: chain of %d versions: break %+v, %v", id, n, brk, err)
		}
	}
}

// TestScaleLoaderFiledOption loads 66 institutions of which 60 are filed (the option
// BenchmarkDashboardScale uses, at 20,000): exactly those 60 are filed and report, each
// with 22–24 months (a missing month for some) and a chain that verifies; the 6 others
// are in other states; the counters stay exact.
func TestScaleLoaderFiledOption(t *testing.T) {
	env := webtest.New(t)
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var first int64
	if err := db.QueryRow("SELECT max(id) + 1 FROM institutions").Scan(&first); err != nil {
		t.Fatal(err)
	}
	loadScaleWith(t, env, 66, scaleOptions{filed: 60})
	var insts, filed, other, reporting, versions int64
	err = db.QueryRow(`SELECT
		(SELECT count(*) FROM institutions WHERE id >= $1),
		(SELECT count(*) FROM applications a JOIN filings f ON f.application_id = a.id WHERE a.state = 'filed' AND a.institution_id >= $1),
		(SELECT count(*) FROM applications WHERE state <> 'filed' AND institution_id >= $1),
		(SELECT count(DISTINCT institution_id) FROM disclosure_reports WHERE institution_id >= $1),
		(SELECT count(*) FROM disclosure_reports WHERE institution_id >= $1)`, first).
		Scan(&insts, &filed, &other, &reporting, &versions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("institutions %d, filed %d, other %d, reporting %d, report versions %d", insts, filed, other, reporting, versions)
	if insts != 66 || filed != 60 || other != 6 || reporting != 60 {
		t.Errorf("institutions %d, filed %d, other %d, reporting %d; want 66, 60, 6, 60", insts, filed, other, reporting)
	}
	// 60 × 24 months, less the months never reported, plus the corrections
	if versions < 60*22 || versions > 60*25 {
		t.Errorf("%d report versions; want about 60 × 24", versions)
	}
	var wrongCounters int
	if err := db.QueryRow(`SELECT count(*) FROM (
			SELECT district_id, city_id, province_id, state, balance >= $1 AS large, count(*) AS n FROM applications GROUP BY 1, 2, 3, 4, 5) a
			FULL JOIN (SELECT * FROM application_counts WHERE n <> 0) c USING (district_id, city_id, province_id, state, large)
			WHERE a.n IS DISTINCT FROM c.n`, int64(models.LargeScaleThreshold)).Scan(&wrongCounters); err != nil {
		t.Fatal(err)
	}
	if wrongCounters != 0 {
		t.Errorf("%d application counters differ from the COUNT of the loaded rows", wrongCounters)
	}
	rows, err := db.Query("SELECT DISTINCT institution_id FROM disclosure_reports WHERE institution_id >= $1", first)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		brk, n, err := env.Store.VerifyReportChain(context.Background(), id)
		if err != nil || brk != nil || n < 22 {
			t.Fatalf("institution %d: chain of %d versions: break %+v, %v", id, n, brk, err)
		}
	}
}
