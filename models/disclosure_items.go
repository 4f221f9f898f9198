package models

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FigureKind is how a monthly item is typed: an amount in 元, a count, a percentage or text.
type FigureKind string

const (
	FigureMoney FigureKind = "money"
	FigureCount FigureKind = "count"
	FigureRatio FigureKind = "ratio"
	FigureText  FigureKind = "text"
)

// Unit is the unit the item is typed in, as the form and the template show it.
func (k FigureKind) Unit() string {
	switch k {
	case FigureMoney:
		return "元"
	case FigureCount:
		return "笔/人"
	case FigureRatio:
		return "%"
	}
	return ""
}

// FigureItem is one item of the monthly report: the same list drives the form, the XLSX
// template (one row per item) and the JSON API, so the three ways in read alike.
type FigureItem struct {
	Key      string // form field, template key column and JSON property
	Label    string
	Kind     FigureKind
	Citation string
	Optional bool // 如有: empty is zero
	ref      func(f *MonthlyFigures) any
}

// MaxFeeSchedule bounds the fee schedule text.
const MaxFeeSchedule = 2000

// MonthlyItems are the items of seeds/003 §8 and the two balances of seeds/001 二(三)(四),
// in the order of the guideline.
var MonthlyItems = []FigureItem{
	{Key: "cumulative_amount", Label: "累计借贷金额", Kind: FigureMoney, Citation: "seeds/003 §8(一)", ref: func(f *MonthlyFigures) any { return &f.CumulativeAmount }},
	{Key: "cumulative_count", Label: "累计借贷笔数", Kind: FigureCount, Citation: "seeds/003 §8(一)", ref: func(f *MonthlyFigures) any { return &f.CumulativeCount }},
	{Key: "balance", Label: "借贷余额", Kind: FigureMoney, Citation: "seeds/003 §8(二)", ref: func(f *MonthlyFigures) any { return &f.Balance }},
	{Key: "balance_count", Label: "借贷余额笔数", Kind: FigureCount, Citation: "seeds/003 §8(二)", ref: func(f *MonthlyFigures) any { return &f.BalanceCount }},
	{Key: "cumulative_lenders", Label: "累计出借人数量", Kind: FigureCount, Citation: "seeds/003 §8(三)", ref: func(f *MonthlyFigures) any { return &f.CumulativeLenders }},
	{Key: "cumulative_borrowers", Label: "累计借款人数量", Kind: FigureCount, Citation: "seeds/003 §8(三)", ref: func(f *MonthlyFigures) any { return &f.CumulativeBorrowers }},
	{Key: "current_lenders", Label: "当期出借人数量", Kind: FigureCount, Citation: "seeds/003 §8(四)", ref: func(f *MonthlyFigures) any { return &f.CurrentLenders }},
	{Key: "current_borrowers", Label: "当期借款人数量", Kind: FigureCount, Citation: "seeds/003 §8(四)", ref: func(f *MonthlyFigures) any { return &f.CurrentBorrowers }},
	{Key: "top10_share", Label: "前十大借款人待还金额占比", Kind: FigureRatio, Citation: "seeds/003 §8(五)", ref: func(f *MonthlyFigures) any { return &f.Top10Share }},
	{Key: "largest_borrower_share", Label: "最大单一借款人待还金额占比", Kind: FigureRatio, Citation: "seeds/003 §8(五)", ref: func(f *MonthlyFigures) any { return &f.LargestBorrowerShare }},
	{Key: "related_balance", Label: "关联关系借款余额", Kind: FigureMoney, Citation: "seeds/003 §8(六)", Optional: true, ref: func(f *MonthlyFigures) any { return &f.RelatedBalance }},
	{Key: "related_count", Label: "关联关系借款笔数", Kind: FigureCount, Citation: "seeds/003 §8(六)", Optional: true, ref: func(f *MonthlyFigures) any { return &f.RelatedCount }},
	{Key: "overdue_amount", Label: "逾期金额", Kind: FigureMoney, Citation: "seeds/003 §8(七)", ref: func(f *MonthlyFigures) any { return &f.OverdueAmount }},
	{Key: "overdue_count", Label: "逾期笔数", Kind: FigureCount, Citation: "seeds/003 §8(七)", ref: func(f *MonthlyFigures) any { return &f.OverdueCount }},
	{Key: "overdue90_amount", Label: "逾期90天以上金额", Kind: FigureMoney, Citation: "seeds/003 §8(八)", ref: func(f *MonthlyFigures) any { return &f.Overdue90Amount }},
	{Key: "overdue90_count", Label: "逾期90天以上笔数", Kind: FigureCount, Citation: "seeds/003 §8(八)", ref: func(f *MonthlyFigures) any { return &f.Overdue90Count }},
	{Key: "compensation_amount", Label: "累计代偿金额", Kind: FigureMoney, Citation: "seeds/003 §8(九)", Optional: true, ref: func(f *MonthlyFigures) any { return &f.CompensationAmount }},
	{Key: "compensation_count", Label: "累计代偿笔数", Kind: FigureCount, Citation: "seeds/003 §8(九)", Optional: true, ref: func(f *MonthlyFigures) any { return &f.CompensationCount }},
	{Key: "fee_schedule", Label: "收费标准", Kind: FigureText, Citation: "seeds/003 §8(十)", ref: func(f *MonthlyFigures) any { return &f.FeeSchedule }},
	{Key: "risk_reserve_balance", Label: "一般风险准备金余额", Kind: FigureMoney, Citation: "seeds/001 二(三)", ref: func(f *MonthlyFigures) any { return &f.RiskReserveBalance }},
	{Key: "compensation_balance", Label: "出借人风险补偿金余额", Kind: FigureMoney, Citation: "seeds/001 二(四)", Optional: true, ref: func(f *MonthlyFigures) any { return &f.CompensationBalance }},
}

