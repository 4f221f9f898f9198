package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// The stored list 申报与测算不一致 (00109) is the pure comparison models.CompareFiguresOn of
// the latest report with the latest loan book, whichever of the two was written last: a
// book after a report, a correction after a book, and the rebuild of data written around
// the store give the same rows.
func TestMismatchRowsEqualPureComparison(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	prov := user(t, st, "province1")
	inst := *u.InstitutionID
	p := models.Period{Year: 2026, Month: 10}
	loans := boundaryLoans()
	var body bytes.Buffer
	if err := models.WriteLoanBookCSV(&body, models.LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	at := t0
	submit := func(f models.MonthlyFigures) {
		t.Helper()
		at = at.Add(time.Minute)
		if _, err := st.SubmitMonthlyReport(ctx, store.Actor{User: u, Now: at}, store.ReportInput{InstitutionID: inst, Figures: f, Source: models.SourceForm}); err != nil {
			t.Fatal(err)
		}
	}
	list := func() []store.MismatchRow {
		t.Helper()
		rows, total, err := st.MismatchList(ctx, prov, store.LoanBookCheckFilter{Period: p}, models.Page{Number: 1, Size: 50})
		if err != nil || int(total) != len(rows) {
			t.Fatalf("MismatchList: %v (total %d, rows %d)", err, total, len(rows))
		}
		var mine []store.MismatchRow
		for _, r := range rows {
			if r.InstitutionID == inst {
				mine = append(mine, r)
			}
		}
		return mine
	}
	book := func() int64 {
		t.Helper()
		imp, err := st.CreateLoanBookImport(ctx, store.Actor{User: u, Now: at}, p, bookRef(body.Bytes(), models.KindCSV))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RunLoanBookImport(ctx, imp.ID, func() time.Time { return at }, fileOpener(body.Bytes())); err != nil {
			t.Fatal(err)
		}
		return imp.ID
	}
	book()
	if got := list(); len(got) != 0 {
		t.Fatalf("a book without a report is listed: %+v", got)
	}
	computed, ok, err := st.ComputedFigures(ctx, inst, p)
	if err != nil || !ok {
		t.Fatalf("ComputedFigures %v %v", ok, err)
	}
	agreeing := sampleFigures(p)
	for _, k := range models.LoanBookFieldKeys {
		f, _ := models.MonthlyFigureFieldOf(k)
		f.Set(&agreeing, f.Value(computed))
	}
	differing := agreeing
	differing.Balance += 5_000_000 * models.OneYuan // two items by hand: the balance and the borrowers
	differing.CurrentBorrowers += 3
	want := func(declared models.MonthlyFigures) string {
		var out []string
		for _, d := range models.CompareFiguresOn(declared, computed, models.LoanBookFieldKeys) {
			out = append(out, d.Text)
		}
		return strings.Join(out, "|")
	}

	submit(differing) // a report after the book
	got := list()
	if len(got) != 1 || len(got[0].Fields) != 2 || strings.Join(got[0].Fields, "|") != want(differing) || got[0].Period != p {
		t.Fatalf("after the report: %+v\nwant %s", got, want(differing))
	}
	if !strings.Contains(got[0].Fields[0], "差额 +5,000,000.00 元") {
		t.Errorf("balance text: %s", got[0].Fields[0])
	}

	submit(agreeing) // a correction agreeing with the book removes the row
	if got := list(); len(got) != 0 {
		t.Fatalf("after the agreeing correction: %+v", got)
	}
	one := agreeing
	one.RelatedCount += 1
	submit(one) // and one differing again brings it back, with one item
	got = list()
	if len(got) != 1 || len(got[0].Fields) != 1 || strings.Join(got[0].Fields, "|") != want(one) {
		t.Fatalf("after the differing correction: %+v\nwant %s", got, want(one))
	}
	imp2 := book() // a book after the report: compared again, with the new book
	if got := list(); len(got) != 1 || got[0].ImportID != imp2 || strings.Join(got[0].Fields, "|") != want(one) {
		t.Fatalf("after the second book %d: %+v", imp2, got)
	}

	// the rebuild (for data written around the store) gives the same rows
	if err := st.RebuildLoanBookMismatches(ctx, 0, at); err != nil {
		t.Fatal(err)
	}
	if again := list(); len(again) != 1 || strings.Join(again[0].Fields, "|") != want(one) {
		t.Fatalf("after the rebuild: %+v", again)
	}
	var n int
	if err := st.EachMismatch(ctx, prov, store.LoanBookCheckFilter{Query: "不存在的机构名"}, func(store.MismatchRow) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("the export's filter: %v, %d rows", err, n)
	}
}
