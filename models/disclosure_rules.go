package models

import "fmt"

// The two disclosure guidelines as data (issue 11). Every deadline and threshold carries
// the clause it comes from, so pages and messages cite it as written here.

const (
	citeNationalDisclosure = "《网络借贷信息中介机构业务活动信息披露指引》"         // seeds/003
	citeShanghaiDisclosure = "《上海市个体网络借贷(P2P)平台信息披露指引》"       // seeds/002
	citeMicroLoan          = "《上海市小额贷款公司互联网小额贷款业务专项监管指引（试行）》" // seeds/000
	citeCivilCode          = "《中华人民共和国民法典》"
)

// DisclosureKind names one kind of disclosure duty with a deadline.
type DisclosureKind string

const (
	DisclosureMonthly     DisclosureKind = "monthly"      // 月度经营数据
	DisclosureQuarterly   DisclosureKind = "quarterly"    // 季度数据（集中度、逾期、客户）
	DisclosureAnnualBasic DisclosureKind = "annual_basic" // 年度备案信息、组织信息
	DisclosureAnnualAudit DisclosureKind = "annual_audit" // 年度审计报告等
	DisclosureChange      DisclosureKind = "change"       // 已披露信息变更
	DisclosureMajor       DisclosureKind = "change_major" // 重大事项
	DisclosureEvent       DisclosureKind = "event"        // 重大风险事件（48 小时）
)

// DeadlineRule is one deadline of a rule set. Exactly one way of counting applies:
//   - DayType ClockWorkingDays / ClockNaturalDays / ClockHours with Length: counted from
//     the triggering day or instant (for monthly and quarterly figures, from the end of the
//     period they are as of);
//   - DayOfMonth (with Month for yearly rules): a fixed calendar day, whatever weekday or
//     holiday it falls on, since the guideline names the day itself.
type DeadlineRule struct {
	Kind       DisclosureKind
	Name       string // what is disclosed, in Chinese
	DayType    ClockDayType
	Length     int
	Month      int // yearly rules: the month of the fixed day
	DayOfMonth int // fixed day; the day itself is the last day allowed
	Text       string
	Clause     string
}

// DeadlineKind is how NewDeadline counts the days left to a due date of this rule.
// Fixed-day and clock-hour rules read in natural days.
func (r DeadlineRule) DeadlineKind() DeadlineKind {
	if r.DayOfMonth == 0 && r.DayType == ClockWorkingDays {
		return DeadlineWorking
	}
	return DeadlineNatural
}

// DisclosureRuleSet is one guideline's rules.
type DisclosureRuleSet struct {
	ID   RuleSetID
	Name string

	Monthly     DeadlineRule
	Quarterly   *DeadlineRule // nil: the national set reports these monthly (003 §8)
	AnnualBasic *DeadlineRule // nil: Shanghai sets no yearly date for basic information
	AnnualAudit DeadlineRule
	Change      DeadlineRule
	ChangeMajor *DeadlineRule // nil: the national set has no shorter rule for a major change
	Event       *DeadlineRule // nil: Shanghai has no 48-hour event rule

	// Overdue 90 days.
	Overdue90Inclusive     bool // 90 days itself counts
	Overdue90InstalmentAll bool // an instalment loan counts all its unpaid principal
	DeductCompensated      bool // compensated amounts are deducted
	Overdue90Clause        string

	// BalanceDeductsCompensated: the balance excludes what a third party or the platform
	// has compensated (002 table 交易余额情况 "应扣除"); the national balance is the loans'
	// total balance (003 attachment 2.4.3).
	BalanceDeductsCompensated bool
	BalanceClause             string
}

