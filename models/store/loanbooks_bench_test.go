package store_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// benchLoans is the number of loans of the benchmark's book: a large platform's month.
const benchLoans = 1_000_000

// generatedLoans yields n varied loans: three per borrower, every type, a quarter
// settled, some overdue on both sides of 90 days, some related or compensated.
func generatedLoans(n int) func() (models.Loan, bool) {
	i := 0
	asOf := bookPeriod.MonthEnd()
	types := []models.BorrowerType{models.BorrowerNatural, models.BorrowerNatural, models.BorrowerLegal, models.BorrowerOther}
	return func() (models.Loan, bool) {
		if i >= n {
			return models.Loan{}, false
		}
		b := i / 3
		l := models.Loan{LoanID: "JK" + strconv.Itoa(1_000_000_000+i), BorrowerID: "B" + strconv.Itoa(b), BorrowerType: types[b%4],
			Related: i%97 == 0, Amount: models.Money(1_000_000 + (i%5000)*1000), Instalment: i%2 == 0, DueDate: asOf.AddDays(30 + i%700)}
		if i%4 != 0 {
			l.Outstanding = l.Amount / models.Money(1+i%4)
		}
		if i%11 == 0 {
			l.FirstMissed = asOf.AddDays(-(i % 200))
			if i%3 == 0 {
				l.Compensated = l.Outstanding / 2
			}
		}
		i++
		return l, true
	}
}

func procKB(b *testing.B, key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	b.Fatalf("no %s in /proc/self/status", key)
	return 0
}

// BenchmarkLoanBookImport imports a generated book of a million loans (parse, validate,
// COPY, duplicates, figures and cap violations, stored) and, on the same server in the
// same run, loads the same file with a plain COPY into a bare table. It reports the
// import's rate as a share of COPY's (target ≥ 0.5) and the process's peak RSS growth
// during the import (target < 64 MB; VmHWM reset with clear_refs).
func BenchmarkLoanBookImport(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "借款明细.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := models.WriteLoanBookCSV(w, generatedLoans(benchLoans)); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	open := func(string) (io.ReadCloser, error) { return os.Open(path) }

	dsn := storetest.DSN(b, storetest.Demo)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	u, err := st.UserByUsername(ctx, "platform1")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var copyDur, importDur time.Duration
	var growthKB int64
	for n := 0; n < b.N; n++ {
		// The plain COPY of the same file into a bare table of the same columns.
		if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS bare_loans; CREATE TABLE bare_loans (loan_id text, borrower_id text,
			borrower_type text, related text, amount numeric(18,2), outstanding numeric(18,2), instalment text, due_date date,
			first_missed date, compensated numeric(18,2))`); err != nil {
			b.Fatal(err)
		}
		src, _ := os.Open(path)
		t0 := time.Now()
		tag, err := conn.PgConn().CopyFrom(ctx, src, `COPY bare_loans FROM STDIN (FORMAT csv, HEADER true)`)
		copyDur += time.Since(t0)
		src.Close()
		if err != nil || tag.RowsAffected() != benchLoans {
			b.Fatalf("COPY: %v (%d rows)", err, tag.RowsAffected())
		}

		imp, err := st.CreateLoanBookImport(ctx, store.Actor{User: u, Now: time.Now()}, bookPeriod,
			store.FileRef{Name: "借款明细.csv", SHA256: fmt.Sprintf("%064d", n), Size: fi.Size(), Kind: models.KindCSV})
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			b.Fatalf("resetting the peak RSS: %v", err)
		}
		before := procKB(b, "VmRSS")
		t0 = time.Now()
		if err := st.RunLoanBookImport(ctx, imp.ID, time.Now, open); err != nil {
			b.Fatal(err)
		}
		importDur += time.Since(t0)
		growthKB = max(growthKB, procKB(b, "VmHWM")-before)
		got, err := st.LoanBookImport(ctx, u, imp.ID)
		if err != nil || got.State != store.ImportDone || got.RowsRead != benchLoans || got.RowsRefused != 0 {
			b.Fatalf("import: %v %+v", err, got)
		}
	}
	ratio := copyDur.Seconds() / importDur.Seconds()
	b.ReportMetric(ratio, "x_copy_rate")
	b.ReportMetric(float64(growthKB)/1024, "MB_rss_growth")
	b.ReportMetric(float64(benchLoans*b.N)/importDur.Seconds(), "loans/s")
	fmt.Printf("借款明细导入 %d 笔（%.0f MB CSV）：导入并测算 %.2fs，同一文件 COPY 到空表 %.2fs，速率为 COPY 的 %.2f 倍（目标 ≥ 0.5）；导入期间 RSS 增长 %.1f MB（目标 < 64 MB）\n",
		benchLoans, float64(fi.Size())/(1<<20), importDur.Seconds()/float64(b.N), copyDur.Seconds()/float64(b.N), ratio, float64(growthKB)/1024)
}
