package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// custodyFixture is the demo's bank1 with platform5's institution and latest month.
type custodyFixture struct {
	st     *store.Store
	ctx    context.Context
	bank   *models.User
	inst   int64
	period models.Period
	now    time.Time
	rep    *models.MonthlyReport
}

func newCustody(t *testing.T) *custodyFixture {
	t.Helper()
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p5 := user(t, st, "platform5")
	reps, err := st.LatestReports(ctx, *p5.InstitutionID, 1)
	if err != nil || len(reps) == 0 {
		t.Fatalf("platform5's reports: %v %v", reps, err)
	}
	rep := reps[0]
	return &custodyFixture{st: st, ctx: ctx, bank: user(t, st, "bank1"), inst: *p5.InstitutionID, period: rep.Figures.Period,
		now: rep.Figures.Period.MonthEnd().AddDays(10).Start().Add(10 * time.Hour), rep: &rep}
}

func (f *custodyFixture) as(u *models.User) store.Actor { return store.Actor{User: u, Now: f.now} }

func (f *custodyFixture) visible(t *testing.T) []int64 {
	t.Helper()
	rows, total, err := f.st.BankPlatforms(f.ctx, f.bank, store.BankPlatformFilter{}, models.Page{Number: 1, Size: 50})
	if err != nil || int(total) != len(rows) {
		t.Fatalf("bank platforms: %v %d %v", rows, total, err)
	}
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.InstitutionID)
	}
	return ids
}

