package models

import (
	"strings"
	"testing"
	"time"
)

func TestMasking(t *testing.T) {
	for _, c := range []struct{ in, name, contact string }{
		{"张三丰", "张**", ""},
		{"李", "李*", ""},
	} {
		if got := MaskName(c.in); got != c.name {
			t.Errorf("MaskName(%q) = %q; want %q", c.in, got, c.name)
		}
	}
	for in, want := range map[string]string{
		"13812345678":      "138****5678",
		"020-12345678":     "020-****5678",
		"0755-1234567":     "0755-***4567",
		"li@example.cn":    "l*@example.cn",
		"zhang@example.cn": "z****@example.cn",
		"123":              "***",
	} {
		if got := MaskContact(in); got != want {
			t.Errorf("MaskContact(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestComplaintInputValidate(t *testing.T) {
	good := ComplaintInput{Type: "lender", Name: "王五", Contact: "13812345678", Content: "该平台仍在销售期限拆分的理财产品，本人于十月购买。"}
	if errs := good.Validate(); len(errs) != 0 {
		t.Fatalf("good input refused: %v", errs)
	}
	cases := map[string]ComplaintInput{
		"type":    {Type: "robot", Name: "王五", Contact: "13812345678", Content: good.Content},
		"name":    {Type: "lender", Name: strings.Repeat("王", 51), Contact: "13812345678", Content: good.Content},
		"contact": {Type: "lender", Name: "王五", Contact: "12345", Content: good.Content},
		"content": {Type: "lender", Name: "王五", Contact: "a@b.cn", Content: "太短"},
	}
	for field, in := range cases {
		errs := in.Validate()
		if errs[field] == "" || len(errs) != 1 {
			t.Errorf("%s: errors %v; want exactly one on %s", field, errs, field)
		}
	}
	if errs := (ComplaintInput{Type: "public", Name: "x", Contact: "020-12345678", Content: strings.Repeat("长", MaxComplaintContent+1)}).Validate(); errs["content"] == "" {
		t.Error("overlong content accepted")
	}
	anon := ComplaintInput{Type: "public", Content: good.Content}
	if errs := anon.Validate(); len(errs) != 0 || !anon.Anonymous() {
		t.Errorf("anonymous complaint: errors %v, anonymous %v; want none, true", errs, anon.Anonymous())
	}
	if good.Anonymous() {
		t.Error("a complaint with a contact counted as anonymous")
	}
}

func TestComplaintVerificationValidate(t *testing.T) {
	if errs := (ComplaintVerification{Upheld: true, Finding: "经调取资金流水核实属实"}).Validate(); errs["public_reason"] == "" {
		t.Error("upheld without a public reason accepted")
	}
	if errs := (ComplaintVerification{Upheld: false, Finding: "经核查，举报事项与事实不符"}).Validate(); errs["public_reason"] == "" {
		t.Error("not upheld without a public reply accepted")
	}
	if errs := (ComplaintVerification{Upheld: false, Finding: "经核查，举报事项与事实不符", PublicReason: "经调取合同核实，所涉产品期限未拆分"}).Validate(); len(errs) != 0 {
		t.Errorf("not upheld with finding and reply refused: %v", errs)
	}
	if errs := (ComplaintVerification{Upheld: false}).Validate(); errs["finding"] == "" {
		t.Error("verification without finding accepted")
	}
}

func TestComplaintRef(t *testing.T) {
	ref := ComplaintRef(NewDate(2026, 11, 23), []byte{0, 1, 2, 3, 31, 32})
	if !strings.HasPrefix(ref, "JB-20261123-") || len(ref) != len("JB-20261123-")+6 || strings.ContainsAny(ref[12:], "01IO") {
		t.Fatalf("ComplaintRef = %q", ref)
	}
}

func TestCertificateSerial(t *testing.T) {
	s, err := CertificateSerial("粤", 2026, 1)
	if err != nil || s != "粤-2026-000001" {
		t.Fatalf("CertificateSerial = %q, %v", s, err)
	}
	if !ValidSerial(s) || ValidSerial("粤-2026-1") || ValidSerial("GD-2026-000001") {
		t.Fatal("ValidSerial disagrees with the format")
	}
	if _, err := CertificateSerial("", 2026, 1); err == nil {
		t.Fatal("empty abbreviation accepted")
	}
	if _, err := CertificateSerial("粤", 2026, 1_000_000); err == nil {
		t.Fatal("seven-digit number accepted")
	}
	if got := NormalizeSerial(" 粤－２０２６－000001 "); got != "粤-2026-000001" {
		t.Fatalf("NormalizeSerial = %q", got)
	}
	a := IssuingAuthorities("广东省")
	if a[0] != "广东省地方金融监督管理局" || a[1] != "中国银行保险监督管理委员会广东监管局" {
		t.Fatalf("IssuingAuthorities = %v", a)
	}
}

func TestScopeChangeAndFiling(t *testing.T) {
	cert, today := NewDate(2026, 11, 23), NewDate(2026, 12, 10)
	if err := ValidateScopeChangeDate(NewDate(2026, 11, 22), cert, today); err == nil {
		t.Error("change before the certificate accepted")
	}
	if err := ValidateScopeChangeDate(NewDate(2026, 12, 11), cert, today); err == nil {
		t.Error("change in the future accepted")
	}
	if !ScopeChangeLate(NewDate(2026, 11, 30), NewDate(2026, 12, 1)) || ScopeChangeLate(NewDate(2026, 11, 30), NewDate(2026, 11, 30)) {
		t.Error("ScopeChangeLate: a change on the deadline day is in time, the day after is late")
	}
	if errs := ValidateFiling("粤网贷备〔2026〕001号", NewDate(2026, 12, 2), NewDate(2026, 12, 1), today); len(errs) != 0 {
		t.Errorf("good filing refused: %v", errs)
	}
	errs := ValidateFiling("x", NewDate(2026, 11, 30), NewDate(2026, 12, 1), today)
	if errs["filing_number"] == "" || errs["filing_date"] == "" {
		t.Errorf("bad filing accepted: %v", errs)
	}
}

func TestRateLimiter(t *testing.T) {
	l := NewRateLimiter(3, time.Minute)
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.Allow("1.2.3.4", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, retry := l.Allow("1.2.3.4", t0.Add(10*time.Second))
	if ok || retry != 50*time.Second {
		t.Fatalf("fourth event: ok=%v retry=%v; want refused, retry 50s", ok, retry)
	}
	if ok, _ := l.Allow("5.6.7.8", t0.Add(10*time.Second)); !ok {
		t.Fatal("another address refused")
	}
	if ok, _ := l.Allow("1.2.3.4", t0.Add(61*time.Second)); !ok {
		t.Fatal("event after the window refused")
	}
}
