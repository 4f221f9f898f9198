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

// The early-warning job reads the month's latest loan-book import (issue 12 §2): its cap
// violations open a 借款余额超过单一借款人上限 task, and the declared figures that differ
// from the computed ones open a 申报数据与借款明细测算不一致 task naming those items only.
// Without a loan book neither rule has facts, and neither opens.
func TestEarlyWarningReadsLoanBook(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	inst := *u.InstitutionID
	loans := boundaryLoans()
	var body bytes.Buffer
	if err := models.WriteLoanBookCSV(&body, models.LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	// The declared month: the loan-level figures (as a platform that computed them right
	// would declare), the items a book cannot give filled in, and one item wrong: 90+ overdue
	// count declared one higher.
	declared := models.LoanBookFigures(models.RuleSetNational, bookPeriod, loans).Figures
	declared.CumulativeLenders, declared.CurrentLenders = 500, 300
	declared.FeeSchedule = "借款人服务费：借款本金的 1%"
	declared.Overdue90Count++
	if _, err := st.SubmitMonthlyReport(ctx, store.Actor{User: u, Now: t0}, store.ReportInput{InstitutionID: inst, Figures: declared, Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, models.ChinaTime)
	tasks := func() map[models.WarningRule]string {
		if _, err := st.RunEarlyWarning(ctx, now); err != nil {
			t.Fatal(err)
		}
		rows, _, err := st.ListWarningTasks(ctx, &models.User{Role: models.RoleAdmin}, store.WarningFilter{}, models.Page{Number: 1, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		out := map[models.WarningRule]string{}
		for _, r := range rows {
			if r.InstitutionID == inst && r.Period == bookPeriod.Key() {
				out[r.Rule] = r.Detail
			}
		}
		return out
	}
	before := tasks()
	if _, ok := before[models.WarnCapViolation]; ok {
		t.Errorf("a cap task without a loan book: %q", before[models.WarnCapViolation])
	}
	if _, ok := before[models.WarnDeclaredComputed]; ok {
		t.Errorf("a mismatch task without a loan book: %q", before[models.WarnDeclaredComputed])
	}
	if imp := importBook(t, st, u, body.Bytes(), models.KindCSV); imp.State != store.ImportDone {
		t.Fatalf("import %+v", imp)
	}
	after := tasks()
	// four borrowers above their cap, by hand: L-OVER, MIXED, N-OVER, O-OVER
	if d, ok := after[models.WarnCapViolation]; !ok || !strings.Contains(d, "有 4 名借款人") {
		t.Errorf("cap task: %v %q", ok, d)
	}
	d, ok := after[models.WarnDeclaredComputed]
	if !ok || !strings.Contains(d, "90天以上") {
		t.Fatalf("mismatch task: %v %q", ok, d)
	}
	// only the wrong item: not the lenders, which a loan book does not hold
	if strings.Contains(d, "出借人") || strings.Count(d, "、") != 0 {
		t.Errorf("mismatch names more than the wrong item: %q", d)
	}
}
