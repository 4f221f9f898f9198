package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// A platform uploads a loan book whose figures differ from its declared ones, waits on
// the progress page, sees the difference flagged and a cap violation, and downloads the
// refused rows; an officer of its district sees the difference in the list.
func TestBrowserLoanBook(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	// The import runs as a River job: this server works the queue.
	runCtx, stop := context.WithCancel(ctx)
	if err := env.Web.StartJobs(runCtx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); _ = env.Web.StopJobs(context.Background()) })
	period := models.PeriodOf(models.DateOf(webtest.Start)).Prev() // 2026-10
	u, err := env.Store.UserByUsername(ctx, "platform1")
	if err != nil {
		t.Fatal(err)
	}
	y := models.OneYuan
	loans := []models.Loan{
		{LoanID: "JK-1", BorrowerID: "B-OVER", BorrowerType: models.BorrowerNatural, Amount: 250_000 * y, Outstanding: 210_000 * y, Instalment: true, DueDate: models.NewDate(2027, 3, 31)},
		{LoanID: "JK-2", BorrowerID: "C-1", BorrowerType: models.BorrowerLegal, Amount: 500_000 * y, Outstanding: 400_000 * y, DueDate: models.NewDate(2027, 1, 31), FirstMissed: models.NewDate(2026, 7, 1)},
		{LoanID: "JK-3", BorrowerID: "B-2", BorrowerType: models.BorrowerNatural, Amount: 10_000 * y, Outstanding: 5_000 * y, Related: true, DueDate: models.NewDate(2027, 1, 31)},
	}
	// Declared: what the book gives, but a balance 1,000 元 higher.
	declared := models.LoanBookFigures(models.RuleSetNational, period, loans).Figures
	declared.Balance += 1000 * y
	declared.CumulativeLenders, declared.CurrentLenders = 50, 20
	if _, err := env.Store.SubmitMonthlyReport(ctx, store.Actor{User: u, Now: webtest.Start}, store.ReportInput{InstitutionID: *u.InstitutionID, Figures: declared, Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if err := models.WriteLoanBookCSV(&body, models.LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	body.WriteString("JK-4,B-3,合伙人,否,100,50,否,2027-01-31,,\n")
	path := filepath.Join(t.TempDir(), "借款明细.csv")
	if err := os.WriteFile(path, body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t, env.Server.URL)
	b.Do(chromedp.EmulateViewport(1366, 900))
	browserLogin(b, "platform1")
	b.Open("/platform/loanbooks")
	setValue(b, "#f-period", period.String())
	b.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path}))
	b.Click("[data-testid=loanbook-submit]")
	waitUntil(t, b, `(function(){var s=document.querySelector('[data-testid=loanbook-state]');return !!s && s.textContent.indexOf('已完成')>=0;})()`, time.Minute)
	b.ExpectText("[data-testid=loanbook-read]", "4")
	b.ExpectText("[data-testid=loanbook-refused]", "1")
	b.ExpectText("[data-testid=loanbook-diffs]", "1 项")
	b.ExpectText("tr.row-alert", "借贷余额", "615,000.00", "616,000.00")
	b.ExpectText("[data-testid=loanbook-caps]", "B-OVER", "自然人", "210,000.00", "200,000.00")
	b.Screenshot("loanbook-1366")
	b.Do(chromedp.EmulateViewport(390, 844))
	fits(t, b, "the import page")
	b.Screenshot("loanbook-390")
	b.Do(chromedp.EmulateViewport(1366, 900))

	// The refused rows, fetched by the page's own link.

	b64, err := chromedp.Run(b.Context(), chromedp.Evaluate[string](`fetch(document.querySelector('[data-testid=loanbook-refused-xlsx]').href)
		.then(r => r.arrayBuffer()).then(a => { let s = ''; new Uint8Array(a).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("refused rows: not a workbook (%d bytes): %v", len(raw), err)
	}
	rows, _ := x.GetRows(x.GetSheetList()[0])
	if len(rows) != 2 || rows[1][0] != "5" || rows[1][1] != "JK-4" || !strings.Contains(rows[1][2], "合伙人") {
		t.Fatalf("refused rows %q", rows)
	}

	// The platform's list of imports, at both widths: it may leave and come back.
	b.Open("/platform/loanbooks")
	b.ExpectText("[data-testid=loanbook-imports]", period.String(), "已完成")
	b.Screenshot("loanbooks-list-1366")
	b.Do(chromedp.EmulateViewport(390, 844))
	fits(t, b, "the list of imports")
	b.Screenshot("loanbooks-list-390")
	b.Do(chromedp.EmulateViewport(1366, 900))

	// The district officer sees the difference in the list.
	browserLogout(b)
	browserLogin(b, "district1")
	b.Open("/disclosure/mismatches")
	b.ExpectText("[data-testid=mismatch-list]", "广州天河示例", period.String(), "借贷余额：报送 616,000.00 元，按借款明细计算 615,000.00 元")
	b.Click("[data-testid=to-cap-list]")
	b.ExpectText("[data-testid=cap-list]", "广州天河示例", "B-OVER", "210,000.00")
	b.Screenshot("mismatches-cap-list-1366")
	// Outside its jurisdiction the difference is not shown.
	browserLogout(b)
	browserLogin(b, "district2")
	b.Open("/disclosure/mismatches")
	if strings.Contains(b.Text("main"), "广州天河示例") {
		t.Fatal("district2 sees a 天河区 institution's mismatch")
	}
}

// fits fails when the page does not fit the viewport (phone_browser_test's measure).
func fits(t *testing.T, b *browsertest.Browser, what string) {
	t.Helper()
	problems, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]string](layoutProblems))
	if err != nil || len(problems) > 0 {
		t.Fatalf("%s at 390 px: %v %v", what, problems, err)
	}
}
