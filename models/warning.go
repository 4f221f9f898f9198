package models

import (
	"fmt"
	"strconv"
	"strings"
)

// Early warning (风险预警, issue 12 §2): rules over one institution's month, with
// thresholds a jurisdiction keeps as data. A rule whose threshold the seeds fix cites its
// clause; the others are local settings and say so.

// WarningRule names an early-warning rule.
type WarningRule string

const (
	WarnM90Rate          WarningRule = "m90_rate"
	WarnLargestShare     WarningRule = "largest_share"
	WarnCapViolation     WarningRule = "cap_violation"
	WarnRelatedParty     WarningRule = "related_party"
	WarnBalanceRise      WarningRule = "balance_rise"
	WarnReserve          WarningRule = "reserve_shortfall"
	WarnCompensation     WarningRule = "compensation_shortfall"
	WarnLateReport       WarningRule = "late_report"
	WarnOpenEvent        WarningRule = "open_event"
	WarnDeclaredComputed WarningRule = "declared_vs_computed"
	WarnDeclaredBank     WarningRule = "declared_vs_bank"
)

// WarningUnit is what a rule's threshold measures.
type WarningUnit string

const (
	UnitShare  WarningUnit = "share"  // basis points of a Ratio: breached above it
	UnitCount  WarningUnit = "count"  // breached above it
	UnitAmount WarningUnit = "amount" // a tolerance in 分: breached when a difference exceeds it
	UnitNone   WarningUnit = ""       // fixed by the seeds: no threshold to set
)

// WarningRuleInfo describes one rule.
type WarningRuleInfo struct {
	Rule    WarningRule
	Name    string
	Unit    WarningUnit
	Default int64
	// Clause cites the seed that fixes the rule; Local is true when the threshold is the
	// jurisdiction's own setting (the seeds fix none).
	Clause string
	Local  bool
}

// ThresholdText formats a threshold in its unit: "5.00%", "0 笔", "0.00 元".
func (r WarningRuleInfo) ThresholdText(v int64) string {
	switch r.Unit {
	case UnitShare:
		return Ratio(v).String()
	case UnitCount:
		return fmt.Sprintf("%d", v)
	case UnitAmount:
		return Money(v).String() + " 元"
	}
	return "—"
}

// ParseThreshold reads a threshold as typed for the rule's unit.
func (r WarningRuleInfo) ParseThreshold(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch r.Unit {
	case UnitShare:
		v, err := ParsePercent(s)
		return int64(v), err
	case UnitCount:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > 1_000_000_000 {
			return 0, Errorf(EInvalid, "%s的阈值应为不小于 0 的整数", r.Name)
		}
		return n, nil
	case UnitAmount:
		v, err := ParseYuan(s)
		return int64(v), err
	}
	return 0, Errorf(EInvalid, "%s由规定确定，无需设置阈值", r.Name)
}

// WarningRules lists the rules in the order they are shown.
var WarningRules = []WarningRuleInfo{
	{WarnM90Rate, "90天以上逾期率", UnitShare, 5 * int64(Percent),
		"M90+ 金额 ÷ 借贷余额（" + citeShanghaiDisclosure + "附件规范表；" + citeNationalDisclosure + "第八条(八)）；阈值为本地设置", true},
	{WarnLargestShare, "最大单一借款人待还金额占比", UnitShare, 10 * int64(Percent),
		citeNationalDisclosure + "第八条(五)；阈值为本地设置", true},
	{WarnCapViolation, "借款余额超过单一借款人上限", UnitCount, 0,
		"自然人 20 万元、法人或其他组织 100 万元（" + BorrowerCapClause + "）", false},
	{WarnRelatedParty, "关联关系借款", UnitCount, 0,
		citeNationalDisclosure + "第八条(六)；笔数超过阈值（默认 0，即有即预警）为本地设置", true},
	{WarnBalanceRise, "整改期间借贷余额环比上升", UnitNone, 0,
		"借款余额不降反升（" + citeAcceptanceImpl + "三(二)6）", false},
	{WarnReserve, "一般风险准备金不足", UnitNone, 0,
		"不低于借贷余额的 1%（单一省级区域经营）或 3%（全国经营）（" + citeFilingPilot + "二(三)）", false},
	{WarnCompensation, "出借人风险补偿金不足", UnitNone, 0,
		"不低于 3% 或 6%（" + citeFilingPilot + "二(四)）", false},
	{WarnLateReport, "月度信息披露逾期或缺报", UnitCount, 0,
		"每月前 5 个工作日内披露（" + citeNationalDisclosure + "第八条）；上海为每月 10 日前（" + citeShanghaiDisclosure + "第九条）", false},
	{WarnOpenEvent, "重大事项未处置完毕", UnitCount, 0,
		"发生重大事项 48 小时内披露（" + citeNationalDisclosure + "第十条）；未结的重大事项即预警为本地设置", true},
	{WarnDeclaredComputed, "申报数据与借款明细测算不一致", UnitAmount, 0,
		"穿透式核查：按借款明细测算的月度数据与申报数据之差超过容差；容差为本地设置", true},
	{WarnDeclaredBank, "申报数据与存管银行对账单不一致", UnitAmount, 0,
		"资金存管（" + citeAcceptancePlan + "五(五)、" + citeAcceptanceImpl + "三(三)）；容差为本地设置", true},
}

