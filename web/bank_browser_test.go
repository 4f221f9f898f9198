package web_test

import (
	"context"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// TestBrowserBankStatementFlag: the custody bank confirms platform5 (the demo's filed
// platform, declined first so there is something to confirm), is refused a statement with a
// bad amount without losing what it typed, then enters one whose general risk reserve
// disagrees with platform5's declared balance; the warning job opens a declared_vs_bank
// task and the city officer sees the flag on the warnings list and on the institution's
// disclosure page (issue 12 §3).
func TestBrowserBankStatementFlag(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	inst, rep := bankMonth(t, env)
	if err := env.Store.DecideRelationship(ctx, actAs(t, env, "bank1"), inst, models.RelationshipDeclined, "待核对存管协议"); err != nil {
		t.Fatal(err)
	}
	period := rep.Figures.Period.String()
	declared := rep.Figures.RiskReserveBalance

	b := browsertest.New(t, env.Server.URL)
	browserLogin(b, "bank1")
	b.ExpectText("[data-testid=relationships]", "广州海珠示范互联网金融信息服务有限公司", "已否认存管关系")
	b.Click("[data-testid=confirm-" + itoa(inst) + "]")
	b.ExpectText(".flash-success", "已确认存管关系")
	b.Open("/bank/platforms")
	b.ExpectText("[data-testid=bank-platforms]", "广州海珠示范互联网金融信息服务有限公司")
	b.Click("[data-testid=bank-platforms] tbody a")
	b.ExpectText("[data-testid=bank-check]", "对账单与申报数据、计提要求一致") // the demo's statement agrees

	b.Fill("period", period)
	b.Fill("lender_funds", "8,300,000")
	b.Fill("repayment_flows", "20,000,000")
	b.Fill("risk_reserve", "一百万")
	b.Fill("compensation_balance", rep.Figures.CompensationBalance.String())
	b.Fill("note", "更正：准备金账户月末余额")
	b.Click("[data-testid=submit-statement]")
	b.ExpectText("[data-testid=error-risk_reserve]", "一般风险准备金账户余额")
	if v := inputValue(t, b, "#f-lender_funds"); v != "8,300,000" {
		t.Fatalf("typed lender funds lost: %q", v)
	}
	b.Fill("risk_reserve", "1,000,000")
	b.Click("[data-testid=submit-statement]")
	b.ExpectText(".flash-success", "已报送 "+period+" 对账单（第 2 版）")
	want := "一般风险准备金申报 " + declared.String() + " 元，银行 1,000,000.00 元"
	b.ExpectText("[data-testid=bank-flags]", want)
	b.ExpectText("[data-testid=bank-statements]", "第 2 版", "第 1 版", "更正：准备金账户月末余额")
	b.Screenshot("bank-statement-flagged")
	browserLogout(b)

	// the early-warning job, as the scheduler runs it
	if err := env.Web.RunJobs(ctx); err != nil {
		t.Fatal(err)
	}
	tasks, n, err := env.Store.ListWarningTasks(ctx, actAs(t, env, "district3").User,
		store.WarningFilter{Rule: models.WarnDeclaredBank}, models.Page{Number: 1, Size: 20})
	if err != nil || n != 1 {
		t.Fatalf("declared_vs_bank tasks for 海珠区: %d %v", n, err)
	}

	browserLogin(b, "city1")
	b.Open("/warnings?rule=declared_vs_bank")
	b.ExpectText("[data-testid=warnings]", "申报数据与存管银行对账单不一致", "广州海珠示范互联网金融信息服务有限公司", want, "处置期限")
	b.Click("[data-testid=warnings] tbody a")
	b.ExpectText("[data-testid=warning-detail]", want)
	b.Open("/institutions/" + itoa(inst) + "/disclosure")
	b.ExpectText("[data-testid=bank-flags]", want)
	b.ExpectText("[data-testid=bank-statements]", "广州示范商业银行股份有限公司", "第 2 版")
	b.Screenshot("city-sees-bank-flag")
	_ = tasks
}
