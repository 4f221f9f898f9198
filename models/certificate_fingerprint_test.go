package models

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func sampleCertificate() Certificate {
	return Certificate{Serial: "粤-2026-000123", Name: "广州天河示例网络借贷信息中介服务有限公司", USCC: "91440106MA59A1B2CE",
		IssueDate: NewDate(2026, 11, 22), Authority1: "广东省地方金融监督管理局", Authority2: "中国银行保险监督管理委员会广东监管局"}
}

func TestCertificateFingerprintCoversTheContentOnly(t *testing.T) {
	c := sampleCertificate()
	want := `{"v":1,"serial":"粤-2026-000123","name":"广州天河示例网络借贷信息中介服务有限公司","uscc":"91440106MA59A1B2CE",` +
		`"issue_date":"2026-11-22","authorities":["广东省地方金融监督管理局","中国银行保险监督管理委员会广东监管局"]}`
	if got := string(CertificateCanonical(c)); got != want {
		t.Fatalf("canonical =\n%s\nwant\n%s", got, want)
	}
	sum := sha256.Sum256([]byte(want))
	if CertificateFingerprint(c) != hex.EncodeToString(sum[:]) {
		t.Fatal("the fingerprint is not the SHA-256 of the canonical form")
	}
	same := c
	same.ID, same.Status, same.Name, same.USCC = 99, CertificateRevoked, " "+c.Name+" ", "91440106ma59a1b2ce"
	if CertificateFingerprint(same) != CertificateFingerprint(c) {
		t.Error("the fingerprint depends on fields outside the content or on spacing and case")
	}
	for name, change := range map[string]func(*Certificate){
		"name":      func(c *Certificate) { c.Name += "A" },
		"uscc":      func(c *Certificate) { c.USCC = "91440104MA5CXK3D4K" },
		"serial":    func(c *Certificate) { c.Serial = "粤-2026-000124" },
		"date":      func(c *Certificate) { c.IssueDate = c.IssueDate.AddDays(1) },
		"authority": func(c *Certificate) { c.Authority2 = "中国银行保险监督管理委员会深圳监管局" },
	} {
		d := sampleCertificate()
		change(&d)
		if CertificateFingerprint(d) == CertificateFingerprint(c) {
			t.Errorf("changing the %s leaves the fingerprint unchanged", name)
		}
	}
}
