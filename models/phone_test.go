package models

import (
	"strings"
	"testing"
)

func TestValidatePhone(t *testing.T) {
	good := map[string]string{
		"020-87654321":      "020-87654321",
		"0755-8765432":      "0755-8765432",
		"010-12345678-8001": "010-12345678-8001",
		"13800138000":       "13800138000",
		"+86 138 0013 8000": "13800138000",
		"０２０－８７６５４３２１":      "020-87654321",
		"020—87654321":      "020-87654321",
		"400-820-8820":      "400-820-8820",
	}
	for in, want := range good {
		if err := ValidatePhone(in); err != nil {
			t.Errorf("ValidatePhone(%q) = %v", in, err)
		}
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q; want %q", in, got, want)
		}
	}
	bad := map[string]string{
		"02087654321":  "缺少区号与号码之间的「-」",
		"20-87654321":  "格式不正确",
		"020-123":      "格式不正确",
		"12800138000":  "格式不正确", // no mobile prefix 12
		"1380013800":   "格式不正确",
		"phone":        "格式不正确",
		"020-8765432a": "格式不正确",
	}
	for in, want := range bad {
		err := ValidatePhone(in)
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), want) {
			t.Errorf("ValidatePhone(%q) = %v; want %q", in, err, want)
		}
	}
}
