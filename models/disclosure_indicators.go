package models

import "fmt"

// Supervisory indicators of one institution and month (SPEC §5), and the comparison of
// declared figures with those computed from the loan book.

// Indicator keys.
const (
	IndM90Amount         = "m90_amount"
	IndM90Rate           = "m90_rate"
	IndM90CumulativeRate = "m90_cumulative_rate"
	IndTop10Share        = "top10_share"
	IndLargestShare      = "largest_borrower_share"
	IndRelatedShare      = "related_share"
	IndBalanceChange     = "balance_change"
	IndReserve           = "risk_reserve"
	IndCompensation      = "compensation"
	IndCapViolations     = "cap_violations"
)

// Indicator is one computed figure. Value is in the unit of Kind (分, count, basis
// points); Known is false when it cannot be computed (a rate over a nil balance, a change
// without last month). Threshold is "" when the seeds set none.
type Indicator struct {
	Key       string
	Name      string
	Kind      FigureKind
	Value     int64
	Known     bool
	Text      string // the value as shown, or why it is unknown
	Threshold string
	Breached  bool
	Clause    string
}

// Indicators are one month's indicators, in a fixed order.
type Indicators struct {
	Period Period
	Class  OperatingClass
	Items  []Indicator
}

// Get looks an indicator up by key.
func (is Indicators) Get(key string) (Indicator, bool) {
	for _, i := range is.Items {
		if i.Key == key {
			return i, true
		}
	}
	return Indicator{}, false
}

// Breaches lists the breached indicators.
func (is Indicators) Breaches() []Indicator {
	var out []Indicator
	for _, i := range is.Items {
		if i.Breached {
			out = append(out, i)
		}
	}
	return out
}

// IndicatorInput is what ComputeIndicatorsFor reads.
type IndicatorInput struct {
	Class         OperatingClass
	Cur           MonthlyFigures
	Prev          *MonthlyFigures // the month before; nil when not reported
	CapViolations int             // borrowers above their cap (from the loan book), -1 when unknown
	// Filed: the institution has completed filing (备案登记). Until then it may take on no
	// new business (seeds/001 二(一) "各类别机构备案前不得新增业务") and a rising balance
	// is a hard line of the rectification (plan 6 三(二)6 "借款余额不降反升").
	Filed bool
}

// ComputeIndicators is ComputeIndicatorsFor an institution not yet filed, the portal's
// case during rectification and acceptance.
func ComputeIndicators(class OperatingClass, cur MonthlyFigures, prev *MonthlyFigures, capViolations int) Indicators {
	return ComputeIndicatorsFor(IndicatorInput{Class: class, Cur: cur, Prev: prev, CapViolations: capViolations})
}

// RatioOver is a / b rounded down (RatioOf), false when b is not positive.
func RatioOver(a, b Money) (Ratio, bool) {
	if b <= 0 {
		return 0, false
	}
	return RatioOf(a, b), true
}

