package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

var bookPeriod = models.Period{Year: 2026, Month: 11} // as of 2026-11-30

// boundaryLoans cover the rules the SQL must follow: the first missed payment 89, 90 and
// 91 days before the month end (the 90-day boundary, inclusive in Shanghai, exclusive
// nationally), instalment and single-repayment loans, compensated amounts partly and
// wholly deducting the principal, a past due date with principal unpaid and none missed,
// settled loans, related loans, the caps at and just above, and a borrower whose loans
// disagree on its type.
func boundaryLoans() []models.Loan {
	asOf := bookPeriod.MonthEnd()
	due := models.NewDate(2027, 6, 30)
	y := models.OneYuan
	var out []models.Loan
	add := func(id, b string, t models.BorrowerType, amount, outstanding models.Money, f func(*models.Loan)) {
		l := models.Loan{LoanID: id, BorrowerID: b, BorrowerType: t, Amount: amount, Outstanding: outstanding, DueDate: due}
		if f != nil {
			f(&l)
		}
		out = append(out, l)
	}
	for _, days := range []int{0, 1, 89, 90, 91, 200} {
		for _, inst := range []bool{false, true} {
			for _, comp := range []models.Money{0, 100 * y, 5000 * y} {
				id := fmt.Sprintf("D%d-%v-%d", days, inst, comp)
				add(id, "P"+id, models.BorrowerNatural, 10000*y, 5000*y, func(l *models.Loan) {
					l.Instalment = inst
					l.Compensated = comp
					if days > 0 {
						l.FirstMissed = asOf.AddDays(-days)
					} else {
						l.FirstMissed = asOf // missed on the month end itself: not yet overdue
					}
				})
			}
		}
	}
	// Past due, nothing recorded as missed: overdue from the due date while unpaid.
	add("DUE91", "Q1", models.BorrowerLegal, 900*y, 900*y, func(l *models.Loan) { l.DueDate = asOf.AddDays(-91) })
	add("DUE90", "Q2", models.BorrowerLegal, 900*y, 900*y, func(l *models.Loan) { l.DueDate = asOf.AddDays(-90) })
	add("PAID", "Q3", models.BorrowerOther, 900*y, 0, func(l *models.Loan) { l.DueDate = asOf.AddDays(-300); l.FirstMissed = asOf.AddDays(-200) })
	add("REL1", "Q4", models.BorrowerOther, 700*y, 650*y, func(l *models.Loan) { l.Related = true })
	add("REL2", "Q4", models.BorrowerOther, 700*y, 0, func(l *models.Loan) { l.Related = true })
	// Caps: exactly at the cap is allowed, a 分 above is not (seeds/000 十).
	add("CAPN1", "N-AT", models.BorrowerNatural, 200_000*y, 150_000*y, nil)
	add("CAPN2", "N-AT", models.BorrowerNatural, 100_000*y, 50_000*y, nil)
	add("CAPN3", "N-OVER", models.BorrowerNatural, 200_000*y, 200_000*y+1, func(l *models.Loan) { l.Amount++ })
	add("CAPL1", "L-AT", models.BorrowerLegal, 1_000_000*y, 1_000_000*y, nil)
	add("CAPL2", "L-OVER", models.BorrowerLegal, 1_500_000*y, 1_000_000*y+1, nil)
	add("CAPO1", "O-OVER", models.BorrowerOther, 800_000*y, 600_000*y, nil)
	add("CAPO2", "O-OVER", models.BorrowerOther, 800_000*y, 600_000*y, nil)
	// A borrower called a legal person on one loan and a natural person on another is held
	// to the natural person's cap.
	add("MIX1", "MIXED", models.BorrowerLegal, 300_000*y, 150_000*y, nil)
	add("MIX2", "MIXED", models.BorrowerNatural, 300_000*y, 150_000*y, nil)
	return out
}

// fileOpener serves one in-memory book as the file store would.
func fileOpener(body []byte) func(string) (io.ReadCloser, error) {
	return func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
}

func bookRef(body []byte, kind models.FileKind) store.FileRef {
	sum := sha256.Sum256(body)
	return store.FileRef{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(body)), Kind: kind, Name: "借款明细" + kind.Extension()}
}

