package models

import "fmt"

// OperatingClass is the filing class of seeds/001 二(一); stored as the English key.
type OperatingClass string

const (
	ClassSingleProvince OperatingClass = "single_province"
	ClassNational       OperatingClass = "national"
)

// Label is the Chinese name shown in the UI.
func (c OperatingClass) Label() string {
	switch c {
	case ClassSingleProvince:
		return "单一省级区域经营"
	case ClassNational:
		return "全国经营"
	}
	return string(c)
}

// filingThresholds are the per-class figures of seeds/001 二(二)–(四).
type filingThresholds struct {
	paidIn       Money // 实缴注册资本（货币资金）不少于
	reserve      Ratio // 一般风险准备金：撮合业务余额的固定比例
	compensation Ratio // 出借人风险补偿金：每一借款项目金额的比例
}

var filingThresholdsByClass = map[OperatingClass]filingThresholds{
	ClassSingleProvince: {50_000_000 * OneYuan, 1 * Percent, 3 * Percent},
	ClassNational:       {500_000_000 * OneYuan, 3 * Percent, 6 * Percent},
}

// Corporate shareholder conditions (seeds/001 二(五)): "连续经营5年以上 … 最近3个会计年度
// 连续盈利；年终分配后净资产达到总资产30%以上，权益性投资余额不超过净资产50% … 境内非
// 金融企业法人". "以上" includes the figure itself, as Chinese statutes read it.
const (
	ShareholderMinYears         = 5
	ShareholderMinProfitYears   = 3
	ShareholderMinNetAssetShare = 30 * Percent // of total assets
	ShareholderMaxEquityShare   = 50 * Percent // of net assets
)

// FilingFacts are the figures the conditions are computed from: the institution file and
// the latest month-end data.
type FilingFacts struct {
	Class                 OperatingClass
	PaidInCapital         Money // paid-in registered capital contributed in money
	RiskReserve           Money // general risk reserve held in the custody account
	OutstandingBalance    Money // 撮合业务余额 at the same month end
	CompensationRatio     Ratio // lender risk compensation rate applied to each loan (the lowest)
	CorporateShareholders []CorporateShareholder
}

// CorporateShareholder are the facts of one legal-person shareholder, after year-end
// distribution.
type CorporateShareholder struct {
	Name                 string
	YearsOperating       int
	ProfitableYears      int // most recent consecutive profitable fiscal years
	NetAssets            Money
	TotalAssets          Money
	EquityInvestments    Money
	DomesticNonFinancial bool // 境内非金融企业法人
}

// Condition is one computed filing condition, with the figure and threshold as shown.
type Condition struct {
	Name      string
	Figure    string
	Threshold string
	Rule      string
	Pass      bool
}

// String is one line for pages and PDFs.
func (c Condition) String() string {
	verdict := "符合"
	if !c.Pass {
		verdict = "不符合"
	}
	return fmt.Sprintf("%s %s，要求 %s：%s（%s）", c.Name, c.Figure, c.Threshold, verdict, c.Rule)
}

// Conditions is the list EvaluateFilingConditions returns.
type Conditions []Condition

// AllPass reports whether every condition is met.
func (cs Conditions) AllPass() bool {
	for _, c := range cs {
		if !c.Pass {
			return false
		}
	}
	return true
}

// EvaluateFilingConditions computes the quantitative filing conditions of seeds/001 二.
func EvaluateFilingConditions(f FilingFacts) (Conditions, error) {
	th, ok := filingThresholdsByClass[f.Class]
	if !ok {
		return nil, Errorf(EInvalid, "请选择经营类别：单一省级区域经营或全国经营（%s二(一)）", citeFilingPilot)
	}
	cite := func(clause string) string { return citeFilingPilot + clause }
	class := f.Class.Label()
	required := f.OutstandingBalance.PortionUp(th.reserve)
	cs := Conditions{
		{"实缴货币资本", yuan(f.PaidInCapital), fmt.Sprintf("≥ %s（%s）", yuan(th.paidIn), class),
			cite("二(二)"), f.PaidInCapital >= th.paidIn},
		{"一般风险准备金", reserveFigure(f.RiskReserve, f.OutstandingBalance),
			fmt.Sprintf("≥ 撮合业务余额的 %s，即 ≥ %s（%s）", th.reserve, yuan(required), class),
			cite("二(三)"), f.RiskReserve >= required},
		{"出借人风险补偿金计提比例", f.CompensationRatio.String(),
			fmt.Sprintf("≥ 每一借款项目金额的 %s（%s）", th.compensation, class),
			cite("二(四)"), f.CompensationRatio >= th.compensation},
	}
	for _, s := range f.CorporateShareholders {
		cs = append(cs, shareholderConditions(s, cite("二(五)"))...)
	}
	return cs, nil
}

func shareholderConditions(s CorporateShareholder, rule string) Conditions {
	name := func(what string) string { return fmt.Sprintf("法人股东「%s」%s", s.Name, what) }
	minNet := s.TotalAssets.PortionUp(ShareholderMinNetAssetShare)
	maxEquity := s.NetAssets.PortionDown(ShareholderMaxEquityShare)
	netShare := "总资产非正数，无法计算占比"
	if s.TotalAssets > 0 {
		netShare = "占总资产 " + RatioOf(s.NetAssets, s.TotalAssets).String()
	}
	equityShare := "净资产非正数，无法计算占比"
	if s.NetAssets > 0 {
		// Rounded up, so a figure over the ceiling never shows as exactly 50.00%.
		equityShare = "占净资产 " + Ratio(mulDiv(int64(s.EquityInvestments), int64(Hundred), int64(s.NetAssets), true)).String()
	}
	yesNo := map[bool]string{true: "是", false: "否"}
	return Conditions{
		{name("连续经营年限"), fmt.Sprintf("%d 年", s.YearsOperating), fmt.Sprintf("≥ %d 年", ShareholderMinYears),
			rule, s.YearsOperating >= ShareholderMinYears},
		{name("最近连续盈利会计年度"), fmt.Sprintf("%d 个", s.ProfitableYears), fmt.Sprintf("≥ %d 个", ShareholderMinProfitYears),
			rule, s.ProfitableYears >= ShareholderMinProfitYears},
		{name("净资产"), fmt.Sprintf("%s，%s", yuan(s.NetAssets), netShare),
			fmt.Sprintf("≥ 总资产的 %s", ShareholderMinNetAssetShare),
			rule, s.TotalAssets > 0 && s.NetAssets >= minNet},
		{name("权益性投资余额"), fmt.Sprintf("%s，%s", yuan(s.EquityInvestments), equityShare),
			fmt.Sprintf("≤ 净资产的 %s", ShareholderMaxEquityShare),
			rule, s.NetAssets > 0 && s.EquityInvestments <= maxEquity},
		{name("为境内非金融企业法人"), yesNo[s.DomesticNonFinancial], "是",
			rule, s.DomesticNonFinancial},
	}
}

func reserveFigure(reserve, balance Money) string {
	if balance <= 0 {
		return fmt.Sprintf("%s（撮合业务余额为 %s）", yuan(reserve), yuan(balance))
	}
	return fmt.Sprintf("%s，为撮合业务余额 %s的 %s", yuan(reserve), yuan(balance), RatioOf(reserve, balance))
}

func yuan(m Money) string { return m.String() + " 元" }
