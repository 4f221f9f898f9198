package models

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// optionalItems are the 如有 (if any) items: left empty they read as zero.
var optionalItems = map[string]bool{
	"related_balance": true, "related_count": true, "compensation_amount": true, "compensation_count": true,
	"compensation_balance": true,
}

// FigureItem is one item of the monthly report as the portal's three ways in show it:
// the same list drives the form, the XLSX template (one row per item) and the JSON API,
// so they read alike. It is MonthlyFigureFields (the items of seeds/003 §8 and the two
// balances of seeds/001, with their keys) plus the fee schedule of §8(十), in the
// guideline's order.
type FigureItem struct {
	Key      string // form field, template key column and JSON property
	Label    string
	Kind     FigureKind
	Citation string
	Optional bool                // 如有: empty is zero
	field    *MonthlyFigureField // nil for the fee schedule
}

// Unit is the unit the item is typed in.
func (it FigureItem) Unit() string {
	switch it.Kind {
	case FigureAmount:
		return "元"
	case FigureShare:
		return "%"
	case FigureCount:
		if strings.HasSuffix(it.Label, "人数量") {
			return "人"
		}
		return "笔"
	}
	return ""
}

// MaxFeeSchedule bounds the fee schedule text.
const MaxFeeSchedule = 2000

// MonthlyItems are the items of the monthly report, in the order of seeds/003 §8.
var MonthlyItems = monthlyItems()

func monthlyItems() []FigureItem {
	var out []FigureItem
	for i := range MonthlyFigureFields {
		ff := &MonthlyFigureFields[i]
		if ff.Key == "risk_reserve_balance" { // §8(十) closes the guideline's list
			out = append(out, FigureItem{Key: FeeScheduleField, Label: "收费标准", Kind: FigureText, Citation: n8("(十)")})
		}
		out = append(out, FigureItem{Key: ff.Key, Label: ff.Label, Kind: ff.Kind, Citation: ff.Clause, Optional: optionalItems[ff.Key], field: ff})
	}
	return out
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
	if it.field == nil {
		return f.FeeSchedule
	}
	v := it.field.Value(f)
	switch it.Kind {
	case FigureAmount:
		return Money(v).Yuan()
	case FigureShare:
		return Ratio(v).Percent()
	}
	return strconv.FormatInt(v, 10)
}

// Display is the item's value for a page: amounts with separators and 元, shares with %.
func (it FigureItem) Display(f MonthlyFigures) string {
	if it.field == nil {
		return f.FeeSchedule
	}
	return it.field.Format(it.field.Value(f))
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
	if it.field == nil {
		if s == "" {
			return Errorf(EInvalid, "请填写%s", it.Label)
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxFeeSchedule {
			return Errorf(EInvalid, "%s不能超过 %d 个字", it.Label, MaxFeeSchedule)
		}
		f.FeeSchedule = s
		return nil
	}
	if s == "" {
		if !it.Optional {
			return Errorf(EInvalid, "请填写%s", it.Label)
		}
		s = "0"
	}
	var v int64
	switch it.Kind {
	case FigureAmount:
		m, err := ParseYuan(s)
		if err != nil {
			return Errorf(EInvalid, "%s：%s", it.Label, ErrorMessage(err))
		}
		v = int64(m)
	case FigureShare:
		r, err := ParsePercent(s)
		if err != nil {
			return Errorf(EInvalid, "%s：%s", it.Label, ErrorMessage(err))
		}
		v = int64(r)
	default:
		n, err := ParseCount(s)
		if err != nil {
			return Errorf(EInvalid, "%s%s", it.Label, ErrorMessage(err))
		}
		v = n
	}
	it.field.Set(f, v)
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
