package models

import "strconv"

// Money is an amount in 分 (hundredths of a 元), never a float. The full type with
// parsing and formatting lives in money.go.
type Money int64

// String formats m as 元 with thousands separators and two decimals.
func (m Money) String() string {
	neg := m < 0
	if neg {
		m = -m
	}
	whole := strconv.FormatInt(int64(m)/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	frac := strconv.FormatInt(int64(m)%100+100, 10)[1:]
	if neg {
		whole = "-" + whole
	}
	return whole + "." + frac
}