// TestBankSeesOnlyConfirmedPlatformsNamingIt: the bank sees a platform while the file
// names it and its latest decision is a confirmation; a platform naming another bank is
// not even among its relationships.
func TestBankSeesOnlyConfirmedPlatformsNamingIt(t *testing.T) {
	f := newCustody(t)
	p1 := user(t, f.st, "platform1")
	if got := f.visible(t); len(got) != 1 || got[0] != f.inst {
		t.Fatalf("bank1 sees %v; want only platform5's %d", got, f.inst)
	}
	rels, err := f.st.BankRelationships(f.ctx, f.bank)
	if err != nil || len(rels) != 1 || rels[0].InstitutionID != f.inst || rels[0].Status != models.RelationshipConfirmed {
		t.Fatalf("relationships %+v %v", rels, err)
	}
	if _, err := f.st.BankPlatform(f.ctx, f.bank, *p1.InstitutionID); code(err) != models.ENotFound {
		t.Fatalf("platform1 (another bank's) for bank1: %v", err)
	}
	if _, _, err := f.st.BankPlatforms(f.ctx, p1, store.BankPlatformFilter{}, models.Page{Number: 1}); code(err) != models.EForbidden {
		t.Fatalf("a platform user asking as a bank: %v", err)
	}

	// declining needs a reason; declined, the platform is gone and takes no statement
	if err := f.st.DecideRelationship(f.ctx, f.as(f.bank), f.inst, models.RelationshipDeclined, " "); code(err) != models.EInvalid {
		t.Fatalf("decline without a reason: %v", err)
	}
	if err := f.st.DecideRelationship(f.ctx, f.as(f.bank), f.inst, models.RelationshipDeclined, "存管协议已于上月终止"); err != nil {
		t.Fatal(err)
	}
	if got := f.visible(t); len(got) != 0 {
		t.Fatalf("after declining bank1 sees %v", got)
	}
	st := models.BankStatement{Period: f.period, RiskReserve: 1, CompensationBalance: 1}
	if _, err := f.st.SubmitBankStatement(f.ctx, f.as(f.bank), store.StatementInput{InstitutionID: f.inst, Statement: st, Source: models.SourceForm}); code(err) != models.ENotFound {
		t.Fatalf("a statement for a declined platform: %v", err)
	}
	if err := f.st.DecideRelationship(f.ctx, f.as(f.bank), f.inst, models.RelationshipConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if got := f.visible(t); len(got) != 1 {
		t.Fatalf("after confirming again bank1 sees %v", got)
	}
	if err := f.st.DecideRelationship(f.ctx, f.as(f.bank), f.inst, models.RelationshipConfirmed, ""); code(err) != models.EConflict {
		t.Fatalf("confirming twice: %v", err)
	}
	// a bank user of another bank (platform1's file names it) sees platform1 only once it
	// confirms
	if _, err := f.st.SaveInstitutionFile(f.ctx, f.as(p1), *p1.InstitutionID, completeFile(t, f.st, p1)); err != nil {
		t.Fatal(err)
	}
	banks, err := f.st.CustodyBanks(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var other int64
	for _, b := range banks {
		if b.Name == "广州示例银行股份有限公司" {
			other = b.ID
		}
	}
	hash, _ := models.HashPassword("Portal@Demo2026")
	ob, err := f.st.CreateUser(f.ctx, f.as(user(t, f.st, "admin")), store.NewUser{Username: "bank2", DisplayName: "示例银行存管部",
		PasswordHash: hash, Role: models.RoleBank, CustodyBankID: &other})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := f.st.BankPlatforms(f.ctx, ob, store.BankPlatformFilter{}, models.Page{Number: 1})
	if err != nil || len(rows) != 0 {
		t.Fatalf("unconfirmed platforms visible: %+v %v", rows, err)
	}
	if err := f.st.DecideRelationship(f.ctx, f.as(ob), *p1.InstitutionID, models.RelationshipConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DecideRelationship(f.ctx, f.as(ob), f.inst, models.RelationshipConfirmed, ""); code(err) != models.ENotFound {
		t.Fatalf("confirming a platform that names another bank: %v", err)
	}
	rows, _, err = f.st.BankPlatforms(f.ctx, ob, store.BankPlatformFilter{Query: "天河示例"}, models.Page{Number: 1})
	if err != nil || len(rows) != 1 || rows[0].InstitutionID != *p1.InstitutionID {
		t.Fatalf("bank2 after confirming platform1: %+v %v", rows, err)
	}
	if got := f.visible(t); len(got) != 1 || got[0] != f.inst {
		t.Fatalf("bank1 now sees %v", got)
	}
}

// TestBankStatementToleranceOpensWarning: with the city's tolerance of 100.00 元, a bank
// reserve 100.00 元 below the declared one opens nothing; 100.01 元 below, the next run
// opens one declared_vs_bank task for the district, and the comparison lists it.
func TestBankStatementToleranceOpensWarning(t *testing.T) {
	f := newCustody(t)
	city := user(t, f.st, "city1")
	if err := f.st.SetWarningSettings(f.ctx, f.as(city), models.WarningThresholds{models.WarnDeclaredBank: 10000}, 0); err != nil {
		t.Fatal(err)
	}
	decl := f.rep.Figures
	submit := func(reserve models.Money) *store.BankStatementRow {
		t.Helper()
		row, err := f.st.SubmitBankStatement(f.ctx, f.as(f.bank), store.StatementInput{InstitutionID: f.inst, Source: models.SourceForm,
			Statement: models.BankStatement{Period: f.period, LenderFunds: 100, RepaymentFlows: 100, RiskReserve: reserve, CompensationBalance: decl.CompensationBalance}})
		if err != nil {
			t.Fatal(err)
		}
		return row
	}
	bankTasks := func() []store.WarningTask {
		t.Helper()
		if _, err := f.st.RunEarlyWarning(f.ctx, f.now); err != nil {
			t.Fatal(err)
		}
		tasks, _, err := f.st.ListWarningTasks(f.ctx, user(t, f.st, "district3"), store.WarningFilter{Rule: models.WarnDeclaredBank}, models.Page{Number: 1})
		if err != nil {
			t.Fatal(err)
		}
		return tasks
	}
	if row := submit(decl.RiskReserveBalance - 10000); row.Version != 2 { // the demo's statement is version 1
		t.Fatalf("version %d", row.Version)
	}
	if ts := bankTasks(); len(ts) != 0 {
		t.Fatalf("at the tolerance: %+v", ts)
	}
	cmp, err := f.st.CompareLatestStatement(f.ctx, f.inst)
	if err != nil || !cmp.Declared || len(cmp.Flags) != 0 || cmp.Tolerance != 10000 || cmp.Statement.Version != 2 {
		t.Fatalf("comparison at the tolerance: %+v %v", cmp, err)
	}
	submit(decl.RiskReserveBalance - 10001)
	ts := bankTasks()
	want := "一般风险准备金申报 " + decl.RiskReserveBalance.String() + " 元，银行 " + (decl.RiskReserveBalance - 10001).String() + " 元"
	if len(ts) != 1 || ts[0].Period != f.period.Key() || !strings.Contains(ts[0].Detail, want) {
		t.Fatalf("beyond the tolerance: %+v; want a task with %q", ts, want)
	}
	if cmp, err := f.st.CompareLatestStatement(f.ctx, f.inst); err != nil || len(cmp.Flags) != 1 || cmp.Statement.Version != 3 {
		t.Fatalf("comparison beyond the tolerance: %+v %v", cmp, err)
	}
	// versions are kept, newest first; the city sees them, district1 (天河区) does not
	hist, err := f.st.BankStatementsOf(f.ctx, city, f.inst, 10)
	if err != nil || len(hist) != 3 || hist[0].Version != 3 || hist[2].Version != 1 {
		t.Fatalf("history %+v %v", hist, err)
	}
	if _, err := f.st.BankStatementsOf(f.ctx, user(t, f.st, "district1"), f.inst, 10); code(err) != models.ENotFound {
		t.Fatalf("another district: %v", err)
	}
	// a month not yet ended is refused
	if _, err := f.st.SubmitBankStatement(f.ctx, f.as(f.bank), store.StatementInput{InstitutionID: f.inst, Source: models.SourceForm,
		Statement: models.BankStatement{Period: models.PeriodOf(models.DateOf(f.now))}}); code(err) != models.EInvalid {
		t.Fatalf("the current month: %v", err)
	}
}

// TestHardLineSixByData: platform1 answers item 6 符合; while its bank is evaluated it may
// submit, once the administrator records the bank as not evaluated the blockers cite the
// list and plan 1 五(五), whatever the answer.
func TestHardLineSixByData(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p1 := user(t, st, "platform1")
	app := readyApplication(t, st, p1)
	today := models.DateOf(t0)
	blockers := func() string {
		t.Helper()
		r, err := st.Readiness(ctx, p1, app.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(r.Check.Blockers(), "\n")
	}
	if b := blockers(); strings.Contains(b, "第 6 项") {
		t.Fatalf("an evaluated bank blocks: %s", b)
	}
	banks, err := st.CustodyBanks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b models.CustodyBank
	for _, x := range banks {
		if x.Name == "广州示例银行股份有限公司" {
			b = x
		}
	}
	b.Evaluated, b.EvaluatedOn = false, nil
	if _, err := st.SaveCustodyBank(ctx, store.Actor{User: user(t, st, "secadmin"), Now: t0}, b.ID, b); code(err) != models.EForbidden {
		t.Fatalf("the security administrator keeps the list: %v", err)
	}
	admin := store.Actor{User: user(t, st, "admin"), Now: t0}
	if _, err := st.SaveCustodyBank(ctx, admin, b.ID, b); err != nil {
		t.Fatal(err)
	}
	got := blockers()
	for _, want := range []string{"第 6 项", "按存管银行名录判定为不符合", "未通过网贷资金存管业务测评", "五(五)", "不能以自评作答消除"} {
		if !strings.Contains(got, want) {
			t.Errorf("blockers lack %q:\n%s", want, got)
		}
	}
	// a second bank of the same name is refused on the name field
	dup := models.CustodyBank{Name: b.Name, Code: models.MakeUSCC("91440101MA9CB0077")}
	if _, err := st.SaveCustodyBank(ctx, admin, 0, dup); code(err) != models.EConflict {
		t.Fatalf("duplicate name: %v", err)
	} else if field, _ := models.ErrorField(err); field != "name" {
		t.Fatalf("duplicate on field %q", field)
	}
}
