package store

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"portal/models"
)

// Loan books (借款明细, issue 11): an import is created by the upload and run by a
// worker. The run loads the valid rows with COPY into the import's own partition of
// loanbook_loans, records the refused ones, then computes the monthly figures and the cap
// violations by SQL aggregation, all in one transaction: an interrupted run leaves
// nothing and is simply run again. Only the progress counters are written outside it, so
// the import page can show them while the run goes on.

// Import states.
const (
	ImportQueued  = "queued"
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// LoanBookImport is one uploaded loan book.
type LoanBookImport struct {
	ID            int64
	InstitutionID int64
	Period        models.Period `gorm:"-"`
	PeriodKey     int           `gorm:"column:period"`
	RuleSet       models.RuleSetID
	Filename      string
	SHA256        string `gorm:"column:sha256"`
	Size          int64
	Kind          models.FileKind
	UploadedBy    int64
	UploadedAt    time.Time
	State         string
	RowsRead      int64
	RowsRefused   int64
	Attempts      int
	Error         string
	StartedAt     *time.Time
	FinishedAt    *time.Time
}

func (LoanBookImport) TableName() string { return "loanbook_imports" }

// StateLabel is the state in Chinese.
func (i LoanBookImport) StateLabel() string {
	switch i.State {
	case ImportQueued:
		return "排队中"
	case ImportRunning:
		return "导入中"
	case ImportDone:
		return "已完成"
	case ImportFailed:
		return "失败"
	}
	return i.State
}

// Finished says the import will not change any more.
func (i LoanBookImport) Finished() bool { return i.State == ImportDone || i.State == ImportFailed }

func (i *LoanBookImport) fill() { i.Period = periodOfKey(i.PeriodKey) }

// ImportLoanBookArgs is the River job that runs one import (web/jobs/import_loan_book.go),
// inserted in the transaction that records the upload. Its own queue bounds how many
// imports run at once; a job left running by a stopped server is rescued by River and
// runs the import again from the file.
type ImportLoanBookArgs struct {
	ImportID int64 `json:"import_id"`
}

// Kind names the job in River's tables.
func (ImportLoanBookArgs) Kind() string { return "import_loan_book" }

// LoanBookQueue is the River queue of the imports.
const LoanBookQueue = "loanbooks"

// InsertOpts: one job per import, on the imports' queue.
func (ImportLoanBookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: MaxImportAttempts, Queue: LoanBookQueue, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// CreateLoanBookImport records an uploaded book for the platform's own institution and
// enqueues its import job in the same transaction, under the rule set that binds the
// institution now.
func (s *Store) CreateLoanBookImport(ctx context.Context, a Actor, p models.Period, f FileRef) (*LoanBookImport, error) {
	u := a.User
	if u == nil || u.Role != models.RolePlatform || u.InstitutionID == nil {
		return nil, models.Errorf(models.EForbidden, "只有网贷机构可以上传借款明细")
	}
	if !p.Valid() {
		return nil, models.Errorf(models.EInvalid, "报告期无效")
	}
	if f.Kind != models.KindCSV && f.Kind != models.KindXLSX {
		return nil, models.Errorf(models.EInvalid, "借款明细只接受 CSV 或 XLSX 文件")
	}
	imp := &LoanBookImport{InstitutionID: *u.InstitutionID, PeriodKey: p.Key(), Filename: f.Name, SHA256: f.SHA256,
		Size: f.Size, Kind: f.Kind, UploadedBy: u.ID, UploadedAt: a.Now, State: ImportQueued}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		rs, err := institutionRuleSet(tx, imp.InstitutionID)
		if err != nil {
			return err
		}
		imp.RuleSet = rs
		if err := tx.Create(imp).Error; err != nil {
			return err
		}
		if err := s.insertJob(ctx, tx, ImportLoanBookArgs{ImportID: imp.ID}); err != nil {
			return err
		}
		return audit(tx, a, "上传借款明细", fmt.Sprintf("借款明细导入 #%d", imp.ID),
			fmt.Sprintf("报告期 %s；%s；SHA-256 %s", p, f.Name, f.SHA256))
	})
	if err != nil {
		return nil, err
	}
	imp.fill()
	return imp, nil
}