// importBook uploads and runs a book for u's institution.
func importBook(t *testing.T, st *store.Store, u *models.User, body []byte, kind models.FileKind) *store.LoanBookImport {
	t.Helper()
	ctx := context.Background()
	imp, err := st.CreateLoanBookImport(ctx, store.Actor{User: u, Now: t0}, bookPeriod, bookRef(body, kind))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RunLoanBookImport(ctx, imp.ID, func() time.Time { return t0 }, fileOpener(body)); err != nil {
		t.Fatal(err)
	}
	imp, err = st.LoanBookImport(ctx, u, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// The SQL aggregation gives what the loan-level rules give, loan by loan, under both rule
// sets: models.LoanBookFigures is the reference.
func TestLoanBookSQLEqualsPureRules(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	loans := boundaryLoans()
	var body bytes.Buffer
	if err := models.WriteLoanBookCSV(&body, models.LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	for _, rs := range []models.RuleSetID{models.RuleSetNational, models.RuleSetShanghai} {
		t.Run(string(rs), func(t *testing.T) {
			if rs == models.RuleSetShanghai {
				if err := st.SetRuleSetting(ctx, store.Actor{User: user(t, st, "province1"), Now: t0}, rs); err != nil {
					t.Fatal(err)
				}
			}
			imp := importBook(t, st, u, body.Bytes(), models.KindCSV)
			if imp.State != store.ImportDone || imp.RuleSet != rs || imp.RowsRead != int64(len(loans)) || imp.RowsRefused != 0 {
				t.Fatalf("import %+v", imp)
			}
			want := models.LoanBookFigures(rs, bookPeriod, loans)
			got, nv, err := st.LoanBookResult(ctx, imp.ID, 100)
			if err != nil || got == nil {
				t.Fatal(err)
			}
			if got.Figures != want.Figures || got.Top10Balance != want.Top10Balance || got.LargestBalance != want.LargestBalance {
				t.Errorf("SQL figures\n%+v\npure rules\n%+v", got.Figures, want.Figures)
			}
			if fmt.Sprint(got.Violations) != fmt.Sprint(want.Violations) || nv != int64(len(want.Violations)) {
				t.Errorf("SQL violations %+v (%d), pure rules %+v", got.Violations, nv, want.Violations)
			}
			cf, ok, err := st.ComputedFigures(ctx, *u.InstitutionID, bookPeriod)
			if err != nil || !ok || cf != want.Figures {
				t.Errorf("ComputedFigures %v %v %+v", ok, err, cf)
			}
		})
	}
	// The expectations are not only the reference's: the boundary and the caps, by hand.
	nat := models.LoanBookFigures(models.RuleSetNational, bookPeriod, loans).Figures
	sh := models.LoanBookFigures(models.RuleSetShanghai, bookPeriod, loans).Figures
	// National: 91 and 200 days, 6 loans each (no deduction), plus DUE91; Shanghai: 90, 91
	// and 200 days, less the wholly compensated, plus DUE90 and DUE91.
	if nat.Overdue90Count != 2*6+1 || sh.Overdue90Count != 3*4+2 {
		t.Errorf("overdue 90 counts: national %d, Shanghai %d", nat.Overdue90Count, sh.Overdue90Count)
	}
	v := models.LoanBookFigures(models.RuleSetNational, bookPeriod, loans).Violations
	var ids []string
	for _, b := range v {
		ids = append(ids, b.BorrowerID)
	}
	if strings.Join(ids, ",") != "L-OVER,MIXED,N-OVER,O-OVER" {
		t.Errorf("violations %v", ids)
	}
}

// Bad rows and duplicate loan ids are refused with their row number and reason; the
// others load.
func TestLoanBookRefusedRows(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	body := "借款编号,借款人编号,借款人类型,是否关联关系,借款金额（元）,待还本金（元）,是否分期,到期日,首次逾期日,已代偿金额（元）\n" +
		"A1,B1,自然人,否,100,50,否,2027-01-01,,\n" +
		"A2,B1,合伙人,否,100,50,否,2027-01-01,,\n" +
		"A1,B2,法人,否,100,50,否,2027-01-01,,\n" +
		"A3,B2,法人,否,100,150,否,2027-01-01,,\n" +
		"\"A\"\"5,x\",\"B,\"\"9\",自然人,否,100,20,否,2027-01-01,,\n" // quotes and commas reach the table intact
	imp := importBook(t, st, u, []byte(body), models.KindCSV)
	if imp.State != store.ImportDone || imp.RowsRead != 5 || imp.RowsRefused != 3 {
		t.Fatalf("%+v", imp)
	}
	rows, err := st.LoanBookRefused(ctx, imp.ID, 0, 10)
	if err != nil || len(rows) != 3 {
		t.Fatalf("%v %+v", err, rows)
	}
	if rows[0].Row != 3 || !strings.Contains(rows[0].Reason, "合伙人") || rows[1].Row != 4 || rows[1].Reason != "借款编号「A1」与第 2 行重复" ||
		rows[2].Row != 5 || !strings.Contains(rows[2].Reason, "大于借款金额") {
		t.Fatalf("%+v", rows)
	}
	f, ok, _ := st.ComputedFigures(ctx, *u.InstitutionID, bookPeriod)
	if !ok || f.BalanceCount != 2 || f.Balance != 70*models.OneYuan || f.CurrentBorrowers != 2 {
		t.Fatalf("%+v", f)
	}
	// A book without the template's header fails with the reason, and nothing is loaded.
	bad := importBook(t, st, u, []byte("a,b\n1,2\n"), models.KindCSV)
	if bad.State != store.ImportFailed || !strings.Contains(bad.Error, "缺少") {
		t.Fatalf("%+v", bad)
	}
	// Another platform does not see the import.
	if _, err := st.LoanBookImport(ctx, user(t, st, "platform2"), imp.ID); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("other platform: %v", err)
	}
}

// cancelReader ends its context after the first read: the server stopping mid-import.
type cancelReader struct {
	r      io.Reader
	cancel func()
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 512)])
	c.cancel()
	return n, err
}