// FigureItemByKey finds an item.
func FigureItemByKey(key string) (FigureItem, bool) {
	for _, it := range MonthlyItems {
		if it.Key == key {
			return it, true
		}
	}
	return FigureItem{}, false
}

// Value is the item's value of f as a form shows it: "1234.50", "12", "8.00".
func (it FigureItem) Value(f MonthlyFigures) string {
	switch v := it.ref(&f).(type) {
	case *Money:
		return v.Yuan()
	case *int64:
		return strconv.FormatInt(*v, 10)
	case *Ratio:
		return v.Percent()
	case *string:
		return *v
	}
	return ""
}

// Display is the item's value for a page: amounts with separators and 元, shares with %.
func (it FigureItem) Display(f MonthlyFigures) string {
	switch v := it.ref(&f).(type) {
	case *Money:
		return v.String() + " 元"
	case *int64:
		return strconv.FormatInt(*v, 10)
	case *Ratio:
		return v.String()
	case *string:
		return *v
	}
	return ""
}

// ParseCount reads a non-negative whole number: "1234", "1,234", full-width digits.
func ParseCount(s string) (int64, error) {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == ',' || r == '，' || r == ' ':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || t == "" || t[0] == '+' {
		return 0, Errorf(EInvalid, "应为不小于 0 的整数")
	}
	return n, nil
}

// set parses s into the item of f.
func (it FigureItem) set(f *MonthlyFigures, s string) error {
	s = strings.TrimSpace(s)
	if s == "" && it.Kind != FigureText {
		if !it.Optional {
			return Errorf(EInvalid, "请填写%s", it.Label)
		}
		s = "0"
	}
	switch v := it.ref(f).(type) {
	case *Money:
		m, err := ParseYuan(s)
		if err != nil {
			return Errorf(EInvalid, "%s：%s", it.Label, ErrorMessage(err))
		}
		*v = m
	case *int64:
		n, err := ParseCount(s)
		if err != nil {
			return Errorf(EInvalid, "%s%s", it.Label, ErrorMessage(err))
		}
		*v = n
	case *Ratio:
		r, err := ParsePercent(s)
		if err != nil {
			return Errorf(EInvalid, "%s：%s", it.Label, ErrorMessage(err))
		}
		*v = r
	case *string:
		if s == "" {
			return Errorf(EInvalid, "请填写%s", it.Label)
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxFeeSchedule {
			return Errorf(EInvalid, "%s不能超过 %d 个字", it.Label, MaxFeeSchedule)
		}
		*v = s
	}
	return nil
}

// ParseMonthlyFigures reads the typed items (by Key, plus "period") into figures, with a
// message in Chinese for each item that does not read. The form, the uploaded template
// and the API all come through here, so each says the same thing about the same mistake.
func ParseMonthlyFigures(typed map[string]string) (MonthlyFigures, map[string]string) {
	var f MonthlyFigures
	errs := map[string]string{}
	p, err := ParsePeriod(typed["period"])
	if err != nil {
		errs["period"] = ErrorMessage(err)
	}
	f.Period = p
	for _, it := range MonthlyItems {
		if err := it.set(&f, typed[it.Key]); err != nil {
			errs[it.Key] = ErrorMessage(err)
		}
	}
	return f, errs
}

// TypedFigures is the reverse of ParseMonthlyFigures: the values a form shows for f.
func TypedFigures(f MonthlyFigures) map[string]string {
	out := map[string]string{"period": f.Period.String()}
	for _, it := range MonthlyItems {
		out[it.Key] = it.Value(f)
	}
	return out
}
