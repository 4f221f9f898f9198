package models

import (
	"strings"
	"testing"
)

// Codes published on real business licences (and the standard's own example), each
// checked by hand against the algorithm; they cover enterprises (91), a sole trader (92)
// and a law firm (31, an authority assigned after 2015).
var validUSCCs = []string{
	"91350100M000100Y43", // the example in GB 32100-2015
	"914403001922038216",
	"91330100716105852F",
	"91440300708461136T",
	"9144030071526726XG",
	"91110000100003495Y",
	"91310000MA1FL4B24G",
	"91110108551385082Q",
	"92500105MAC817EJ5D",
	"31110000400000448M",
}

func TestValidateUSCCAcceptsRealCodes(t *testing.T) {
	for _, c := range validUSCCs {
		if err := ValidateUSCC(c); err != nil {
			t.Errorf("ValidateUSCC(%s) = %v", c, err)
		}
		if MakeUSCC(c[:17]) != c {
			t.Errorf("MakeUSCC(%s) = %s", c[:17], MakeUSCC(c[:17]))
		}
	}
	// Stored form: trimmed, upper case; the check accepts what people paste.
	if err := ValidateUSCC("  91350100m000100y43 "); err != nil {
		t.Errorf("lower case with spaces: %v", err)
	}
	if got := NormalizeUSCC("  91350100m000100y43 "); got != "91350100M000100Y43" {
		t.Errorf("NormalizeUSCC = %q", got)
	}
}

// Every single-character change of a valid code must be caught: the weights are all
// non-zero modulo the prime 31, so the checksum sees any one substitution.
func TestValidateUSCCRejectsEveryOneCharacterMutation(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	n := 0
	for _, c := range validUSCCs {
		for pos := 0; pos < 18; pos++ {
			for _, r := range alphabet {
				if byte(r) == c[pos] {
					continue
				}
				m := c[:pos] + string(r) + c[pos+1:]
				n++
				if err := ValidateUSCC(m); ErrorCode(err) != EInvalid {
					t.Errorf("mutation %s of %s (position %d) accepted: %v", m, c, pos+1, err)
				}
			}
		}
	}
	if n != len(validUSCCs)*18*35 {
		t.Errorf("tried %d mutations", n)
	}
}

func TestValidateUSCCMessages(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "请填写统一社会信用代码"},
		{"91350100M000100Y4", "应为 18 位，您填写了 17 位"},
		{"91350100M000100Y433", "应为 18 位，您填写了 19 位"},
		{"91350100M000100Y4３", "第 18 位「３」不是合法字符"},
		{"91350100I000100Y43", "第 9 位「I」不是合法字符：统一社会信用代码不使用字母 I、O、Z、S、V"},
		{"91350100O000100Y43", "第 9 位「O」"},
		{"91350100Z000100Y43", "第 9 位「Z」"},
		{"91350100S000100Y43", "第 9 位「S」"},
		{"91350100V000100Y43", "第 9 位「V」"},
		{"91350100M-00100Y43", "第 10 位「-」不是合法字符"},
		{"B1350100M000100Y43", "第 1 位「B」不是有效的登记管理部门代码"},
		{"94350100M000100Y43", "第 2 位「4」不是登记管理部门「工商」下有效的机构类别代码"},
		{"Y2350100M000100Y43", "登记管理部门「其他」"},
		{"913501A0M000100Y43", "第 3～8 位是行政区划码，应为数字，第 7 位是「A」"},
		{"91350100M000100Y44", "校验位不符"},
		{"91350100M000100Y34", "校验位不符"}, // two neighbours swapped
	}
	for _, tt := range tests {
		err := ValidateUSCC(tt.in)
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want) {
			t.Errorf("ValidateUSCC(%q) = %v, want EInvalid containing %q", tt.in, err, tt.want)
		}
		if err != nil && !strings.Contains(ErrorMessage(err), "GB 32100-2015") && tt.in != "" {
			t.Errorf("ValidateUSCC(%q) message does not cite the standard: %s", tt.in, ErrorMessage(err))
		}
	}
}

func TestMakeUSCC(t *testing.T) {
	// Demo codes built from arbitrary bodies validate.
	for _, body := range []string{"91310101MA1FP0000", "93310115000000001", "Y1310000000000000", "12100000400000540"} {
		c := MakeUSCC(body)
		if err := ValidateUSCC(c); err != nil {
			t.Errorf("MakeUSCC(%s) = %s: %v", body, c, err)
		}
	}
	// The check character is 0 when 31 − (sum mod 31) is 31: find such a body by
	// varying one character and confirm the wrap.
	found := false
	for _, r := range usccAlphabet {
		body := "9131010" + string(r) + "MA1FP0000"
		if c := MakeUSCC(body); c[17] == '0' {
			found = true
		}
	}
	if !found {
		t.Error("no body with check character 0 among 31 variants: the 31 → 0 wrap is never exercised")
	}
	for _, bad := range []string{"9131010", "91310101MA1FP000I"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MakeUSCC(%q) did not panic", bad)
				}
			}()
			MakeUSCC(bad)
		}()
	}
}