// WarningRuleOf looks a rule up.
func WarningRuleOf(r WarningRule) (WarningRuleInfo, bool) {
	for _, i := range WarningRules {
		if i.Rule == r {
			return i, true
		}
	}
	return WarningRuleInfo{}, false
}

// WarningThresholds are a jurisdiction's thresholds; a rule missing from the map uses
// its default.
type WarningThresholds map[WarningRule]int64

// Of is the threshold in force for a rule.
func (t WarningThresholds) Of(r WarningRule) int64 {
	if v, ok := t[r]; ok {
		return v
	}
	info, _ := WarningRuleOf(r)
	return info.Default
}

// MergeThresholds lays a city's settings over its province's.
func MergeThresholds(province, city WarningThresholds) WarningThresholds {
	out := WarningThresholds{}
	for k, v := range province {
		out[k] = v
	}
	for k, v := range city {
		out[k] = v
	}
	return out
}

// WarningFacts are what the rules read for one institution and month.
type WarningFacts struct {
	Indicators Indicators
	Declared   MonthlyFigures
	// LatePeriods are the periods whose monthly report is overdue or missing.
	LatePeriods []Period
	OpenEvents  int
	// Computed and Bank are the figures computed from the loan book and the custody bank's
	// statement for the same month, when there are any.
	Computed *MonthlyFigures
	Bank     *BankStatement
}

// BankStatement is a custody bank's monthly statement for one platform (issue 12 §3).
type BankStatement struct {
	Period              Period
	LenderFunds         Money // 出借人资金余额
	RepaymentFlows      Money // 借款人还款账户流水
	RiskReserve         Money // 一般风险准备金账户余额
	CompensationBalance Money // 出借人风险补偿金账户余额
}

// WarningBreach is one rule breached, with what was found.
type WarningBreach struct {
	Rule   WarningRule
	Detail string
}