// ComputeIndicatorsFor computes the indicators:
//   - M90+ amount, M90+ rate = M90+ / balance, cumulative M90+ rate = M90+ / cumulative
//     amount (002 §9(四) and its table (2)(3)); no threshold in the seeds;
//   - concentration (top ten, largest; 003 §8(五), 002 §9(三)) and related-party share
//     (003 §8(六)); no threshold in the seeds;
//   - month-on-month balance change: a rise is breached before filing (IndicatorInput.Filed);
//   - general risk reserve ≥ 1% / 3% of the balance at the month end (001 二(三));
//   - lender risk compensation ≥ 3% / 6% (001 二(四)), set aside on each loan's amount:
//     measured against the balance, a floor, as the month's figures carry no per-loan
//     amounts of outstanding loans;
//   - single-borrower cap violations: any is breached (000 十, plan 1 五(三)).
func ComputeIndicatorsFor(in IndicatorInput) Indicators {
	cur := in.Cur
	is := Indicators{Period: cur.Period, Class: in.Class}
	add := func(i Indicator) { is.Items = append(is.Items, i) }
	rate := func(key, name string, a, b Money, over, clause string) {
		i := Indicator{Key: key, Name: name, Kind: FigureShare, Clause: clause}
		if r, ok := RatioOver(a, b); ok {
			i.Value, i.Known, i.Text = int64(r), true, r.String()
		} else {
			i.Text = over + "为 0，无法计算"
		}
		add(i)
	}
	m90 := citeShanghaiDisclosure + "第九条(四)及附件规范表“交易逾期情况”；" + citeNationalDisclosure + "第八条(八)"
	add(Indicator{Key: IndM90Amount, Name: "逾期90天以上金额", Kind: FigureAmount, Value: int64(cur.Overdue90Amount),
		Known: true, Text: yuan(cur.Overdue90Amount), Clause: m90})
	rate(IndM90Rate, "90天以上逾期率", cur.Overdue90Amount, cur.Balance, "借贷余额", m90)
	rate(IndM90CumulativeRate, "90天以上累计逾期率", cur.Overdue90Amount, cur.CumulativeAmount, "累计借贷金额", m90)
	conc := citeNationalDisclosure + "第八条(五)；" + citeShanghaiDisclosure + "第九条(三)"
	add(Indicator{Key: IndTop10Share, Name: "前十大借款人待还金额占比", Kind: FigureShare, Value: int64(cur.Top10Share),
		Known: true, Text: cur.Top10Share.String(), Clause: conc})
	add(Indicator{Key: IndLargestShare, Name: "最大单一借款人待还金额占比", Kind: FigureShare, Value: int64(cur.LargestBorrowerShare),
		Known: true, Text: cur.LargestBorrowerShare.String(), Clause: conc})
	rate(IndRelatedShare, "关联关系借款余额占比", cur.RelatedBalance, cur.Balance, "借贷余额", citeNationalDisclosure+"第八条(六)")

	bc := Indicator{Key: IndBalanceChange, Name: "借贷余额环比变化", Kind: FigureAmount,
		Clause: citeFilingPilot + "二(一)“各类别机构备案前不得新增业务”；" + citeAcceptanceImpl + "三(二)6“借款余额不降反升”"}
	if !in.Filed {
		bc.Threshold = "备案前不得上升"
	}
	if p := in.Prev; p != nil && p.Period == cur.Period.Prev() {
		delta := cur.Balance - p.Balance
		bc.Value, bc.Known = int64(delta), true
		bc.Text = fmt.Sprintf("较 %s %s", p.Period, signedYuan(delta))
		if r, ok := RatioOver(abs(delta), p.Balance); ok && delta != 0 {
			bc.Text += fmt.Sprintf("（%s%s）", map[bool]string{true: "+", false: "-"}[delta > 0], r)
		}
		bc.Breached = !in.Filed && delta > 0
	} else {
		bc.Text = "缺少上月数据，无法计算"
	}
	add(bc)

	th, classOK := filingThresholdsByClass[in.Class]
	suff := func(key, name string, have Money, share Ratio, clause, basis string) {
		i := Indicator{Key: key, Name: name, Kind: FigureAmount, Value: int64(have), Known: true, Clause: clause}
		if !classOK {
			i.Known, i.Text = false, "未选择经营类别，无法判断"
			add(i)
			return
		}
		need := cur.Balance.PortionUp(share)
		i.Text = yuan(have)
		if cur.Balance > 0 {
			i.Text += "，为借贷余额的 " + RatioOf(have, cur.Balance).String()
		}
		i.Threshold = fmt.Sprintf("≥ %s的 %s，即 ≥ %s（%s）", basis, share, yuan(need), in.Class.Label())
		i.Breached = have < need
		add(i)
	}
	suff(IndReserve, "一般风险准备金", cur.RiskReserveBalance, th.reserve, citeFilingPilot+"二(三)“于每自然月末动态调整”", "借贷余额")
	suff(IndCompensation, "出借人风险补偿金", cur.CompensationBalance, th.compensation, citeFilingPilot+"二(四)", "借贷余额（按借款项目金额计提，以余额估算下限）")

	cv := Indicator{Key: IndCapViolations, Name: "单一借款人借款余额超限户数", Kind: FigureCount, Threshold: "0 户",
		Clause: BorrowerCapClause}
	if in.CapViolations >= 0 {
		cv.Value, cv.Known, cv.Text = int64(in.CapViolations), true, fmt.Sprintf("%d 户", in.CapViolations)
		cv.Breached = in.CapViolations > 0
	} else {
		cv.Text = "未导入借款明细，无法计算"
	}
	add(cv)
	return is
}

func abs(m Money) Money {
	if m < 0 {
		return -m
	}
	return m
}

func signedYuan(m Money) string {
	if m > 0 {
		return "增加 " + yuan(m)
	}
	if m < 0 {
		return "减少 " + yuan(-m)
	}
	return "持平"
}

// ShareTolerance is how far a declared share may stand from the one computed from the
// loan book and still agree: one basis point (0.01 个百分点), the rounding of a share
// disclosed with two decimals of a percent (003 attachment 1.2). Counts and amounts agree
// only when equal.
const ShareTolerance Ratio = 1

// FigureDiff is one item on which declared and computed figures disagree.
type FigureDiff struct {
	Field      string // MonthlyFigureFields key
	Label      string
	Kind       FigureKind
	Declared   int64
	Computed   int64
	Difference int64 // declared − computed
	Text       string
}

// LoanBookFieldKeys are the items a month-end loan book determines on its own; the
// cumulative figures and lenders need the platform's history and lender records.
var LoanBookFieldKeys = []string{"balance", "balance_count", "current_borrowers", "top10_share",
	"largest_borrower_share", "related_balance", "related_count", "overdue_amount", "overdue_count",
	"overdue90_amount", "overdue90_count"}

// CompareFigures lists every numeric item (MonthlyFigureFields) on which declared and
// computed disagree; CompareFiguresOn restricts it to some keys, e.g. LoanBookFieldKeys.
func CompareFigures(declared, computed MonthlyFigures) []FigureDiff {
	keys := make([]string, len(MonthlyFigureFields))
	for i, f := range MonthlyFigureFields {
		keys[i] = f.Key
	}
	return CompareFiguresOn(declared, computed, keys)
}

// CompareFiguresOn is CompareFigures over the fields named by keys, in the order of
// MonthlyFigureFields; unknown keys are ignored.
func CompareFiguresOn(declared, computed MonthlyFigures, keys []string) []FigureDiff {
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	var out []FigureDiff
	for _, f := range MonthlyFigureFields {
		if !want[f.Key] {
			continue
		}
		d, c := f.Value(declared), f.Value(computed)
		diff := d - c
		tol := int64(0)
		if f.Kind == FigureShare {
			tol = int64(ShareTolerance)
		}
		if diff <= tol && diff >= -tol {
			continue
		}
		sign := "+"
		if diff < 0 {
			sign = "-"
		}
		out = append(out, FigureDiff{Field: f.Key, Label: f.Label, Kind: f.Kind, Declared: d, Computed: c, Difference: diff,
			Text: fmt.Sprintf("%s：报送 %s，按借款明细计算 %s，差额 %s%s", f.Label, f.Format(d), f.Format(c), sign, f.Format(absInt(diff)))})
	}
	return out
}

func absInt(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
