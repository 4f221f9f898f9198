package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"portal/handlers"
	"portal/models"
	"portal/web"
)

// signedCertificatePDF makes a key folder and a certificate PDF signed with it, the way
// the server renders it.
func signedCertificatePDF(t *testing.T) (keysDir, pdfPath string, cert models.Certificate, pdf []byte) {
	t.Helper()
	keysDir = filepath.Join(t.TempDir(), "keys")
	k, err := web.InitKeys(keysDir, "广东省", time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	auth := models.IssuingAuthorities("广东省")
	cert = models.Certificate{Serial: "粤-2026-000042", Name: "广州天河示例网络借贷信息中介服务有限公司", USCC: "91440106MA59A1B2CE",
		IssueDate: models.NewDate(2026, 11, 23), Authority1: auth[0], Authority2: auth[1]}
	cert.Fingerprint = models.CertificateFingerprint(cert)
	kid, sig, err := k.Sign(models.CertificateSignedContent(cert))
	if err != nil {
		t.Fatal(err)
	}
	cert.KeyID, cert.Signature = kid, models.EncodeSignature(sig)
	pdf, err = handlers.CertificatePDF(cert, "http://127.0.0.1:8080/verify/"+cert.Serial)
	if err != nil {
		t.Fatal(err)
	}
	pdfPath = filepath.Join(t.TempDir(), "cert.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return keysDir, pdfPath, cert, pdf
}

func TestVerifyCertAcceptsGenuineRefusesTampered(t *testing.T) {
	keysDir, path, cert, pdf := signedCertificatePDF(t)
	ring := filepath.Join(keysDir, "keyring.json")
	var out bytes.Buffer
	if err := verifyCert([]string{"--keys", ring, path}, &out); err != nil {
		t.Fatalf("genuine PDF refused: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "核验通过: 电子签名有效") || !strings.Contains(out.String(), cert.Name) {
		t.Fatalf("output:\n%s", out.String())
	}

	// the QR text verifies offline too
	sig, _ := models.DecodeSignature(cert.Signature)
	qr := models.CertificateQR("http://127.0.0.1:8080/verify/%E7%B2%A4-2026-000042", cert, cert.KeyID, sig)
	out.Reset()
	if err := verifyCert([]string{"--keys", ring, qr}, &out); err != nil {
		t.Fatalf("genuine QR text refused: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := verifyCert([]string{"--keys", ring, strings.Replace(qr, "天河", "天和", 1)}, &out); err == nil {
		t.Fatalf("tampered QR text accepted:\n%s", out.String())
	}

	// one character of the signed content changed in the file
	tok, err := pdfKeywords(pdf)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimPrefix(tok, "sm2:"), ".")
	content, _ := base64.RawURLEncoding.DecodeString(parts[0])
	forged := strings.Replace(string(content), "天河", "天和", 1)
	// the fingerprint inside is recomputed, as a forger would
	c2, _ := models.ParseCertificateSignedContent([]byte(strings.Replace(forged, cert.Fingerprint, models.CertificateFingerprint(models.Certificate{
		Serial: cert.Serial, Name: strings.Replace(cert.Name, "天河", "天和", 1), USCC: cert.USCC, IssueDate: cert.IssueDate,
		Authority1: cert.Authority1, Authority2: cert.Authority2}), 1)))
	newTok := "sm2:" + base64.RawURLEncoding.EncodeToString(models.CertificateSignedContent(c2)) + "." + parts[1] + "." + parts[2]
	tampered := filepath.Join(t.TempDir(), "tampered.pdf")
	if err := os.WriteFile(tampered, bytes.Replace(pdf, []byte(tok), []byte(newTok), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = verifyCert([]string{"--keys", ring, tampered}, &out)
	if err == nil || !strings.Contains(err.Error(), "电子签名与证明内容不符") {
		t.Fatalf("tampered PDF: %v\n%s", err, out.String())
	}

	// a signature whose last character changed
	sigTampered := filepath.Join(t.TempDir(), "sig.pdf")
	repl := "A"
	if parts[2][len(parts[2])-2] == 'A' {
		repl = "B"
	}
	badSig := parts[2][:len(parts[2])-2] + repl + parts[2][len(parts[2])-1:]
	if err := os.WriteFile(sigTampered, bytes.Replace(pdf, []byte(tok), []byte("sm2:"+parts[0]+"."+parts[1]+"."+badSig), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyCert([]string{"--keys", ring, sigTampered}, &out); err == nil {
		t.Fatal("a PDF with a changed signature is accepted")
	}
	if err := verifyCert([]string{"--keys", ring, filepath.Join("testdata", "none.pdf")}, &out); err == nil {
		t.Fatal("a missing file is accepted")
	}
}

func TestVerifyCertConsultsRevocationList(t *testing.T) {
	keysDir, path, cert, _ := signedCertificatePDF(t)
	k, err := web.LoadKeys(keysDir)
	if err != nil {
		t.Fatal(err)
	}
	l := models.NewRevocationList("广东省", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		[]models.Revocation{{Serial: cert.Serial, RevokedOn: "2026-11-30", Reason: "举报属实"}})
	cur, _ := k.Ring().Current()
	l.KeyID = cur.ID
	_, sig, _ := k.Sign(models.RevocationListContent(l))
	l.Signature = models.EncodeSignature(sig)
	b, _ := jsonMarshal(l)
	list := filepath.Join(t.TempDir(), "revocations.json")
	os.WriteFile(list, b, 0o644)
	var out bytes.Buffer
	err = verifyCert([]string{"--keys", filepath.Join(keysDir, "keyring.json"), "--revocations", list, path}, &out)
	if err == nil || !strings.Contains(err.Error(), "已于 2026-11-30 撤销：举报属实") {
		t.Fatalf("revoked certificate: %v\n%s", err, out.String())
	}
	// a list with the entry removed but the old signature is refused, not trusted
	l.Entries = nil
	b, _ = jsonMarshal(l)
	os.WriteFile(list, b, 0o644)
	if err := verifyCert([]string{"--keys", filepath.Join(keysDir, "keyring.json"), "--revocations", list, path}, &out); err == nil || !strings.Contains(err.Error(), "撤销列表的电子签名无效") {
		t.Fatalf("altered revocation list: %v", err)
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
