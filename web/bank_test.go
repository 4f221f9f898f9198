package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/web/webtest"
)

// bankMonth is platform5's latest reported month, with the clock moved past its end when
// the demo data (seeded on the machine's date) reported a month the test clock has not
// finished yet; call it before signing in.
func bankMonth(t *testing.T, env *webtest.Env) (inst int64, rep *models.MonthlyReport) {
	t.Helper()
	p5 := demoUser(t, env, "platform5")
	reps, err := env.Store.LatestReports(context.Background(), *p5.InstitutionID, 1)
	if err != nil || len(reps) == 0 {
		t.Fatalf("platform5's reports: %v", err)
	}
	after := reps[0].Figures.Period.MonthEnd().AddDays(3).Start().Add(10 * time.Hour)
	if env.Clock.Now().Before(after) {
		env.Clock.Set(after)
	}
	return *p5.InstitutionID, &reps[0]
}

// TestBankStatementFormKeepsTypedValues: a bad amount re-renders the form at 422 with the
// message beside the field and every value as typed; nothing is stored.
func TestBankStatementFormKeepsTypedValues(t *testing.T) {
	env := webtest.New(t)
	inst, rep := bankMonth(t, env)
	c := login(t, env, "bank1")
	typed := url.Values{"period": {rep.Figures.Period.String()}, "lender_funds": {"8,200,000"}, "repayment_flows": {"21500000"},
		"risk_reserve": {"一百六十万"}, "compensation_balance": {""}, "note": {"月末对账"}}
	resp, body := c.Submit("/bank/platforms/"+itoa(inst)+"/statements", typed)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad amount: %d", resp.StatusCode)
	}
	d := doc(t, body)
	if msg := d.Find("[data-testid=error-risk_reserve]").Text(); !strings.Contains(msg, "一般风险准备金账户余额") {
		t.Fatalf("risk reserve message %q", msg)
	}
	if msg := d.Find("[data-testid=error-compensation_balance]").Text(); !strings.Contains(msg, "请填写") {
		t.Fatalf("compensation message %q", msg)
	}
	for id, want := range map[string]string{"#f-period": rep.Figures.Period.String(), "#f-lender_funds": "8,200,000",
		"#f-repayment_flows": "21500000", "#f-risk_reserve": "一百六十万", "#f-note": "月末对账"} {
		if v, _ := d.Find(id).Attr("value"); v != want {
			t.Errorf("%s = %q; want %q", id, v, want)
		}
	}
	hist, err := env.Store.BankStatementsOf(context.Background(), demoUser(t, env, "bank1"), inst, 10)
	if err != nil || len(hist) != 1 { // the demo's statement only
		t.Fatalf("statements after a refused form: %d %v", len(hist), err)
	}

	// the same month as a good statement: a new version, the old one kept
	typed.Set("risk_reserve", "1600000")
	typed.Set("compensation_balance", "4600000")
	if resp, body := c.Submit("/bank/platforms/"+itoa(inst)+"/statements", typed); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good statement: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, body = c.Get("/bank/platforms/" + itoa(inst))
	if n := doc(t, body).Find("[data-testid=bank-statements] tbody tr").Length(); n != 2 {
		t.Fatalf("history shows %d versions", n)
	}

	// the relationship decision: declining without a reason keeps the page and says why
	resp, body = c.Submit("/bank/relationships/"+itoa(inst), url.Values{"decision": {"declined"}, "note": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, body).Find("[data-testid=error-note]").Text(), "否认存管关系时请说明理由") {
		t.Fatalf("decline without a reason: %d", resp.StatusCode)
	}
	// another platform's page is 404 for the bank, and the bank's pages 403 for officers
	if resp, _ := c.Get("/bank/platforms/" + itoa(*demoUser(t, env, "platform1").InstitutionID)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("platform1 for bank1: %d", resp.StatusCode)
	}
	if resp, _ := login(t, env, "city1").Get("/bank/platforms/" + itoa(inst)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the city on a bank page: %d", resp.StatusCode)
	}
	if resp, _ := c.Get("/institutions/" + itoa(inst) + "/disclosure"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the bank on an officer page: %d", resp.StatusCode)
	}
}