// An import interrupted by the server stopping stays running with nothing loaded, and the
// next run does it whole; after MaxImportAttempts interruptions it fails with a reason.
func TestLoanBookImportResumes(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	u := user(t, st, "platform1")
	loans := boundaryLoans()
	var body bytes.Buffer
	if err := models.WriteLoanBookCSV(&body, models.LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return t0 }
	imp, err := st.CreateLoanBookImport(context.Background(), store.Actor{User: u, Now: t0}, bookPeriod, bookRef(body.Bytes(), models.KindCSV))
	if err != nil {
		t.Fatal(err)
	}
	interrupt := func() {
		for { // the last run's connection may hold the import's lock a moment longer
			ctx, cancel := context.WithCancel(context.Background())
			err := st.RunLoanBookImport(ctx, imp.ID, now, func(string) (io.ReadCloser, error) {
				return io.NopCloser(&cancelReader{r: bytes.NewReader(body.Bytes()), cancel: cancel}), nil
			})
			cancel()
			if !errors.Is(err, store.ErrImportBusy) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	interrupt()
	got, _ := st.LoanBookImport(context.Background(), u, imp.ID)
	if got.State != store.ImportRunning {
		t.Fatalf("after the interruption: %+v", got)
	}
	if ids, _ := st.OpenLoanBookImports(context.Background()); len(ids) != 1 || ids[0] != imp.ID {
		t.Fatalf("open imports %v", ids)
	}
	for err := store.ErrImportBusy; errors.Is(err, store.ErrImportBusy); time.Sleep(20 * time.Millisecond) {
		err = st.RunLoanBookImport(context.Background(), imp.ID, now, fileOpener(body.Bytes()))
		if err != nil && !errors.Is(err, store.ErrImportBusy) {
			t.Fatal(err)
		}
	}
	res, _, err := st.LoanBookResult(context.Background(), imp.ID, 10)
	if err != nil || res == nil || res.Figures != models.LoanBookFigures(models.RuleSetNational, bookPeriod, loans).Figures {
		t.Fatalf("resumed import: %v %+v", err, res)
	}
	// A finished import is not run again.
	if err := st.RunLoanBookImport(context.Background(), imp.ID, now, func(string) (io.ReadCloser, error) {
		t.Fatal("a finished import was opened again")
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}

	again, err := st.CreateLoanBookImport(context.Background(), store.Actor{User: u, Now: t0}, bookPeriod, bookRef(body.Bytes(), models.KindCSV))
	if err != nil {
		t.Fatal(err)
	}
	imp = again
	for range store.MaxImportAttempts {
		interrupt()
	}
	for err := store.ErrImportBusy; errors.Is(err, store.ErrImportBusy); time.Sleep(20 * time.Millisecond) {
		err = st.RunLoanBookImport(context.Background(), imp.ID, now, fileOpener(body.Bytes()))
		if err != nil && !errors.Is(err, store.ErrImportBusy) {
			t.Fatal(err)
		}
	}
	got, _ = st.LoanBookImport(context.Background(), u, imp.ID)
	if got.State != store.ImportFailed || !strings.Contains(got.Error, "多次中断") {
		t.Fatalf("after %d interruptions: %+v", store.MaxImportAttempts, got)
	}
}
