package models

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Money is an amount in 分 (hundredths of a yuan). Amounts are kept and compared as
// integers: no float ever touches them, so 0.1 + 0.2 is exactly 0.30.
type Money int64

// OneYuan makes thresholds readable: 50_000_000 * OneYuan.
const OneYuan Money = 100

// ParseYuan reads a non-negative amount in 元 as people type it: "1234", "1234.5",
// "1,234,567.89", full-width digits, surrounding spaces. At most two decimals (分),
// as the disclosure format requires (seeds/003 attachment 1.2).
func ParseYuan(s string) (Money, error) {
	v, err := parseHundredths(s, "金额", false)
	return Money(v), err
}

// ParseSignedYuan is ParseYuan for figures that may be negative, such as net assets or
// profit.
func ParseSignedYuan(s string) (Money, error) {
	v, err := parseHundredths(s, "金额", true)
	return Money(v), err
}

// String formats for display: "1,234,567.89", "-12.00".
func (m Money) String() string {
	y := m.Yuan()
	sign := ""
	if y[0] == '-' {
		sign, y = "-", y[1:]
	}
	whole, frac, _ := strings.Cut(y, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "." + frac
}

// Yuan formats for form values and exports: "1234567.89".
func (m Money) Yuan() string {
	u := uint64(m)
	sign := ""
	if m < 0 {
		sign, u = "-", -u // two's complement: also right for math.MinInt64
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// OneYi is 1 亿元, the unit the scale threshold is stated in (9 亿元).
const OneYi Money = 100_000_000 * OneYuan

// Yi formats m in 亿元 to two decimals, rounded half away from zero: "9.00", "8.56".
func (m Money) Yi() string {
	const step = OneYi / 100 // 0.01 亿元
	q := m / step
	if r := m % step; 2*r >= step {
		q++
	} else if 2*r <= -step {
		q--
	}
	return Money(q).Yuan()
}

// PortionUp is m × r rounded up to the 分: the least amount that reaches the share r of
// m, e.g. the reserve a balance requires.
func (m Money) PortionUp(r Ratio) Money {
	return Money(mulDiv(int64(m), int64(r), int64(Hundred), true))
}

// PortionDown is m × r rounded down to the 分: the most that stays within the share r.
func (m Money) PortionDown(r Ratio) Money {
	return Money(mulDiv(int64(m), int64(r), int64(Hundred), false))
}

// Ratio is a proportion in hundredths of a percent (basis points): 12.5% is 1250.
// Two decimals of a percent is the precision the disclosure format uses for ratios.
type Ratio int64

const (
	Percent Ratio = 100       // 1%
	Hundred Ratio = 100 * 100 // 100%
)

// ParsePercent reads a percentage between 0 and 100, with an optional % sign:
// "12.5", "12.50%", "１００". At most two decimals.
func ParsePercent(s string) (Ratio, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "%"), "％")
	v, err := parseHundredths(t, "比例", false)
	if err != nil {
		return 0, err
	}
	if Ratio(v) > Hundred {
		return 0, Errorf(EInvalid, "比例「%s」不能超过 100%%", strings.TrimSpace(s))
	}
	return Ratio(v), nil
}

// String formats for display: "12.50%".
func (r Ratio) String() string { return r.Percent() + "%" }

// Percent formats for form values, without the sign: "12.50". Ratio and Money are both
// counted in hundredths, so the same formatting applies.
func (r Ratio) Percent() string { return Money(r).Yuan() }

// RatioOf is a ÷ b as a Ratio, rounded down, without floats; 0 when b is not positive,
// so callers must look at b before presenting the result as a finding.
func RatioOf(a, b Money) Ratio {
	if b <= 0 {
		return 0
	}
	return Ratio(mulDiv(int64(a), int64(Hundred), int64(b), false))
}

// ValidateShares checks that shareholders' shares add up to at most 100% (SPEC §2).
func ValidateShares(shares []Ratio) error {
	var sum Ratio
	for _, s := range shares {
		if s < 0 {
			return Errorf(EInvalid, "持股比例不能为负数")
		}
		sum += s
	}
	if sum > Hundred {
		return Errorf(EInvalid, "股东持股比例合计为 %s，超过 100%%，请核对各股东持股比例", sum)
	}
	return nil
}

// mulDiv is a × b ÷ c rounded down (or up) for c > 0, computed in big integers so the
// product cannot overflow, and saturated to the int64 range.
func mulDiv(a, b, c int64, up bool) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	if up {
		n.Add(n, big.NewInt(c-1))
	}
	n.Div(n, big.NewInt(c)) // Euclidean division: floor for a positive divisor
	switch {
	case n.IsInt64():
		return n.Int64()
	case n.Sign() > 0:
		return math.MaxInt64
	default:
		return math.MinInt64
	}
}

// parseHundredths parses a decimal with at most two decimals into hundredths. what names
// the field in messages ("金额", "比例").
func parseHundredths(s, what string, signed bool) (int64, error) {
	shown := strings.TrimSpace(s)
	t := strings.Map(halfWidth, shown)
	if t == "" {
		return 0, Errorf(EInvalid, "请填写%s", what)
	}
	neg := strings.HasPrefix(t, "-")
	if neg {
		if !signed {
			return 0, Errorf(EInvalid, "%s「%s」不能为负数", what, shown)
		}
		t = t[1:]
	}
	for _, c := range t {
		if (c < '0' || c > '9') && c != ',' && c != '.' {
			return 0, Errorf(EInvalid, "%s「%s」含有非法字符「%c」：只能填写数字、小数点和千分位逗号", what, shown, c)
		}
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	badFormat := Errorf(EInvalid, "%s「%s」格式不正确，应如 1234567.89 或 1,234,567.89", what, shown)
	if whole == "" || (hasDot && frac == "") || strings.ContainsAny(frac, ".,") {
		return 0, badFormat
	}
	if len(frac) > 2 {
		return 0, Errorf(EInvalid, "%s「%s」最多保留两位小数", what, shown)
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, badFormat
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, Errorf(EInvalid, "%s「%s」的千分位逗号位置不正确", what, shown)
			}
		}
		whole = strings.ReplaceAll(whole, ",", "")
	}
	const limit = (math.MaxInt64 - 99) / 100 // largest whole part that still fits in hundredths
	var v int64
	for _, c := range whole {
		digit := int64(c - '0')
		if v > (limit-digit)/10 {
			return 0, Errorf(EInvalid, "%s「%s」超出可处理的范围", what, shown)
		}
		v = v*10 + digit
	}
	v *= 100
	for i, c := range frac {
		v += int64(c-'0') * [2]int64{10, 1}[i]
	}
	if neg {
		v = -v
	}
	return v, nil
}

// halfWidth maps full-width digits and punctuation, as typed with a Chinese IME, to ASCII.
func halfWidth(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return '0' + (r - '０')
	case r == '．':
		return '.'
	case r == '，':
		return ','
	case r == '－':
		return '-'
	}
	return r
}