// LoanBookImport loads an import the user may see (the platform its own, officers their
// jurisdiction's).
func (s *Store) LoanBookImport(ctx context.Context, u *models.User, id int64) (*LoanBookImport, error) {
	var imp LoanBookImport
	q := scopeInstitutions(s.db.WithContext(ctx).Model(&LoanBookImport{}).
		Joins("JOIN institutions ON institutions.id = loanbook_imports.institution_id"), u)
	if err := q.Select("loanbook_imports.*").Where("loanbook_imports.id = ?", id).Take(&imp).Error; err != nil {
		return nil, notFound(err, "借款明细导入")
	}
	imp.fill()
	return &imp, nil
}

// LoanBookImports lists an institution's imports, newest first.
func (s *Store) LoanBookImports(ctx context.Context, institutionID int64, p models.Page) ([]LoanBookImport, int64, error) {
	var total int64
	q := s.db.WithContext(ctx).Model(&LoanBookImport{}).Where("institution_id = ?", institutionID)
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var out []LoanBookImport
	if err := q.Order("id DESC").Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].fill()
	}
	return out, total, nil
}

// OpenLoanBookImports are the imports queued or left running, oldest first.
func (s *Store) OpenLoanBookImports(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&LoanBookImport{}).Where("state IN ?", []string{ImportQueued, ImportRunning}).
		Order("id").Pluck("id", &ids).Error
	return ids, err
}

// LoanBookRefused pages through an import's refused rows in row order.
func (s *Store) LoanBookRefused(ctx context.Context, importID int64, afterRow int64, limit int) ([]models.RefusedRow, error) {
	var out []models.RefusedRow
	err := s.db.WithContext(ctx).Raw(`SELECT row_no AS row, loan_id, reason FROM loanbook_refused
		WHERE import_id = ? AND row_no > ? ORDER BY row_no LIMIT ?`, importID, afterRow, limit).Scan(&out).Error
	return out, err
}

// progressStride is how many rows are read between two progress updates.
const progressStride = 20000

// MaxImportAttempts: an import that stopped the server (or met a database error) this many
// times is failed instead of tried again.
const MaxImportAttempts = 3

// RunLoanBookImport runs one import: claims it (another worker's claim wins), reads the
// book from open, loads, checks and computes, and marks it done or failed. The error
// returned is the server's (the database gone); a book's own faults end as a failed
// import with the reason, and nil.
func (s *Store) RunLoanBookImport(ctx context.Context, id int64, now func() time.Time, open func(sha256 string) (io.ReadCloser, error)) error {
	return s.pgxConn(ctx, func(c *pgx.Conn) error {
		// One run per import at a time, across workers and processes: a session lock,
		// released when the run ends or its connection dies with the process.
		var locked bool
		if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock(8311, $1::int)`, id).Scan(&locked); err != nil {
			return err
		}
		if !locked {
			return ErrImportBusy
		}
		defer c.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(8311, $1::int)`, id)
		var imp LoanBookImport
		claimed := false
		err := s.tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Raw(`SELECT * FROM loanbook_imports WHERE id = ? FOR UPDATE`, id).Scan(&imp).Error; err != nil {
				return err
			}
			if imp.ID == 0 || imp.Finished() {
				return nil
			}
			claimed = true
			if imp.Attempts >= MaxImportAttempts {
				imp.State = ImportFailed
				return tx.Model(&imp).Updates(map[string]any{"state": ImportFailed, "finished_at": now(),
					"error": "导入多次中断，未能完成，请重新上传；如仍失败请联系系统管理员"}).Error
			}
			return tx.Model(&imp).Updates(map[string]any{"state": ImportRunning, "attempts": imp.Attempts + 1,
				"started_at": now(), "rows_read": 0, "rows_refused": 0, "error": ""}).Error
		})
		if err != nil || !claimed || imp.State == ImportFailed {
			return err
		}
		imp.fill()
		rc, err := open(imp.SHA256)
		if err != nil {
			return s.failImport(ctx, imp.ID, now(), "借款明细文件无法读取（文件缺失或校验失败），请重新上传")
		}
		defer rc.Close()
		runErr := s.loadLoanBook(ctx, c, &imp, rc, now)
		if runErr == nil {
			return nil
		}
		if models.ErrorCode(runErr) == models.EInvalid {
			return s.failImport(ctx, imp.ID, now(), models.ErrorMessage(runErr))
		}
		if ctx.Err() != nil { // the server stops: the import stays running and is resumed
			return runErr
		}
		if ferr := s.failImport(ctx, imp.ID, now(), "导入时服务器发生错误，请稍后重新上传"); ferr != nil {
			return errors.Join(runErr, ferr)
		}
		return runErr
	})
}

// ErrImportBusy: another run holds the import (or a dead connection's lock is not yet
// released); the job is tried again later.
var ErrImportBusy = errors.New("the loan-book import is being run elsewhere")

