package models

import (
	"math"
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want Money
	}{
		{"0", 0},
		{"1234", 123400},
		{"1234.5", 123450},
		{"1234.56", 123456},
		{"1,234,567.89", 123456789},
		{"  12.30 ", 1230},
		{"１２３", 12300},
		{"１，２３４．５", 123450},
		{"\u3000５０００００００\u3000", 50_000_000 * OneYuan},
		{"007", 700},
		{"899999999.99", 899_999_999_99},
		{"92233720368547757.99", Money(9223372036854775799)},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseYuanRejects(t *testing.T) {
	tests := []struct {
		in, want string // want: a substring of the message
	}{
		{"", "请填写金额"},
		{"   ", "请填写金额"},
		{"-5", "不能为负数"},
		{"－5", "不能为负数"},
		{"1.234", "最多保留两位小数"},
		{"12a", "非法字符「a」"},
		{"1e5", "非法字符「e」"},
		{"+5", "非法字符「+」"},
		{"5元", "非法字符「元」"},
		{"¥5", "非法字符「¥」"},
		{"1 000", "非法字符「 」"},
		{".5", "格式不正确"},
		{"5.", "格式不正确"},
		{"1.2.3", "格式不正确"},
		{"1.2,3", "格式不正确"},
		{",123", "格式不正确"},
		{"1234,567", "格式不正确"},
		{"1,23,456", "千分位逗号"},
		{"1,2345", "千分位逗号"},
		{"1,234,", "千分位逗号"},
		{"92233720368547758.00", "超出"},
		{"99999999999999999999999", "超出"},
	}
	for _, tt := range tests {
		_, err := ParseYuan(tt.in)
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want) {
			t.Errorf("ParseYuan(%q) err = %v, want EInvalid containing %q", tt.in, err, tt.want)
		}
	}
}

func TestParseSignedYuan(t *testing.T) {
	for in, want := range map[string]Money{"-1,234.5": -123450, "－0.01": -1, "12": 1200} {
		if got, err := ParseSignedYuan(in); err != nil || got != want {
			t.Errorf("ParseSignedYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseSignedYuan("--1"); err == nil {
		t.Error(`ParseSignedYuan("--1") accepted`)
	}
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		m          Money
		text, yuan string
	}{
		{0, "0.00", "0.00"},
		{5, "0.05", "0.05"},
		{123450, "1,234.50", "1234.50"},
		{123456789, "1,234,567.89", "1234567.89"},
		{100000, "1,000.00", "1000.00"},
		{99999, "999.99", "999.99"},
		{900_000_000 * OneYuan, "900,000,000.00", "900000000.00"},
		{-123456789, "-1,234,567.89", "-1234567.89"},
		{math.MaxInt64, "92,233,720,368,547,758.07", "92233720368547758.07"},
		{math.MinInt64, "-92,233,720,368,547,758.08", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.text {
			t.Errorf("Money(%d).String() = %q, want %q", tt.m, got, tt.text)
		}
		if got := tt.m.Yuan(); got != tt.yuan {
			t.Errorf("Money(%d).Yuan() = %q, want %q", tt.m, got, tt.yuan)
		}
		if tt.m >= 0 && tt.m <= 9223372036854775799 {
			for _, s := range []string{tt.text, tt.yuan} {
				if back, err := ParseYuan(s); err != nil || back != tt.m {
					t.Errorf("ParseYuan(%q) = %d, %v; want %d back", s, back, err, tt.m)
				}
			}
		}
	}
}

func TestParsePercent(t *testing.T) {
	ok := map[string]Ratio{"12.5": 1250, "12.50%": 1250, "１００％": Hundred, "0": 0, "33.33": 3333, " 3 %": 3 * Percent, "0.01": 1}
	for in, want := range ok {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{"100.01": "不能超过 100%", "150%": "不能超过 100%", "-1": "不能为负数", "12.345": "两位小数", "abc": "非法字符", "": "请填写比例", "%": "请填写比例"}
	for in, want := range bad {
		if _, err := ParsePercent(in); ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), want) {
			t.Errorf("ParsePercent(%q) err = %v, want %q", in, err, want)
		}
	}
	if s := Ratio(1250).String(); s != "12.50%" {
		t.Errorf("String = %q", s)
	}
	if s := Ratio(5).Percent(); s != "0.05" {
		t.Errorf("Percent = %q", s)
	}
}

func TestRatioOfAndPortions(t *testing.T) {
	ratios := []struct {
		a, b Money
		want Ratio
	}{
		{1, 3, 3333}, // 33.333…% rounds down
		{2, 3, 6666},
		{1_500_000 * OneYuan, 150_000_000 * OneYuan, Percent},
		{1_499_999_99, 150_000_000 * OneYuan, 99}, // just under 1%
		{5, 0, 0},
		{5, -1, 0},
		{math.MaxInt64, math.MaxInt64, Hundred}, // no overflow in the product
		{math.MaxInt64, 1, math.MaxInt64},       // saturates
		{-1, 3, -3334},                          // rounds down, not toward zero
	}
	for _, tt := range ratios {
		if got := RatioOf(tt.a, tt.b); got != tt.want {
			t.Errorf("RatioOf(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	portions := []struct {
		m        Money
		r        Ratio
		up, down Money
	}{
		{150_000_000 * OneYuan, Percent, 1_500_000 * OneYuan, 1_500_000 * OneYuan},
		{12345, Percent, 124, 123},        // 123.45 分 of a 1% share
		{12345, 30 * Percent, 3704, 3703}, // 3703.5
		{0, 3 * Percent, 0, 0},
		{-12345, Percent, -123, -124},
		{math.MaxInt64, Hundred, math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range portions {
		if got := tt.m.PortionUp(tt.r); got != tt.up {
			t.Errorf("%d.PortionUp(%d) = %d, want %d", tt.m, tt.r, got, tt.up)
		}
		if got := tt.m.PortionDown(tt.r); got != tt.down {
			t.Errorf("%d.PortionDown(%d) = %d, want %d", tt.m, tt.r, got, tt.down)
		}
	}
}

func TestValidateShares(t *testing.T) {
	tests := []struct {
		shares []Ratio
		ok     bool
	}{
		{nil, true},
		{[]Ratio{Hundred}, true},
		{[]Ratio{3333, 3333, 3334}, true},
		{[]Ratio{5000, 4000}, true}, // below 100%: the rest may be unrecorded
		{[]Ratio{5000, 5001}, false},
		{[]Ratio{-1, 100}, false},
	}
	for _, tt := range tests {
		err := ValidateShares(tt.shares)
		if (err == nil) != tt.ok || (err != nil && ErrorCode(err) != EInvalid) {
			t.Errorf("ValidateShares(%v) = %v, want ok=%v", tt.shares, err, tt.ok)
		}
	}
	if err := ValidateShares([]Ratio{5000, 5001}); !strings.Contains(ErrorMessage(err), "合计为 100.01%") {
		t.Errorf("message = %q", ErrorMessage(err))
	}
}

func TestMoneyYi(t *testing.T) {
	for _, c := range []struct {
		m    Money
		want string
	}{
		{9 * OneYi, "9.00"},
		{85_612_345_678, "8.56"},
		{85_650_000_000, "8.57"}, // half rounds up
		{85_649_999_999, "8.56"},
		{-85_650_000_000, "-8.57"},
		{0, "0.00"},
		{LargeScaleThreshold, "9.00"},
	} {
		if got := c.m.Yi(); got != c.want {
			t.Errorf("Money(%d).Yi() = %q, want %q", int64(c.m), got, c.want)
		}
	}
}
