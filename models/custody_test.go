package models

import (
	"bytes"
	"strings"
	"testing"
)

// TestCompareBankStatementTolerance: a difference of exactly the tolerance is within it,
// one 分 more is a flag, against the declared balances and against the requirement the
// declared balance implies (1% / 3% for a single-province platform, seeds/001 二(三)(四)).
// The amounts are worked out by hand: tolerance 100.00 元 = 10000 分; balance
// 100,000,000.00 元 needs a reserve of 1,000,000.00 元 and compensation of 3,000,000.00 元.
func TestCompareBankStatementTolerance(t *testing.T) {
	const tol = Money(10000)
	declared := MonthlyFigures{Period: Period{2026, 10}, Balance: Money(10_000_000_000),
		RiskReserveBalance: Money(160_000_000), CompensationBalance: Money(460_000_000)}
	for _, c := range []struct {
		name      string
		reserve   Money
		class     OperatingClass
		wantFlags []string
	}{
		{"equal", 160_000_000, ClassSingleProvince, nil},
		{"at the tolerance below", 159_990_000, ClassSingleProvince, nil},
		{"at the tolerance above", 160_010_000, ClassSingleProvince, nil},
		{"just under the tolerance", 159_990_001, ClassSingleProvince, nil},
		{"just over the tolerance", 159_989_999, ClassSingleProvince, []string{"一般风险准备金申报 1,600,000.00 元，银行 1,599,899.99 元"}},
		{"just over the tolerance above", 160_010_001, ClassSingleProvince, []string{"一般风险准备金申报 1,600,000.00 元，银行 1,600,100.01 元"}},
	} {
		got := CompareBankStatement(declared, c.class, BankStatement{RiskReserve: c.reserve, CompensationBalance: 460_000_000}, tol)
		var texts []string
		for _, f := range got {
			texts = append(texts, f.Text())
		}
		if strings.Join(texts, "|") != strings.Join(c.wantFlags, "|") {
			t.Errorf("%s: flags %q; want %q", c.name, texts, c.wantFlags)
		}
	}

	// the requirement: the declared figures agree with the bank, which holds less than
	// 1% of the balance (1,000,000.00 元)
	low := MonthlyFigures{Period: Period{2026, 10}, Balance: Money(10_000_000_000), CompensationBalance: Money(300_000_000)}
	for _, c := range []struct {
		reserve Money
		flagged bool
	}{{100_000_000, false}, {99_990_000, false}, {99_989_999, true}} {
		low.RiskReserveBalance = c.reserve
		got := CompareBankStatement(low, ClassSingleProvince, BankStatement{RiskReserve: c.reserve, CompensationBalance: 300_000_000}, tol)
		if (len(got) == 1) != c.flagged || c.flagged && got[0].Text() != "一般风险准备金账户余额 999,899.99 元，低于按借贷余额计提要求 1,000,000.00 元" {
			t.Errorf("reserve %s: %v; flagged want %v", c.reserve, got, c.flagged)
		}
	}
	// a national platform needs 3% and 6%: 3,000,000.00 and 6,000,000.00 元
	got := CompareBankStatement(low, ClassNational, BankStatement{RiskReserve: 99_989_999, CompensationBalance: 300_000_000}, tol)
	if len(got) != 2 || got[0].Expected != 300_000_000 || got[1].Expected != 600_000_000 {
		t.Errorf("national: %+v", got)
	}
	// no operating class: only the declared figures are compared
	if got := CompareBankStatement(low, "", BankStatement{RiskReserve: 99_989_999, CompensationBalance: 300_000_000}, tol); len(got) != 0 {
		t.Errorf("no class: %+v", got)
	}
}

// TestEvaluateWarningsBankRule: the declared_vs_bank rule fires through the warning engine
// with the tolerance the jurisdiction set.
func TestEvaluateWarningsBankRule(t *testing.T) {
	declared := MonthlyFigures{Period: Period{2026, 10}, Balance: Money(10_000_000_000),
		RiskReserveBalance: Money(160_000_000), CompensationBalance: Money(460_000_000)}
	facts := WarningFacts{Declared: declared, Indicators: Indicators{Class: ClassSingleProvince},
		Bank: &BankStatement{RiskReserve: 150_000_000, CompensationBalance: 460_000_000}}
	th := WarningThresholds{WarnDeclaredBank: 10_000_000} // 100,000.00 元: within
	for _, b := range EvaluateWarnings(th, facts) {
		if b.Rule == WarnDeclaredBank {
			t.Fatalf("within a 100,000 元 tolerance: %v", b)
		}
	}
	th[WarnDeclaredBank] = 999_999 // 9,999.99 元
	var found bool
	for _, b := range EvaluateWarnings(th, facts) {
		if b.Rule == WarnDeclaredBank {
			found = strings.Contains(b.Detail, "一般风险准备金申报 1,600,000.00 元，银行 1,500,000.00 元")
		}
	}
	if !found {
		t.Fatal("no declared_vs_bank breach beyond the tolerance")
	}
}