// TestCustodyBankListKeepsTypedValues: the administrator's form refuses an evaluated bank
// without a date and a bad code, keeping what was typed; a good bank is listed.
func TestCustodyBankListKeepsTypedValues(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "admin")
	typed := url.Values{"name": {"广州测试银行股份有限公司"}, "code": {"123"}, "evaluated": {"yes"}, "evaluated_on": {""},
		"batch": {"第三批"}, "source": {"测评结果通知"}}
	resp, body := c.Submit("/admin/custody-banks", typed)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad bank: %d", resp.StatusCode)
	}
	d := doc(t, body)
	for _, k := range []string{"code", "evaluated_on"} {
		if d.Find("[data-testid=error-"+k+"]").Text() == "" {
			t.Errorf("no message for %s", k)
		}
	}
	if v, _ := d.Find("#f-name").Attr("value"); v != "广州测试银行股份有限公司" {
		t.Errorf("name lost: %q", v)
	}
	if _, ok := d.Find("#f-evaluated").Attr("checked"); !ok {
		t.Error("the evaluated box lost its tick")
	}
	typed.Set("code", models.MakeUSCC("91440101MA9CB0042"))
	typed.Set("evaluated_on", "2019-12-06")
	if resp, body := c.Submit("/admin/custody-banks", typed); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good bank: %d\n%s", resp.StatusCode, textOf(body))
	}
	_, body = c.Get("/admin/custody-banks")
	webtest.Contains(t, body, "广州测试银行股份有限公司", "已通过测评（2019-12-06，第三批）")

	// a bank user is bound to a bank of the list when the system administrator creates it
	acct := url.Values{"username": {"bank7"}, "display_name": {"测试银行存管部"}, "role": {"bank"}, "password": {"Portal@Demo2026-x"}}
	resp, body = c.Submit("/admin/users", acct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, body).Find("[data-testid=error-custody_bank_id]").Text(), "须选择所属存管银行") {
		t.Fatalf("bank user without a bank: %d", resp.StatusCode)
	}
	acct.Set("custody_bank_id", "999999")
	if resp, _ := c.Submit("/admin/users", acct); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bank user of an unknown bank: %d", resp.StatusCode)
	}
	banks, err := env.Store.CustodyBanks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range banks {
		if b.Name == "广州测试银行股份有限公司" {
			acct.Set("custody_bank_id", itoa(b.ID))
		}
	}
	if resp, body := c.Submit("/admin/users", acct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bank user: %d\n%s", resp.StatusCode, textOf(body))
	}
	u := demoUser(t, env, "bank7")
	if u.Role != models.RoleBank || u.CustodyBankID == nil {
		t.Fatalf("created %+v", u)
	}
}

// TestBankStatementXLSXUpload: the bank downloads the template for platform5, fills it in
// and uploads it through the one intake; a bad amount in the file comes back beside the
// field, a good file is stored as an xlsx version with its hash, and a file that is not the
// template is refused in Chinese.
func TestBankStatementXLSXUpload(t *testing.T) {
	env := webtest.New(t)
	inst, rep := bankMonth(t, env)
	c := login(t, env, "bank1")
	resp, body := c.Get("/bank/statements/template.xlsx?institution=" + itoa(inst) + "&period=" + rep.Figures.Period.String())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("template: %d", resp.StatusCode)
	}
	fill := func(reserve string) *bytes.Buffer {
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for cell, v := range map[string]string{"B4": "8200000", "B5": "21500000", "B6": reserve, "B7": rep.Figures.CompensationBalance.Yuan()} {
			if err := f.SetCellValue(models.StatementSheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return &buf
	}
	path := "/bank/platforms/" + itoa(inst) + "/statements/upload"
	resp, page := postFile(t, env, c, path, "对账单.xlsx", fill("一百万"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc(t, page).Find("[data-testid=error-risk_reserve]").Text(), "一般风险准备金账户余额") {
		t.Fatalf("bad amount in the file: %d", resp.StatusCode)
	}
	if v, _ := doc(t, page).Find("#f-risk_reserve").Attr("value"); v != "一百万" {
		t.Fatalf("the file's value not shown: %q", v)
	}
	if resp, _ := postFile(t, env, c, path, "对账单.xlsx", fill("1000000")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good file: %d", resp.StatusCode)
	}
	hist, err := env.Store.BankStatementsOf(context.Background(), demoUser(t, env, "bank1"), inst, 5)
	if err != nil || len(hist) != 2 || hist[0].Source != models.SourceXLSX || len(hist[0].UploadSHA256) != 64 || hist[0].RiskReserve != 100_000_000 {
		t.Fatalf("stored %+v %v", hist, err)
	}
	resp, page = postFile(t, env, c, path, "对账单.xlsx", strings.NewReader("not a spreadsheet"))
	if resp.StatusCode < 400 || resp.StatusCode >= 500 || doc(t, page).Find("[data-testid=error-file]").Text() == "" {
		t.Fatalf("garbage: %d", resp.StatusCode)
	}
}
