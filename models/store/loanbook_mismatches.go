package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"portal/models"
)

// The list 申报与测算不一致 reads loanbook_mismatches (migration 00109): one row per
// (institution, period) whose latest declared report differs from its latest completed
// loan book, by the pure rule models.CompareFiguresOn over models.LoanBookFieldKeys. The
// row is written where the comparison changes: a report version (submitReport) and the
// completion of an import (loadLoanBook), in their transactions; the later of the two
// makes the comparison. Under the institution's row lock both see each other's rows.

// mismatchPairSQL reads, for one (institution, period), the latest completed loan book
// (highest import id, loanbook_figures_inst) and the latest report version, with the items
// of models.LoanBookFieldKeys of each side: declared first, then computed.
func mismatchPairSQL(where string) string {
	cols := []string{"lf.institution_id", "lf.period", "lf.import_id", "dr.version"}
	for _, k := range models.LoanBookFieldKeys {
		cols = append(cols, "dr."+k)
	}
	for _, k := range models.LoanBookFieldKeys {
		cols = append(cols, "lf."+k)
	}
	return `SELECT ` + strings.Join(cols, ", ") + `
		FROM loanbook_figures lf
		JOIN LATERAL (SELECT * FROM disclosure_reports r WHERE r.institution_id = lf.institution_id AND r.period = lf.period
			ORDER BY r.version DESC LIMIT 1) dr ON true
		WHERE lf.import_id = (SELECT max(x.import_id) FROM loanbook_figures x WHERE x.institution_id = lf.institution_id AND x.period = lf.period)
		  AND ` + where
}

// mismatchPair is one comparison read by mismatchPairSQL.
type mismatchPair struct {
	InstitutionID int64
	Period        int
	ImportID      int64
	Version       int
	vals          []int64
}

func (p *mismatchPair) dest() []any {
	p.vals = make([]int64, 2*len(models.LoanBookFieldKeys))
	d := []any{&p.InstitutionID, &p.Period, &p.ImportID, &p.Version}
	for i := range p.vals {
		d = append(d, &p.vals[i])
	}
	return d
}

// diffs is the pure comparison of the pair: the texts of the differing items.
func (p *mismatchPair) diffs() []string {
	var declared, computed models.MonthlyFigures
	declared.Period, computed.Period = periodOfKey(p.Period), periodOfKey(p.Period)
	n := len(models.LoanBookFieldKeys)
	for i, k := range models.LoanBookFieldKeys {
		ff, _ := models.MonthlyFigureFieldOf(k)
		ff.Set(&declared, p.vals[i])
		ff.Set(&computed, p.vals[n+i])
	}
	var out []string
	for _, d := range models.CompareFiguresOn(declared, computed, models.LoanBookFieldKeys) {
		out = append(out, d.Text)
	}
	return out
}

const (
	mismatchUpsertSQL = `INSERT INTO loanbook_mismatches (institution_id, period, import_id, report_version, fields, compared_at)
		VALUES ($1, $2, $3, $4, string_to_array($5, E'\n'), $6)
		ON CONFLICT (institution_id, period) DO UPDATE SET import_id = EXCLUDED.import_id,
			report_version = EXCLUDED.report_version, fields = EXCLUDED.fields, compared_at = EXCLUDED.compared_at`
	mismatchDeleteSQL = `DELETE FROM loanbook_mismatches WHERE institution_id = $1 AND period = $2`
)

// qmarks writes the numbered placeholders of a pgx statement as gorm's.
func qmarks(q string) string {
	for i := 9; i >= 1; i-- {
		q = strings.ReplaceAll(q, fmt.Sprintf("$%d", i), "?")
	}
	return q
}

// refreshMismatchGorm rewrites the row of (institution, period) inside a gorm transaction
// that holds the institution's row lock (submitReport).
func refreshMismatchGorm(tx *gorm.DB, instID int64, period int, at time.Time) error {
	var p mismatchPair
	row := tx.Raw(mismatchPairSQL("lf.institution_id = ? AND lf.period = ?"), instID, period).Row()
	if err := row.Scan(p.dest()...); errors.Is(err, sql.ErrNoRows) {
		return tx.Exec(qmarks(mismatchDeleteSQL), instID, period).Error
	} else if err != nil {
		return err
	}
	if d := p.diffs(); len(d) > 0 {
		return tx.Exec(qmarks(mismatchUpsertSQL), instID, period, p.ImportID, p.Version, strings.Join(d, "\n"), at).Error
	}
	return tx.Exec(qmarks(mismatchDeleteSQL), instID, period).Error
}