func TestCustodyBankDecidesHardLineSix(t *testing.T) {
	on := NewDate(2019, 6, 28)
	list := []CustodyBank{{Name: "甲银行股份有限公司", Evaluated: true, EvaluatedOn: &on}, {Name: "乙银行股份有限公司"}}
	all := func(a Answer) map[int]Answer {
		m := map[int]Answer{}
		for _, it := range SelfAssessmentItems {
			m[it.No] = AnswerYes
		}
		m[6] = a
		return m
	}
	// an evaluated bank: item 6 is 符合 whatever was answered, even nothing
	ok := CheckCustodyBank(" 甲银行股份有限公司 ", list)
	for _, a := range []Answer{AnswerYes, AnswerNo, ""} {
		if r := EvaluateSelfAssessmentWith(all(a), &ok); !r.Eligible() {
			t.Errorf("evaluated bank, answer %q: %+v", a, r)
		}
	}
	// on the list but not evaluated, or not on the list: a hard line answered 符合
	for _, named := range []string{"乙银行股份有限公司", "丙银行股份有限公司", ""} {
		c := CheckCustodyBank(named, list)
		r := EvaluateSelfAssessmentWith(all(AnswerYes), &c)
		if r.Eligible() || len(r.Violations) != 1 || r.Violations[0].Item.No != 6 ||
			!strings.Contains(r.Violations[0].Message, "不能以自评作答消除") || !strings.Contains(r.Violations[0].Message, "五(五)") {
			t.Errorf("bank %q: %+v", named, r)
		}
	}
	// the violations stay in item order
	c := CheckCustodyBank("丙银行股份有限公司", list)
	ans := all(AnswerYes)
	ans[3], ans[8] = AnswerNo, AnswerNo
	r := EvaluateSelfAssessmentWith(ans, &c)
	if len(r.Violations) != 3 || r.Violations[0].Item.No != 3 || r.Violations[1].Item.No != 6 || r.Violations[2].Item.No != 8 {
		t.Errorf("order: %+v", r.Violations)
	}
	// half-width parentheses and spaces in the file still match
	list = append(list, CustodyBank{Name: "丁银行（中国）有限公司", Evaluated: true, EvaluatedOn: &on})
	if c := CheckCustodyBank("丁银行(中国) 有限公司", list); !c.Evaluated {
		t.Errorf("normalised name: %+v", c)
	}
}

func TestParseBankStatementKeepsFieldErrors(t *testing.T) {
	_, errs := ParseBankStatement(map[string]string{"period": "2026-13", "lender_funds": "一百万", "repayment_flows": "",
		"risk_reserve": "1,000.005", "compensation_balance": "-5"})
	for _, k := range []string{"period", "lender_funds", "repayment_flows", "risk_reserve", "compensation_balance"} {
		if errs[k] == "" {
			t.Errorf("no error for %s: %v", k, errs)
		}
	}
	s, errs := ParseBankStatement(map[string]string{"period": "2026-10", "lender_funds": "8,200,000", "repayment_flows": "0",
		"risk_reserve": "1600000.5", "compensation_balance": "4600000"})
	if len(errs) != 0 || s.Period != (Period{2026, 10}) || s.RiskReserve != 160_000_050 || s.LenderFunds != 820_000_000 {
		t.Fatalf("%+v %v", s, errs)
	}
	if err := ValidateStatementPeriod(Period{2026, 11}, NewDate(2026, 11, 30)); err == nil {
		t.Error("a month not yet ended was accepted")
	}
	if err := ValidateStatementPeriod(Period{2026, 11}, NewDate(2026, 12, 1)); err != nil {
		t.Errorf("the month after: %v", err)
	}
}

func TestParseCustodyBank(t *testing.T) {
	_, errs := ParseCustodyBank(CustodyBankInput{Name: "甲", Code: "123", Evaluated: true})
	for _, k := range []string{"name", "code", "evaluated_on"} {
		if errs[k] == "" {
			t.Errorf("no error for %s: %v", k, errs)
		}
	}
	b, errs := ParseCustodyBank(CustodyBankInput{Name: "甲银行股份有限公司", Code: MakeUSCC("91440101MA9CB0009"), Evaluated: false,
		EvaluatedOn: "2019-06-28", Batch: "第一批"})
	if len(errs) != 0 || b.EvaluatedOn != nil || b.Batch != "" || b.EvaluationText() != "未通过测评" {
		t.Fatalf("%+v %v", b, errs)
	}
}

func TestStatementTemplateRoundTrip(t *testing.T) {
	f, err := StatementTemplate("甲银行", "乙机构", Period{2026, 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"8200000", "21500000.5", "1600000", "4600000"} {
		if err := f.SetCellValue(StatementSheet, "B"+string(rune('4'+i)), v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	typed, err := ParseStatementTemplate(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s, errs := ParseBankStatement(typed)
	if len(errs) != 0 || s.Period != (Period{2026, 10}) || s.RepaymentFlows != 2_150_000_050 || s.CompensationBalance != 460_000_000 {
		t.Fatalf("%+v %v %v", s, errs, typed)
	}
	if _, err := ParseStatementTemplate(strings.NewReader("not a spreadsheet")); ErrorCode(err) != EInvalid {
		t.Fatalf("garbage: %v", err)
	}
}