// The fixed-day readings. "每年1月10日前", "每月10日前", "4月底前": in the usage of
// Chinese regulatory texts a day "前" is the last day allowed (the deadline runs to 24:00
// that day), as 003 §26 reads "以内" inclusively. A fixed day is not moved for holidays:
// the guideline names the day, not a number of working days.
var disclosureRuleSets = map[RuleSetID]DisclosureRuleSet{
	RuleSetNational: {
		ID:   RuleSetNational,
		Name: RuleSetNational.Label(),
		Monthly: DeadlineRule{Kind: DisclosureMonthly, Name: "月度经营信息（截至上一月末）", DayType: ClockWorkingDays, Length: 5,
			Text: "每月前 5 个工作日内", Clause: citeNationalDisclosure + "第八条"},
		AnnualBasic: &DeadlineRule{Kind: DisclosureAnnualBasic, Name: "备案信息及组织信息", Month: 1, DayOfMonth: 10,
			Text: "每年 1 月 10 日前", Clause: citeNationalDisclosure + "第七条(一)(二)"},
		AnnualAudit: DeadlineRule{Kind: DisclosureAnnualAudit, Name: "上一年度财务审计报告、经营合规重点环节审计结果、合规性审查报告", Month: 4, DayOfMonth: 30,
			Text: "每年 4 月 30 日前", Clause: citeNationalDisclosure + "第七条(三)"},
		Change: DeadlineRule{Kind: DisclosureChange, Name: "已披露信息变更", DayType: ClockWorkingDays, Length: 10,
			Text: "变更后 10 个工作日内", Clause: citeNationalDisclosure + "第七条"},
		Event: &DeadlineRule{Kind: DisclosureEvent, Name: "重大风险事件", DayType: ClockHours, Length: EventReportHours,
			Text: "发生之日起 48 小时内", Clause: citeNationalDisclosure + "第十条"},
		// "逾期90天(不含)以上的借款本金余额": the loan's whole principal balance, instalment
		// loans included, counted from the first missed payment as in Shanghai.
		Overdue90InstalmentAll: true,
		Overdue90Clause:        citeNationalDisclosure + "附件2.4.13、2.4.14“逾期90天(不含)以上”",
		BalanceClause:          citeNationalDisclosure + "附件2.4.3",
	},
	RuleSetShanghai: {
		ID:   RuleSetShanghai,
		Name: RuleSetShanghai.Label(),
		Monthly: DeadlineRule{Kind: DisclosureMonthly, Name: "交易发生、交易余额及客户损失代偿备付金（如有）情况（截至上月末）", DayOfMonth: 10,
			Text: "每月 10 日前", Clause: citeShanghaiDisclosure + "第九条(一)(二)、第十一条(五)"},
		Quarterly: &DeadlineRule{Kind: DisclosureQuarterly, Name: "交易集中度、交易逾期及平台客户情况（截至上季度末）", DayType: ClockNaturalDays, Length: 30,
			Text: "每季度后 30 日内", Clause: citeShanghaiDisclosure + "第九条(三)(四)(五)"},
		AnnualAudit: DeadlineRule{Kind: DisclosureAnnualAudit, Name: "上年度会计报表、审计报告", Month: 4, DayOfMonth: 30,
			Text: "每年 4 月底前", Clause: citeShanghaiDisclosure + "第十条"},
		Change: DeadlineRule{Kind: DisclosureChange, Name: "信息发生（变动）", DayType: ClockWorkingDays, Length: 15,
			Text: "发生（变动）之日起 15 个工作日内", Clause: citeShanghaiDisclosure + "第十三条"},
		ChangeMajor: &DeadlineRule{Kind: DisclosureMajor, Name: "重大事项", DayType: ClockWorkingDays, Length: 5,
			Text: "5 个工作日内", Clause: citeShanghaiDisclosure + "第十三条"},
		Overdue90Inclusive:        true,
		Overdue90InstalmentAll:    true,
		DeductCompensated:         true,
		Overdue90Clause:           citeShanghaiDisclosure + "附件规范表“交易逾期情况”“逾期90天以上(含)”",
		BalanceDeductsCompensated: true,
		BalanceClause:             citeShanghaiDisclosure + "附件规范表“交易余额情况”（按投资人本金计算，不含利息；应扣除已代偿的交易金额）",
	},
}

// EventReportHours is the 48 clock hours of 003 §10.
const EventReportHours = 48

// DisclosureRules is the rule set id names; an unknown id gets the national set, the
// default (SPEC §5).
func DisclosureRules(id RuleSetID) DisclosureRuleSet {
	rs, ok := disclosureRuleSets[id]
	if !ok {
		rs = disclosureRuleSets[RuleSetNational]
	}
	// A copy: a caller changing a rule does not change the table.
	for _, p := range []**DeadlineRule{&rs.Quarterly, &rs.AnnualBasic, &rs.ChangeMajor, &rs.Event} {
		if *p != nil {
			c := **p
			*p = &c
		}
	}
	return rs
}

// KnownRuleSet reports whether id names one of the two rule sets.
func KnownRuleSet(id RuleSetID) bool { _, ok := disclosureRuleSets[id]; return ok }

// EffectiveRuleSetClause is why EffectiveRuleSet decides as it does.
const EffectiveRuleSetClause = citeNationalDisclosure + "第十六条、第二十三条（注册地地方金融监管部门监督管理）；" +
	citeShanghaiDisclosure + "第二十条"

// EffectiveRuleSet is the rule set binding an institution, from the choice of its
// province and of its city ("" when not set). The national guideline is the default
// (SPEC §5). The city is the registering place's local financial regulator that receives
// the disclosures (003 §16) and supervises them day to day (003 §23), so a city's choice,
// when it made one, overrides the province's; a province's choice binds the cities that
// made none. An unknown id counts as not set.
func EffectiveRuleSet(province, city RuleSetID) RuleSetID {
	switch {
	case KnownRuleSet(city):
		return city
	case KnownRuleSet(province):
		return province
	}
	return RuleSetNational
}

// FigureKind is the unit of a monthly figure.
type FigureKind string

const (
	FigureAmount FigureKind = "amount" // Money, 分
	FigureCount  FigureKind = "count"  // int64
	FigureShare  FigureKind = "share"  // Ratio, basis points
	FigureText   FigureKind = "text"
)