// EvaluateWarnings applies every rule to one institution's month.
func EvaluateWarnings(th WarningThresholds, f WarningFacts) []WarningBreach {
	var out []WarningBreach
	add := func(r WarningRule, format string, args ...any) {
		out = append(out, WarningBreach{Rule: r, Detail: fmt.Sprintf(format, args...)})
	}
	ind := func(key string) (Indicator, bool) { return f.Indicators.Get(key) }
	if i, ok := ind(IndM90Rate); ok && i.Known && i.Value > th.Of(WarnM90Rate) {
		add(WarnM90Rate, "%s 90天以上逾期率 %s，高于阈值 %s", f.Indicators.Period, i.Text, Ratio(th.Of(WarnM90Rate)))
	}
	if i, ok := ind(IndLargestShare); ok && i.Known && i.Value > th.Of(WarnLargestShare) {
		add(WarnLargestShare, "%s 最大单一借款人待还金额占比 %s，高于阈值 %s", f.Indicators.Period, i.Text, Ratio(th.Of(WarnLargestShare)))
	}
	if i, ok := ind(IndCapViolations); ok && i.Known && i.Value > th.Of(WarnCapViolation) {
		add(WarnCapViolation, "%s 有 %d 名借款人的借款余额超过上限", f.Indicators.Period, i.Value)
	}
	if f.Declared.RelatedCount > th.Of(WarnRelatedParty) {
		add(WarnRelatedParty, "%s 关联关系借款余额 %s 元、%d 笔", f.Declared.Period, f.Declared.RelatedBalance, f.Declared.RelatedCount)
	}
	for _, r := range []struct {
		key  string
		rule WarningRule
	}{{IndBalanceChange, WarnBalanceRise}, {IndReserve, WarnReserve}, {IndCompensation, WarnCompensation}} {
		if i, ok := ind(r.key); ok && i.Breached {
			info, _ := WarningRuleOf(r.rule)
			add(r.rule, "%s %s：%s（要求 %s）", f.Indicators.Period, info.Name, i.Text, i.Threshold)
		}
	}
	if n := len(f.LatePeriods); int64(n) > th.Of(WarnLateReport) {
		ps := make([]string, n)
		for i, p := range f.LatePeriods {
			ps[i] = p.String()
		}
		add(WarnLateReport, "月度信息披露逾期未报：%s", strings.Join(ps, "、"))
	}
	if int64(f.OpenEvents) > th.Of(WarnOpenEvent) {
		add(WarnOpenEvent, "有 %d 项重大事项尚未处置完毕", f.OpenEvents)
	}
	if f.Computed != nil {
		if d := diffsBeyond(CompareFigures(f.Declared, *f.Computed), th.Of(WarnDeclaredComputed)); d != "" {
			add(WarnDeclaredComputed, "%s 申报数据与借款明细测算不一致：%s", f.Declared.Period, d)
		}
	}
	if f.Bank != nil {
		// the declared balances and the computed reserve requirements (CompareBankStatement)
		if d := CompareBankStatement(f.Declared, f.Indicators.Class, *f.Bank, Money(th.Of(WarnDeclaredBank))); len(d) > 0 {
			add(WarnDeclaredBank, "%s 申报数据与存管银行对账单不一致：%s", f.Declared.Period, BankFlagsText(d))
		}
	}
	return out
}

// diffsBeyond lists the differences whose amount exceeds the tolerance (counts and
// shares differ at all).
func diffsBeyond(diffs []FigureDiff, tolerance int64) string {
	var parts []string
	for _, d := range diffs {
		if d.Kind == FigureAmount && abs64(d.Difference) <= tolerance {
			continue
		}
		parts = append(parts, d.Label)
	}
	return strings.Join(parts, "、")
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// BankDifferences compares a custody bank's statement with the platform's declared
// figures: the two reserve accounts must match the declared balances within the
// tolerance.
func BankDifferences(declared MonthlyFigures, bank BankStatement, tolerance Money) []string {
	var out []string
	cmp := func(name string, decl, stmt Money) {
		if d := decl - stmt; d > tolerance || -d > tolerance {
			out = append(out, fmt.Sprintf("%s申报 %s 元，银行 %s 元", name, decl, stmt))
		}
	}
	cmp("一般风险准备金", declared.RiskReserveBalance, bank.RiskReserve)
	cmp("出借人风险补偿金", declared.CompensationBalance, bank.CompensationBalance)
	return out
}

// MaxWarningFinding bounds a closing finding.
const MaxWarningFinding = 2000

// ValidateWarningFinding requires the officer's finding when closing a task.
func ValidateWarningFinding(s string) error {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return Errorf(EInvalid, "请填写核查处置意见：核查了什么、结论和采取的措施")
	case len([]rune(t)) > MaxWarningFinding:
		return Errorf(EInvalid, "处置意见不超过 %d 字", MaxWarningFinding)
	}
	return nil
}

// WarningTaskDue is a task's due date, serviceDays working days after it opened; while the
// calendar of the year it reaches is not published, pendingYear names that year.
func WarningTaskDue(cal *Calendar, opened Date, serviceDays int) (due *Date, pendingYear int, err error) {
	d, err := cal.AddWorkingDays(opened, serviceDays)
	if y, missing := MissingCalendarYear(err); missing {
		return nil, y, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return &d, 0, nil
}