// refreshMismatchPgx is the same inside the import's pgx transaction; it takes the
// institution's row lock first, as submitReport does, so that of a report and a book
// committed together the later one compares with the other.
func refreshMismatchPgx(ctx context.Context, tx pgx.Tx, instID int64, period int, at time.Time) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM institutions WHERE id = $1 FOR UPDATE`, instID); err != nil {
		return err
	}
	var p mismatchPair
	err := tx.QueryRow(ctx, mismatchPairSQL("lf.institution_id = $1 AND lf.period = $2"), instID, period).Scan(p.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, mismatchDeleteSQL, instID, period)
		return err
	} else if err != nil {
		return err
	}
	if d := p.diffs(); len(d) > 0 {
		_, err = tx.Exec(ctx, mismatchUpsertSQL, instID, period, p.ImportID, p.Version, strings.Join(d, "\n"), at)
	} else {
		_, err = tx.Exec(ctx, mismatchDeleteSQL, instID, period)
	}
	return err
}

// RebuildLoanBookMismatches recompares every (institution, period) of the institutions
// with an id from firstInstitution on, in one transaction: for data written around the
// store (the benchmark loader's SQL, a restore).
func (s *Store) RebuildLoanBookMismatches(ctx context.Context, firstInstitution int64, at time.Time) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM loanbook_mismatches WHERE institution_id >= ?", firstInstitution).Error; err != nil {
			return err
		}
		rows, err := tx.Raw(mismatchPairSQL("lf.institution_id >= ?"), firstInstitution).Rows()
		if err != nil {
			return err
		}
		type rec struct {
			inst    int64
			period  int
			imp     int64
			version int
			fields  []string
		}
		var out []rec
		for rows.Next() {
			var p mismatchPair
			if err := rows.Scan(p.dest()...); err != nil {
				rows.Close()
				return err
			}
			if d := p.diffs(); len(d) > 0 {
				out = append(out, rec{p.InstitutionID, p.Period, p.ImportID, p.Version, d})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for from := 0; from < len(out); from += 1000 {
			batch := out[from:min(from+1000, len(out))]
			var sb strings.Builder
			args := []any{}
			sb.WriteString("INSERT INTO loanbook_mismatches (institution_id, period, import_id, report_version, fields, compared_at) VALUES ")
			for i, r := range batch {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, string_to_array(?, E'\\n'), ?)")
				args = append(args, r.inst, r.period, r.imp, r.version, strings.Join(r.fields, "\n"), at)
			}
			if err := tx.Exec(sb.String(), args...).Error; err != nil {
				return fmt.Errorf("loanbook_mismatches: %w", err)
			}
		}
		return nil
	})
}

// MismatchRow is one (institution, period) of the list 申报与测算不一致.
type MismatchRow struct {
	InstitutionID   int64
	InstitutionName string
	DistrictName    string
	Period          models.Period
	ImportID        int64
	Fields          []string // one text per differing item (models.FigureDiff.Text)
}

type mismatchSQLRow struct {
	InstitutionID   int64
	InstitutionName string
	DistrictName    string
	Period          int
	ImportID        int64
	Fields          string // the texts, one a line
}

func (r mismatchSQLRow) row() MismatchRow {
	return MismatchRow{InstitutionID: r.InstitutionID, InstitutionName: r.InstitutionName, DistrictName: r.DistrictName,
		Period: periodOfKey(r.Period), ImportID: r.ImportID, Fields: strings.Split(r.Fields, "\n")}
}

const (
	mismatchColumns = `institutions.id AS institution_id, institutions.name AS institution_name, dv.name AS district_name,
		m.period, m.import_id, array_to_string(m.fields, E'\n') AS fields`
	mismatchOrder = "m.period DESC, institutions.name, institutions.id"
)

// mismatchQuery is the list's filtered query over the jurisdiction's institutions.
func (s *Store) mismatchQuery(ctx context.Context, u *models.User, f LoanBookCheckFilter) *gorm.DB {
	q := scopeInstitutionsDirect(s.db.WithContext(ctx).Table("institutions"), u).
		Joins("JOIN divisions dv ON dv.id = institutions.district_id").
		Joins("JOIN loanbook_mismatches m ON m.institution_id = institutions.id")
	if f.Period.Valid() {
		q = q.Where("m.period = ?", f.Period.Key())
	}
	if f.DistrictID > 0 {
		q = q.Where("institutions.district_id = ?", f.DistrictID)
	}
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	return q
}

// MismatchList pages through the list 申报与测算不一致 of the user's jurisdiction, newest
// period first: two statements (the count and the page) whatever its size.
func (s *Store) MismatchList(ctx context.Context, u *models.User, f LoanBookCheckFilter, p models.Page) ([]MismatchRow, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.mismatchQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []mismatchSQLRow
	err := s.mismatchQuery(ctx, u, f).Select(mismatchColumns).Order(mismatchOrder).
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	out := make([]MismatchRow, len(rows))
	for i, r := range rows {
		out[i] = r.row()
	}
	return out, total, err
}

// EachMismatch calls fn for every row of the list with the filter, in its order, streamed.
func (s *Store) EachMismatch(ctx context.Context, u *models.User, f LoanBookCheckFilter, fn func(MismatchRow) error) error {
	return streamRows(s.mismatchQuery(ctx, u, f).Select(mismatchColumns).Order(mismatchOrder),
		func(r mismatchSQLRow) error { return fn(r.row()) })
}
