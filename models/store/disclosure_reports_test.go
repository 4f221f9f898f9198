package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

func sampleFigures(p models.Period) models.MonthlyFigures {
	return models.MonthlyFigures{
		Period: p, CumulativeAmount: 900_000_000 * models.OneYuan, CumulativeCount: 12000,
		Balance: 300_000_000 * models.OneYuan, BalanceCount: 4000, CumulativeLenders: 9000, CumulativeBorrowers: 3000,
		CurrentLenders: 2000, CurrentBorrowers: 800, Top10Share: 8 * models.Percent, LargestBorrowerShare: 1 * models.Percent,
		OverdueAmount: 5_000_000 * models.OneYuan, OverdueCount: 40, Overdue90Amount: 2_000_000 * models.OneYuan, Overdue90Count: 15,
		FeeSchedule: "借款人服务费 1%", RiskReserveBalance: 3_000_000 * models.OneYuan,
	}
}

// A correction is a new version; the old one stays, the latest is what DeclaredFigures
// returns, and the versions form a chain that a changed row breaks.
func TestMonthlyReportVersionsAndChain(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	inst := *u.InstitutionID
	p := models.Period{Year: 2026, Month: 10}
	a := store.Actor{User: u, Now: t0}
	f1 := sampleFigures(p)
	v1, err := st.SubmitMonthlyReport(ctx, a, store.ReportInput{InstitutionID: inst, Figures: f1, Source: models.SourceForm})
	if err != nil {
		t.Fatal(err)
	}
	f2 := f1
	f2.OverdueCount = 41
	a.Now = t0.Add(time.Hour)
	v2, err := st.SubmitMonthlyReport(ctx, a, store.ReportInput{InstitutionID: inst, Figures: f2, Source: models.SourceXLSX, Note: "更正逾期笔数"})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != 1 || v2.Version != 2 || v2.PrevHash != v1.Hash {
		t.Fatalf("versions %d, %d; v2 prev %s, v1 hash %s", v1.Version, v2.Version, v2.PrevHash, v1.Hash)
	}
	got, ok, err := st.DeclaredFigures(ctx, inst, p)
	if err != nil || !ok || got.OverdueCount != 41 {
		t.Fatalf("declared figures: %v %v %+v", ok, err, got)
	}
	if _, ok, _ := st.DeclaredFigures(ctx, inst, p.Prev()); ok {
		t.Fatal("a period never reported has declared figures")
	}
	vs, err := st.ReportVersions(ctx, inst, p)
	if err != nil || len(vs) != 2 || vs[0].Figures.OverdueCount != 40 || vs[1].Note != "更正逾期笔数" {
		t.Fatalf("history: %v %+v", err, vs)
	}
	if brk, n, err := st.VerifyReportChain(ctx, inst); err != nil || brk != nil || n != 2 {
		t.Fatalf("chain: %v %+v %d", err, brk, n)
	}
	// the table refuses an update; tampering with the trigger off breaks the chain
	db, _ := st.SQLDB()
	if _, err := db.Exec("UPDATE disclosure_reports SET overdue_count = 1 WHERE id = $1", v1.ID); err == nil {
		t.Fatal("a report version was updated")
	}
	if _, err := db.Exec(`ALTER TABLE disclosure_reports DISABLE TRIGGER disclosure_reports_no_update;
		UPDATE disclosure_reports SET overdue_count = 1 WHERE id = ` + fmt.Sprint(v1.ID)); err != nil {
		t.Fatal(err)
	}
	brk, _, err := st.VerifyReportChain(ctx, inst)
	if err != nil || brk == nil || brk.DecisionID != v1.ID {
		t.Fatalf("tampered row not found: %v %+v", err, brk)
	}
}

// The rule set follows the city, else the province, else national.
func TestInstitutionRuleSet(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	inst := *user(t, st, "platform1").InstitutionID
	rs, err := st.InstitutionRuleSet(ctx, inst)
	if err != nil || rs != models.RuleSetNational {
		t.Fatalf("default %q %v", rs, err)
	}
	prov := store.Actor{User: user(t, st, "province1"), Now: t0}
	if err := st.SetRuleSetting(ctx, prov, models.RuleSetShanghai); err != nil {
		t.Fatal(err)
	}
	if rs, _ := st.InstitutionRuleSet(ctx, inst); rs != models.RuleSetShanghai {
		t.Fatalf("province setting: %q", rs)
	}
	city := store.Actor{User: user(t, st, "city1"), Now: t0}
	if err := st.SetRuleSetting(ctx, city, models.RuleSetNational); err != nil {
		t.Fatal(err)
	}
	if rs, _ := st.InstitutionRuleSet(ctx, inst); rs != models.RuleSetNational {
		t.Fatalf("city setting: %q", rs)
	}
	if err := st.SetRuleSetting(ctx, store.Actor{User: user(t, st, "district1"), Now: t0}, models.RuleSetShanghai); models.ErrorCode(err) != models.EForbidden {
		t.Fatalf("district sets the rule set: %v", err)
	}
}
