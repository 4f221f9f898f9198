package models

import (
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
)

func testRing(t *testing.T) (*sm2.PrivateKey, KeyRing) {
	t.Helper()
	priv, err := GenerateSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewSigningKey(priv, IssuingAuthorities("广东省"), NewDate(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	return priv, KeyRing{Province: "广东省", Keys: []SigningKey{k}}
}

func signCert(t *testing.T, priv *sm2.PrivateKey, c Certificate) []byte {
	t.Helper()
	sig, err := SM2Sign(priv, CertificateSignedContent(c))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestCertificateSignatureVerifies(t *testing.T) {
	priv, ring := testRing(t)
	c := sampleCertificate()
	sig := signCert(t, priv, c)
	kid := ring.Keys[0].ID
	if r := VerifyCertificate(ring, c, kid, sig, nil); !r.OK {
		t.Fatalf("a genuine certificate fails: %s", r.Reason)
	}
	if !strings.Contains(string(CertificateSignedContent(c)), `"fingerprint":"`+CertificateFingerprint(c)+`"`) {
		t.Error("the signed content does not carry the content fingerprint")
	}
	// one changed character in any signed field fails
	for name, change := range map[string]func(*Certificate){
		"name":   func(c *Certificate) { c.Name = strings.Replace(c.Name, "天河", "天和", 1) },
		"uscc":   func(c *Certificate) { c.USCC = c.USCC[:17] + "D" },
		"serial": func(c *Certificate) { c.Serial = "粤-2026-000124" },
		"date":   func(c *Certificate) { c.IssueDate = c.IssueDate.AddDays(-1) },
		"issuer": func(c *Certificate) { c.Authority1 = strings.Replace(c.Authority1, "广东", "广西", 1) },
	} {
		d := c
		change(&d)
		if r := VerifyCertificate(ring, d, kid, sig, nil); r.OK || !strings.Contains(r.Reason, "内容可能被改动") {
			t.Errorf("changed %s: ok=%v %q", name, r.OK, r.Reason)
		}
	}
	bad := append([]byte(nil), sig...)
	bad[len(bad)-1] ^= 1
	if r := VerifyCertificate(ring, c, kid, bad, nil); r.OK {
		t.Error("a flipped signature bit passes")
	}
	if r := VerifyCertificate(ring, c, "0000000000000000", sig, nil); r.OK || !strings.Contains(r.Reason, "不在已公布") {
		t.Errorf("an unknown key: %v %q", r.OK, r.Reason)
	}
	if r := VerifyCertificate(ring, c, "", nil, nil); r.OK || r.Reason != "该证明没有电子签名" {
		t.Errorf("unsigned: %v %q", r.OK, r.Reason)
	}
	other, _ := GenerateSigningKey()
	if r := VerifyCertificate(ring, c, kid, signCert(t, other, c), nil); r.OK {
		t.Error("a signature by another key passes under this key id")
	}
}

func TestRevokedCertificateFails(t *testing.T) {
	priv, ring := testRing(t)
	c := sampleCertificate()
	sig := signCert(t, priv, c)
	l := NewRevocationList("广东省", time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC),
		[]Revocation{{Serial: "粤-2026-000999", RevokedOn: "2026-11-30", Reason: "其他"}, {Serial: c.Serial, RevokedOn: "2026-11-30", Reason: "公示期间举报属实"}})
	l.KeyID = ring.Keys[0].ID
	s, err := SM2Sign(priv, RevocationListContent(l))
	if err != nil {
		t.Fatal(err)
	}
	l.Signature = EncodeSignature(s)
	if err := VerifyRevocationList(ring, l); err != nil {
		t.Fatalf("the signed list fails: %v", err)
	}
	r := VerifyCertificate(ring, c, ring.Keys[0].ID, sig, &l)
	if r.OK || r.Revoked == nil || !strings.Contains(r.Reason, "已于 2026-11-30 撤销：公示期间举报属实") {
		t.Fatalf("a revoked certificate: ok=%v %q", r.OK, r.Reason)
	}
	forged := l
	forged.Entries = forged.Entries[:1] // someone drops the revocation
	if err := VerifyRevocationList(ring, forged); err == nil {
		t.Error("an altered revocation list verifies")
	}
}

func TestRotatedOutKeyVerifiesWithinItsValidity(t *testing.T) {
	oldPriv, ring := testRing(t)
	ring.Keys[0].ValidTo = "2026-11-30"
	newPriv, _ := GenerateSigningKey()
	nk, _ := NewSigningKey(newPriv, IssuingAuthorities("广东省"), NewDate(2026, 11, 30))
	ring.Keys = append(ring.Keys, nk)
	if cur, _ := ring.Current(); cur.ID != nk.ID {
		t.Fatalf("current key = %s, want the new one", cur.ID)
	}
	before := sampleCertificate() // issued 2026-11-22, before the rotation
	if r := VerifyCertificate(ring, before, ring.Keys[0].ID, signCert(t, oldPriv, before), nil); !r.OK {
		t.Fatalf("a certificate signed by the rotated-out key within its validity fails: %s", r.Reason)
	}
	onDay := before
	onDay.IssueDate = NewDate(2026, 11, 30)
	if r := VerifyCertificate(ring, onDay, ring.Keys[0].ID, signCert(t, oldPriv, onDay), nil); !r.OK {
		t.Errorf("signed on the rotation day: %s", r.Reason)
	}
	after := before
	after.IssueDate = NewDate(2026, 12, 1)
	if r := VerifyCertificate(ring, after, ring.Keys[0].ID, signCert(t, oldPriv, after), nil); r.OK || !strings.Contains(r.Reason, "停用日期 2026-11-30") {
		t.Errorf("dated after the old key's end: ok=%v %q", r.OK, r.Reason)
	}
	if r := VerifyCertificate(ring, after, nk.ID, signCert(t, newPriv, after), nil); !r.OK {
		t.Errorf("the new key: %s", r.Reason)
	}
}

func TestCertificateQRRoundTrip(t *testing.T) {
	priv, ring := testRing(t)
	c := sampleCertificate()
	c.Authority1, c.Authority2 = ring.Keys[0].Issuers[0], ring.Keys[0].Issuers[1]
	sig := signCert(t, priv, c)
	qr := CertificateQR("https://jr.gd.gov.cn/verify/%E7%B2%A4-2026-000123", c, ring.Keys[0].ID, sig)
	if !strings.HasPrefix(qr, "https://jr.gd.gov.cn/verify/%E7%B2%A4-2026-000123?k="+ring.Keys[0].ID+"&s=") {
		t.Fatalf("QR text %q", qr)
	}
	got, kid, gotSig, err := ParseCertificateQR(ring, qr)
	if err != nil {
		t.Fatal(err)
	}
	if r := VerifyCertificate(ring, got, kid, gotSig, nil); !r.OK {
		t.Fatalf("the QR text does not verify offline: %s", r.Reason)
	}
	tampered := strings.Replace(qr, "天河", "天和", 1)
	got, kid, gotSig, _ = ParseCertificateQR(ring, tampered)
	if r := VerifyCertificate(ring, got, kid, gotSig, nil); r.OK {
		t.Error("a QR text with one changed character verifies")
	}
	if _, _, _, err := ParseCertificateQR(ring, "https://jr.gd.gov.cn/verify/%E7%B2%A4-2026-000123"); err == nil {
		t.Error("a QR without a signature parses")
	}
	back, err := ParseCertificateSignedContent(CertificateSignedContent(c))
	if err != nil || back.Fingerprint != CertificateFingerprint(c) || back.Name != c.Name {
		t.Errorf("signed content round trip: %+v %v", back, err)
	}
}

func TestDocumentSignatureDeterministicAndChecked(t *testing.T) {
	priv, ring := testRing(t)
	content := DocumentSignedContent("failure_notice", "广州金验告〔2026〕1号", NewDate(2026, 11, 23), DocumentDigest([]string{"正文"}))
	a, err := SM2SignDeterministic(priv, content)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SM2SignDeterministic(priv, content)
	if string(a) != string(b) {
		t.Fatal("deterministic signing gave two signatures for one document")
	}
	other, _ := SM2SignDeterministic(priv, append(content[:len(content):len(content)], ' '))
	if string(other) == string(a) {
		t.Fatal("two documents share a signature")
	}
	d, err := ParseDocumentToken(DocumentToken(content, ring.Keys[0].ID, a))
	if err != nil {
		t.Fatal(err)
	}
	if r := VerifyDocument(ring, d); !r.OK || d.Ref != "广州金验告〔2026〕1号" {
		t.Fatalf("document: %v %q %+v", r.OK, r.Reason, d)
	}
	d.Content = DocumentSignedContent("failure_notice", "广州金验告〔2026〕2号", NewDate(2026, 11, 23), DocumentDigest([]string{"正文"}))
	if r := VerifyDocument(ring, d); r.OK {
		t.Fatal("a document with a changed number verifies")
	}
}