// MonthlyFigureField describes one item of MonthlyFigures for forms, templates, checks
// and comparisons: Key is the form field name every branch uses.
type MonthlyFigureField struct {
	Key        string
	Label      string
	Kind       FigureKind
	Cumulative bool // may never fall from one month to the next
	Clause     string
	get        func(*MonthlyFigures) *int64
}

func n8(item string) string { return citeNationalDisclosure + "第八条" + item }

// MonthlyFigureFields lists the numeric items of MonthlyFigures in the order of 003 §8,
// then the two balances of seeds/001. The fee schedule (§8(十)) is text and not listed.
var MonthlyFigureFields = []MonthlyFigureField{
	{"cumulative_amount", "累计借贷金额", FigureAmount, true, n8("(一)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.CumulativeAmount) }},
	{"cumulative_count", "累计借贷笔数", FigureCount, true, n8("(一)"), func(f *MonthlyFigures) *int64 { return &f.CumulativeCount }},
	{"balance", "借贷余额", FigureAmount, false, n8("(二)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.Balance) }},
	{"balance_count", "借贷余额笔数", FigureCount, false, n8("(二)"), func(f *MonthlyFigures) *int64 { return &f.BalanceCount }},
	{"cumulative_lenders", "累计出借人数量", FigureCount, true, n8("(三)"), func(f *MonthlyFigures) *int64 { return &f.CumulativeLenders }},
	{"cumulative_borrowers", "累计借款人数量", FigureCount, true, n8("(三)"), func(f *MonthlyFigures) *int64 { return &f.CumulativeBorrowers }},
	{"current_lenders", "当期出借人数量", FigureCount, false, n8("(四)"), func(f *MonthlyFigures) *int64 { return &f.CurrentLenders }},
	{"current_borrowers", "当期借款人数量", FigureCount, false, n8("(四)"), func(f *MonthlyFigures) *int64 { return &f.CurrentBorrowers }},
	{"top10_share", "前十大借款人待还金额占比", FigureShare, false, n8("(五)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.Top10Share) }},
	{"largest_borrower_share", "最大单一借款人待还金额占比", FigureShare, false, n8("(五)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.LargestBorrowerShare) }},
	{"related_balance", "关联关系借款余额", FigureAmount, false, n8("(六)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.RelatedBalance) }},
	{"related_count", "关联关系借款笔数", FigureCount, false, n8("(六)"), func(f *MonthlyFigures) *int64 { return &f.RelatedCount }},
	{"overdue_amount", "逾期金额", FigureAmount, false, n8("(七)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.OverdueAmount) }},
	{"overdue_count", "逾期笔数", FigureCount, false, n8("(七)"), func(f *MonthlyFigures) *int64 { return &f.OverdueCount }},
	{"overdue90_amount", "逾期90天以上金额", FigureAmount, false, n8("(八)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.Overdue90Amount) }},
	{"overdue90_count", "逾期90天以上笔数", FigureCount, false, n8("(八)"), func(f *MonthlyFigures) *int64 { return &f.Overdue90Count }},
	{"compensation_amount", "累计代偿金额", FigureAmount, true, n8("(九)"), func(f *MonthlyFigures) *int64 { return (*int64)(&f.CompensationAmount) }},
	{"compensation_count", "累计代偿笔数", FigureCount, true, n8("(九)"), func(f *MonthlyFigures) *int64 { return &f.CompensationCount }},
	{"risk_reserve_balance", "一般风险准备金余额", FigureAmount, false, citeFilingPilot + "二(三)", func(f *MonthlyFigures) *int64 { return (*int64)(&f.RiskReserveBalance) }},
	{"compensation_balance", "出借人风险补偿金余额", FigureAmount, false, citeFilingPilot + "二(四)", func(f *MonthlyFigures) *int64 { return (*int64)(&f.CompensationBalance) }},
}

// FeeScheduleField is the form name of §8(十) 收费标准.
const FeeScheduleField = "fee_schedule"

// MonthlyFigureFieldOf looks a field up by its form name.
func MonthlyFigureFieldOf(key string) (MonthlyFigureField, bool) {
	for _, f := range MonthlyFigureFields {
		if f.Key == key {
			return f, true
		}
	}
	return MonthlyFigureField{}, false
}

// Value reads the field of f as an integer in its unit (分, count, basis points).
func (ff MonthlyFigureField) Value(f MonthlyFigures) int64 { return *ff.get(&f) }

// Set writes v into the field of f.
func (ff MonthlyFigureField) Set(f *MonthlyFigures, v int64) { *ff.get(f) = v }

// Format shows v in the field's unit: "1,234.00 元", "12 笔", "12.50%".
func (ff MonthlyFigureField) Format(v int64) string {
	switch ff.Kind {
	case FigureAmount:
		return Money(v).String() + " 元"
	case FigureShare:
		return Ratio(v).String()
	}
	unit := "笔"
	if ff.Key == "cumulative_lenders" || ff.Key == "cumulative_borrowers" || ff.Key == "current_lenders" || ff.Key == "current_borrowers" {
		unit = "人"
	}
	return fmt.Sprintf("%d %s", v, unit)
}