func (s *Store) failImport(ctx context.Context, id int64, t time.Time, msg string) error {
	return s.db.WithContext(ctx).Model(&LoanBookImport{}).Where("id = ?", id).
		Updates(map[string]any{"state": ImportFailed, "finished_at": t, "error": msg}).Error
}

// pgxConn runs fn on one pgx connection of the pool.
func (s *Store) pgxConn(ctx context.Context, fn func(c *pgx.Conn) error) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("the database driver is not pgx's")
		}
		return fn(sc.Conn())
	})
}

func partitionName(importID int64) string { return "loanbook_loans_" + strconv.FormatInt(importID, 10) }

var loanColumns = []string{"import_id", "row_no", "loan_id", "borrower_id", "borrower_type", "related", "amount",
	"outstanding", "instalment", "due_date", "first_missed", "compensated"}

var errCopyEnded = errors.New("the COPY stream was closed")

// appendLoanCSV appends one loan as a CSV line in loanColumns' order; text is always
// quoted, an empty first missed date is NULL.
func appendLoanCSV(b []byte, importID, row int64, l models.Loan) []byte {
	b = strconv.AppendInt(b, importID, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, row, 10)
	b = append(b, ',')
	b = appendQuoted(b, l.LoanID)
	b = append(b, ',')
	b = appendQuoted(b, l.BorrowerID)
	b = append(b, ',')
	b = append(b, l.BorrowerType...)
	b = append(b, ',')
	b = strconv.AppendBool(b, l.Related)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(l.Amount), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(l.Outstanding), 10)
	b = append(b, ',')
	b = strconv.AppendBool(b, l.Instalment)
	b = append(b, ',')
	b = append(b, l.DueDate.String()...)
	b = append(b, ',')
	if !l.FirstMissed.IsZero() {
		b = append(b, l.FirstMissed.String()...)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(l.Compensated), 10)
	return append(b, '\n')
}

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func (s *Store) loadLoanBook(ctx context.Context, c *pgx.Conn, imp *LoanBookImport, r io.Reader, now func() time.Time) error {
	// Refused rows wait in a temporary file, not in memory: a hostile book may refuse
	// every one of its million rows.
	spill, err := os.CreateTemp("", "loanbook-refused-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(spill.Name())
	defer spill.Close()
	{
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		part := partitionName(imp.ID)
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM loanbook_refused WHERE import_id = $1`, imp.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %s; CREATE TABLE %s PARTITION OF loanbook_loans FOR VALUES IN (%d)`, part, part, imp.ID)); err != nil {
			return err
		}

		// The parser runs in its own goroutine and writes the valid rows, as CSV text, into
		// the COPY stream: parsing and the server's loading overlap, and what is in memory
		// is one row and the write buffer.
		pr, pw := io.Pipe()
		var parseErr error
		done := make(chan struct{})
		var read, refused int64
		seen := newIDFilter()
		go func() {
			defer close(done)
			sw := csv.NewWriter(spill)
			bw := bufio.NewWriterSize(pw, 256<<10)
			line := make([]byte, 0, 512)
			progress := func() {
				s.db.WithContext(ctx).Exec(`UPDATE loanbook_imports SET rows_read = ?, rows_refused = ? WHERE id = ?`, read, refused, imp.ID)
			}
			_, parseErr = models.ParseLoanBook(r, imp.Kind, imp.Period.MonthEnd(), models.LoanBookHandler{
				Loan: func(row int64, l models.Loan) error {
					read++
					seen.add(l.LoanID)
					line = appendLoanCSV(line[:0], imp.ID, row, l)
					if _, err := bw.Write(line); err != nil {
						return err
					}
					if read%progressStride == 0 {
						progress()
					}
					return nil
				},
				Refused: func(rr models.RefusedRow) error {
					read++
					refused++
					if read%progressStride == 0 {
						progress()
					}
					return sw.Write([]string{strconv.FormatInt(rr.Row, 10), rr.LoanID, rr.Reason})
				},
			})
			if parseErr == nil {
				parseErr = bw.Flush()
			}
			sw.Flush()
			if parseErr == nil {
				parseErr = sw.Error()
			}
			pw.CloseWithError(parseErr) // nil: the end of the stream
			progress()
		}()
		_, copyErr := c.PgConn().CopyFrom(ctx, pr, fmt.Sprintf(`COPY %s (%s) FROM STDIN (FORMAT csv)`, part, strings.Join(loanColumns, ", ")))
		pr.CloseWithError(errCopyEnded) // a writer still at work stops
		<-done
		if parseErr != nil && (models.ErrorCode(parseErr) == models.EInvalid || copyErr == nil) {
			return parseErr
		}
		if copyErr != nil {
			return copyErr
		}
		if err := copyRefused(ctx, tx, imp.ID, spill); err != nil {
			return err
		}
		var dups int64
		if seen.maybeDuplicate { // else every loan id is known to be new: no search needed
			if dups, err = refuseDuplicates(ctx, tx, imp.ID, part); err != nil {
				return err
			}
		}
		if err := computeLoanBook(ctx, tx, imp, part, now()); err != nil {
			return err
		}
		// the list 申报与测算不一致 compares the latest report with this book (00109)
		if err := refreshMismatchPgx(ctx, tx, imp.InstitutionID, imp.PeriodKey, now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE loanbook_imports SET state = 'done', finished_at = $2, rows_read = $3, rows_refused = $4 WHERE id = $1`,
			imp.ID, now(), read, refused+dups); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
}

// idFilter is a Bloom filter of the loan ids loaded (16 MB, six probes): when no id was
// possibly seen before, the book has no duplicate and the search in SQL is skipped. A
// false "maybe" (about one book in a hundred of a million loans) only costs that search.
type idFilter struct {
	bits           []uint64
	maybeDuplicate bool
}

const idFilterBits = 1 << 27

func newIDFilter() *idFilter { return &idFilter{bits: make([]uint64, idFilterBits/64)} }

func (f *idFilter) add(id string) {
	// FNV-1a, 64 bits, split into two halves for double hashing.
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	h1, h2 := h, (h>>33|h<<31)|1
	all := true
	for k := uint64(0); k < 6; k++ {
		b := (h1 + k*h2) % idFilterBits
		w, m := b/64, uint64(1)<<(b%64)
		if f.bits[w]&m == 0 {
			all = false
			f.bits[w] |= m
		}
	}
	if all {
		f.maybeDuplicate = true
	}
}

// copyRefused moves the spilled refused rows into loanbook_refused.
func copyRefused(ctx context.Context, tx pgx.Tx, importID int64, spill *os.File) error {
	if _, err := spill.Seek(0, io.SeekStart); err != nil {
		return err
	}
	cr := csv.NewReader(spill)
	cr.FieldsPerRecord = 3
	var rowErr error
	src := pgx.CopyFromFunc(func() ([]any, error) {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			rowErr = err
			return nil, err
		}
		n, _ := strconv.ParseInt(rec[0], 10, 64)
		return []any{importID, n, rec[1], rec[2]}, nil
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"loanbook_refused"}, []string{"import_id", "row_no", "loan_id", "reason"}, src)
	if rowErr != nil {
		return rowErr
	}
	return err
}

// refuseDuplicates keeps the first row of each loan id and refuses the later ones.
func refuseDuplicates(ctx context.Context, tx pgx.Tx, importID int64, part string) (int64, error) {
	tag, err := tx.Exec(ctx, fmt.Sprintf(`
		WITH dup AS (SELECT loan_id, min(row_no) AS first FROM %[1]s GROUP BY loan_id HAVING count(*) > 1),
		gone AS (DELETE FROM %[1]s l USING dup WHERE l.loan_id = dup.loan_id AND l.row_no > dup.first
		         RETURNING l.row_no, l.loan_id, dup.first)
		INSERT INTO loanbook_refused (import_id, row_no, loan_id, reason)
		SELECT $1, row_no, loan_id, '借款编号「' || loan_id || '」与第 ' || first || ' 行重复' FROM gone`, part), importID)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// overdueSQL is models.OverdueSince as SQL over a loan row: the day the loan is overdue
// from (its first missed payment, or its due date while principal is unpaid), and the
// days overdue at $asOf; a loan not overdue has days < 1.
const overdueDaysSQL = `($2::date - COALESCE(first_missed, CASE WHEN outstanding > 0 THEN due_date END))`

// computeLoanBook stores the import's figures and cap violations: models.LoanBookFigures
// in SQL. The rule set's data decides the 90-day boundary and the deduction of compensated
// amounts (models.Overdue90), the caps come from models.BorrowerCap.
func computeLoanBook(ctx context.Context, tx pgx.Tx, imp *LoanBookImport, part string, at time.Time) error {
	rules := models.DisclosureRules(imp.RuleSet)
	min90 := 91 // "逾期90天(不含)以上" (seeds/003 附件 2.4.13)
	if rules.Overdue90Inclusive {
		min90 = 90 // "逾期90天以上(含)" (seeds/002 表)
	}
	asOf := imp.Period.MonthEnd().Start()
	var f models.MonthlyFigures
	var top10, largest int64
	// One pass over the loans for the loan-level items, one aggregation by borrower for
	// the borrower-level ones, which also writes the cap violations.
	var violations int64
	err := tx.QueryRow(ctx, fmt.Sprintf(`
		WITH b AS MATERIALIZED (
		      SELECT borrower_id, sum(outstanding) AS bal, count(*) FILTER (WHERE outstanding > 0) AS n,
		             CASE WHEN bool_or(borrower_type = 'natural') THEN 'natural'
		                  WHEN bool_or(borrower_type = 'legal') THEN 'legal' ELSE 'other' END AS t
		      FROM %[1]s GROUP BY borrower_id),
		capped AS (SELECT *, CASE t WHEN 'natural' THEN $5::bigint WHEN 'legal' THEN $6::bigint ELSE $7::bigint END AS cap FROM b),
		ins AS (INSERT INTO loanbook_cap_violations (import_id, borrower_id, borrower_type, total, cap, loans)
		        SELECT $1, borrower_id, t, bal, cap, n FROM capped WHERE bal > cap RETURNING 1),
		l AS (SELECT *, %[2]s AS days,
		             outstanding - CASE WHEN $4 THEN compensated ELSE 0 END AS o90 FROM %[1]s WHERE import_id = $1)
		SELECT coalesce(sum(amount), 0), count(*),
		       coalesce(sum(outstanding), 0), count(*) FILTER (WHERE outstanding > 0),
		       coalesce(sum(outstanding) FILTER (WHERE related AND outstanding > 0), 0), count(*) FILTER (WHERE related AND outstanding > 0),
		       coalesce(sum(outstanding) FILTER (WHERE days >= 1 AND outstanding > 0), 0), count(*) FILTER (WHERE days >= 1 AND outstanding > 0),
		       coalesce(sum(o90) FILTER (WHERE days >= $3 AND o90 > 0), 0), count(*) FILTER (WHERE days >= $3 AND o90 > 0),
		       coalesce(sum(compensated) FILTER (WHERE compensated > 0), 0), count(*) FILTER (WHERE compensated > 0),
		       (SELECT count(*) FROM b), (SELECT count(*) FROM b WHERE bal > 0),
		       (SELECT coalesce(sum(bal), 0) FROM (SELECT bal FROM b WHERE bal > 0 ORDER BY bal DESC LIMIT 10) t),
		       (SELECT coalesce(max(bal), 0) FROM b),
		       (SELECT count(*) FROM ins)
		FROM l`, part, overdueDaysSQL), imp.ID, asOf, min90, rules.DeductCompensated,
		int64(models.BorrowerCap(models.BorrowerNatural)), int64(models.BorrowerCap(models.BorrowerLegal)), int64(models.BorrowerCap(models.BorrowerOther))).Scan(
		&f.CumulativeAmount, &f.CumulativeCount, &f.Balance, &f.BalanceCount, &f.RelatedBalance, &f.RelatedCount,
		&f.OverdueAmount, &f.OverdueCount, &f.Overdue90Amount, &f.Overdue90Count, &f.CompensationAmount, &f.CompensationCount,
		&f.CumulativeBorrowers, &f.CurrentBorrowers, &top10, &largest, &violations)
	if err != nil {
		return err
	}
	f.Top10Share = models.RatioOf(models.Money(top10), f.Balance)
	f.LargestBorrowerShare = models.RatioOf(models.Money(largest), f.Balance)
	_, err = tx.Exec(ctx, `INSERT INTO loanbook_figures (import_id, institution_id, period, rule_set,
		cumulative_amount, cumulative_count, balance, balance_count, cumulative_borrowers, current_borrowers,
		top10_balance, largest_balance, top10_share, largest_borrower_share, related_balance, related_count,
		overdue_amount, overdue_count, overdue90_amount, overdue90_count, compensation_amount, compensation_count,
		cap_violations, computed_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
		imp.ID, imp.InstitutionID, imp.PeriodKey, string(imp.RuleSet),
		f.CumulativeAmount, f.CumulativeCount, f.Balance, f.BalanceCount, f.CumulativeBorrowers, f.CurrentBorrowers,
		top10, largest, f.Top10Share, f.LargestBorrowerShare, f.RelatedBalance, f.RelatedCount,
		f.OverdueAmount, f.OverdueCount, f.Overdue90Amount, f.Overdue90Count, f.CompensationAmount, f.CompensationCount,
		violations, at)
	return err
}

// loanbookFiguresRow is one stored result.
type loanbookFiguresRow struct {
	ImportID                                             int64
	Period                                               int
	CumulativeAmount                                     int64
	CumulativeCount, Balance, BalanceCount               int64
	CumulativeBorrowers, CurrentBorrowers                int64
	Top10Balance, LargestBalance                         int64
	Top10Share, LargestBorrowerShare                     int64
	RelatedBalance, RelatedCount                         int64
	OverdueAmount, OverdueCount                          int64
	Overdue90Amount, Overdue90Count                      int64
	CompensationAmount, CompensationCount, CapViolations int64
}

func (r loanbookFiguresRow) result() models.LoanBookResult {
	return models.LoanBookResult{Top10Balance: models.Money(r.Top10Balance), LargestBalance: models.Money(r.LargestBalance),
		Figures: models.MonthlyFigures{Period: periodOfKey(r.Period),
			CumulativeAmount: models.Money(r.CumulativeAmount), CumulativeCount: r.CumulativeCount,
			Balance: models.Money(r.Balance), BalanceCount: r.BalanceCount,
			CumulativeBorrowers: r.CumulativeBorrowers, CurrentBorrowers: r.CurrentBorrowers,
			Top10Share: models.Ratio(r.Top10Share), LargestBorrowerShare: models.Ratio(r.LargestBorrowerShare),
			RelatedBalance: models.Money(r.RelatedBalance), RelatedCount: r.RelatedCount,
			OverdueAmount: models.Money(r.OverdueAmount), OverdueCount: r.OverdueCount,
			Overdue90Amount: models.Money(r.Overdue90Amount), Overdue90Count: r.Overdue90Count,
			CompensationAmount: models.Money(r.CompensationAmount), CompensationCount: r.CompensationCount}}
}

// LoanBookResult is what an import computed: its figures and, up to limit, its cap
// violations (ordered by borrower id), with their total count.
func (s *Store) LoanBookResult(ctx context.Context, importID int64, limit int) (*models.LoanBookResult, int64, error) {
	var row loanbookFiguresRow
	err := s.db.WithContext(ctx).Table("loanbook_figures").Where("import_id = ?", importID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	res := row.result()
	vs, err := s.capViolations(ctx, importID, limit)
	res.Violations = vs
	return &res, row.CapViolations, err
}

func (s *Store) capViolations(ctx context.Context, importID int64, limit int) ([]models.CapBreach, error) {
	var rows []struct {
		BorrowerID, BorrowerType string
		Total, Cap, Loans        int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT borrower_id, borrower_type, total, cap, loans FROM loanbook_cap_violations
		WHERE import_id = ? ORDER BY borrower_id LIMIT ?`, importID, limit).Scan(&rows).Error
	out := make([]models.CapBreach, len(rows))
	for i, r := range rows {
		out[i] = models.CapBreach{BorrowerID: r.BorrowerID, Type: models.BorrowerType(r.BorrowerType), Total: models.Money(r.Total), Cap: models.Money(r.Cap), Loans: r.Loans}
	}
	return out, err
}

// ComputedFigures are the figures of the institution's latest completed loan book for the
// period; false when it has none.
func (s *Store) ComputedFigures(ctx context.Context, institutionID int64, p models.Period) (models.MonthlyFigures, bool, error) {
	var row loanbookFiguresRow
	err := s.db.WithContext(ctx).Table("loanbook_figures").Where("institution_id = ? AND period = ?", institutionID, p.Key()).
		Order("import_id DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.MonthlyFigures{}, false, nil
	}
	if err != nil {
		return models.MonthlyFigures{}, false, err
	}
	return row.result().Figures, true, nil
}

// latestLoanBook is what the institution's latest completed loan-book import of the period
// computed, for the early-warning facts: its figures and its cap violations; nil and -1
// when the period has no loan book.
func latestLoanBook(tx *gorm.DB, institutionID int64, p models.Period) (*models.MonthlyFigures, int, error) {
	var rows []loanbookFiguresRow
	if err := tx.Table("loanbook_figures").Where("institution_id = ? AND period = ?", institutionID, p.Key()).
		Order("import_id DESC").Limit(1).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return nil, -1, err
	}
	f := rows[0].result().Figures
	return &f, int(rows[0].CapViolations), nil
}
