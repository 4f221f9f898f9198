package models

import (
	"strings"
	"testing"
)

func yuanOf(t testing.TB, s string) Money {
	t.Helper()
	m, err := ParseSignedYuan(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFilingConditionsByClass(t *testing.T) {
	tests := []struct {
		name                     string
		class                    OperatingClass
		paidIn, reserve, balance string
		compensation             Ratio
		pass                     [3]bool // paid-in, reserve, compensation
	}{
		{"single province, all met", ClassSingleProvince, "60,000,000", "1,500,000", "150,000,000", 3 * Percent, [3]bool{true, true, true}},
		{"single province, exactly at the thresholds", ClassSingleProvince, "50,000,000", "1,500,000.00", "150,000,000", 3 * Percent, [3]bool{true, true, true}},
		{"single province, one 分 short everywhere", ClassSingleProvince, "49,999,999.99", "1,499,999.99", "150,000,000", 299, [3]bool{false, false, false}},
		{"reserve rounds up to the 分", ClassSingleProvince, "50,000,000", "0.02", "1.01", 3 * Percent, [3]bool{true, true, true}},
		{"reserve rounds up to the 分, short", ClassSingleProvince, "50,000,000", "0.01", "1.01", 3 * Percent, [3]bool{true, false, true}},
		{"no outstanding balance needs no reserve", ClassSingleProvince, "50,000,000", "0", "0", 3 * Percent, [3]bool{true, true, true}},
		{"national needs 5亿, 3% and 6%", ClassNational, "60,000,000", "1,500,000", "150,000,000", 3 * Percent, [3]bool{false, false, false}},
		{"national, all met", ClassNational, "500,000,000", "4,500,000", "150,000,000", 6 * Percent, [3]bool{true, true, true}},
	}
	for _, tt := range tests {
		cs, err := EvaluateFilingConditions(FilingFacts{
			Class: tt.class, PaidInCapital: yuanOf(t, tt.paidIn), RiskReserve: yuanOf(t, tt.reserve),
			OutstandingBalance: yuanOf(t, tt.balance), CompensationRatio: tt.compensation,
		})
		if err != nil || len(cs) != 3 {
			t.Fatalf("%s: %v, %v", tt.name, cs, err)
		}
		for i, c := range cs {
			if c.Pass != tt.pass[i] {
				t.Errorf("%s: %s pass = %v, want %v", tt.name, c, c.Pass, tt.pass[i])
			}
		}
		if cs.AllPass() != (tt.pass == [3]bool{true, true, true}) {
			t.Errorf("%s: AllPass = %v", tt.name, cs.AllPass())
		}
	}
}

func TestFilingConditionTexts(t *testing.T) {
	cs, err := EvaluateFilingConditions(FilingFacts{
		Class: ClassSingleProvince, PaidInCapital: 60_000_000 * OneYuan, RiskReserve: 2_000_000 * OneYuan,
		OutstandingBalance: 150_000_000 * OneYuan, CompensationRatio: 350,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ figure, threshold, rule string }{
		{"60,000,000.00 元", "≥ 50,000,000.00 元（单一省级区域经营）", "二(二)"},
		{"2,000,000.00 元，为撮合业务余额 150,000,000.00 元的 1.33%", "≥ 撮合业务余额的 1.00%，即 ≥ 1,500,000.00 元（单一省级区域经营）", "二(三)"},
		{"3.50%", "≥ 每一借款项目金额的 3.00%（单一省级区域经营）", "二(四)"},
	}
	for i, w := range want {
		c := cs[i]
		if c.Figure != w.figure || c.Threshold != w.threshold || c.Rule != citeFilingPilot+w.rule {
			t.Errorf("condition %d = %+v\nwant %+v", i, c, w)
		}
	}
	line := "实缴货币资本 60,000,000.00 元，要求 ≥ 50,000,000.00 元（单一省级区域经营）：符合（《网络借贷信息中介机构有条件备案试点工作方案》二(二)）"
	if cs[0].String() != line {
		t.Errorf("String:\n got %s\nwant %s", cs[0], line)
	}
	if _, err := EvaluateFilingConditions(FilingFacts{Class: "regional"}); ErrorCode(err) != EInvalid {
		t.Errorf("unknown class: %v", err)
	}
}

func TestShareholderConditions(t *testing.T) {
	good := CorporateShareholder{Name: "甲公司", YearsOperating: 5, ProfitableYears: 3,
		NetAssets: 300 * OneYuan, TotalAssets: 1000 * OneYuan, EquityInvestments: 150 * OneYuan, DomesticNonFinancial: true}
	tests := []struct {
		name   string
		change func(*CorporateShareholder)
		failed string // name suffix of the one failing condition, "" when all pass
	}{
		{"exactly at every threshold", func(*CorporateShareholder) {}, ""},
		{"4 years operating", func(s *CorporateShareholder) { s.YearsOperating = 4 }, "连续经营年限"},
		{"2 profitable years", func(s *CorporateShareholder) { s.ProfitableYears = 2 }, "最近连续盈利会计年度"},
		{"net assets one 分 under 30%", func(s *CorporateShareholder) { s.NetAssets = 299_99; s.EquityInvestments = 100 * OneYuan }, "净资产"},
		{"equity one 分 over 50%", func(s *CorporateShareholder) { s.EquityInvestments = 150_01 }, "权益性投资余额"},
		{"a financial or foreign company", func(s *CorporateShareholder) { s.DomesticNonFinancial = false }, "为境内非金融企业法人"},
	}
	for _, tt := range tests {
		s := good
		tt.change(&s)
		cs, err := EvaluateFilingConditions(FilingFacts{Class: ClassNational, PaidInCapital: 500_000_000 * OneYuan,
			CompensationRatio: 6 * Percent, CorporateShareholders: []CorporateShareholder{s}})
		if err != nil || len(cs) != 8 {
			t.Fatalf("%s: %d conditions, %v", tt.name, len(cs), err)
		}
		for _, c := range cs[3:] {
			wantPass := tt.failed == "" || c.Name != "法人股东「甲公司」"+tt.failed
			if c.Pass != wantPass {
				t.Errorf("%s: %s", tt.name, c)
			}
		}
	}
	// Figures shown beside the verdict never contradict it.
	s := good
	s.EquityInvestments = 150_01
	cs, _ := EvaluateFilingConditions(FilingFacts{Class: ClassNational, CorporateShareholders: []CorporateShareholder{s}})
	if f := cs[6].Figure; f != "150.01 元，占净资产 50.01%" {
		t.Errorf("equity figure = %q", f)
	}
	if f := cs[5].Figure; f != "300.00 元，占总资产 30.00%" {
		t.Errorf("net assets figure = %q", f)
	}
	s = good
	s.NetAssets, s.EquityInvestments = -50*OneYuan, 0
	cs, _ = EvaluateFilingConditions(FilingFacts{Class: ClassNational, CorporateShareholders: []CorporateShareholder{s}})
	if cs[5].Pass || cs[6].Pass || !strings.Contains(cs[6].Figure, "净资产非正数") {
		t.Errorf("negative net assets: %s / %s", cs[5], cs[6])
	}
}
