package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// signedOff takes platform1 through its notice to a certificate issued now.
func signedOff(t *testing.T, env *webtest.Env) *models.Certificate {
	t.Helper()
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID))
	cert, err := env.Store.SignOff(context.Background(), actAs(t, env, "province1"), app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func verifyPage(t *testing.T, env *webtest.Env, serial string) (status, signature string) {
	t.Helper()
	resp, body := env.Client(t).Get("/verify/" + url.PathEscape(serial))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/verify/%s: %d", serial, resp.StatusCode)
	}
	d := doc(t, body)
	return strings.TrimSpace(d.Find("[data-testid=verify-status]").Text()), strings.Join(strings.Fields(d.Find("[data-testid=signature-result]").Text()), " ")
}

// TestCertificateSignedAtIssuanceVerifies: the certificate is signed in the sign-off
// transaction with the published current key; the verify page checks it; one changed
// character in the stored content fails it; a revoked one fails and is on the signed list.
func TestCertificateSignedAtIssuanceVerifies(t *testing.T) {
	env := webtest.New(t)
	cert := signedOff(t, env)
	ring := env.Web.Keys().Ring()
	cur, _ := ring.Current()
	if cert.KeyID != cur.ID || cert.Signature == "" {
		t.Fatalf("issued certificate key %q signature %q; want key %s", cert.KeyID, cert.Signature, cur.ID)
	}
	sig, _ := models.DecodeSignature(cert.Signature)
	if r := models.VerifyCertificate(ring, *cert, cert.KeyID, sig, nil); !r.OK {
		t.Fatalf("stored signature does not verify: %s", r.Reason)
	}
	status, signature := verifyPage(t, env, cert.Serial)
	if status != "证明有效" || !strings.HasPrefix(signature, "签名有效 电子签名有效（SM2，密钥 "+cur.ID) {
		t.Fatalf("genuine: status %q signature %q", status, signature)
	}

	db, _ := env.Store.SQLDB()
	if _, err := db.Exec(`UPDATE certificates SET name = replace(name, '天河', '天和') WHERE id = $1`, cert.ID); err != nil {
		t.Fatal(err)
	}
	status, signature = verifyPage(t, env, cert.Serial)
	if status != "电子签名核验未通过" || !strings.Contains(signature, "签名无效 电子签名与证明内容不符") {
		t.Fatalf("one character changed in the database: status %q signature %q", status, signature)
	}
	if _, err := db.Exec(`UPDATE certificates SET name = replace(name, '天和', '天河') WHERE id = $1`, cert.ID); err != nil {
		t.Fatal(err)
	}

	if err := env.Store.RevokeCertificate(context.Background(), actAs(t, env, "province1"), cert.ID, "公示期间举报经核查属实"); err != nil {
		t.Fatal(err)
	}
	if status, _ := verifyPage(t, env, cert.Serial); status != "该证明已撤销" {
		t.Fatalf("revoked: status %q", status)
	}
	resp, body := env.Client(t).Get("/verify/revocations")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/verify/revocations: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var l models.RevocationList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	if err := models.VerifyRevocationList(ring, l); err != nil {
		t.Fatalf("served revocation list: %v", err)
	}
	if r := models.VerifyCertificate(ring, *cert, cert.KeyID, sig, &l); r.OK || !strings.Contains(r.Reason, "公示期间举报经核查属实") {
		t.Fatalf("revoked certificate against the served list: ok=%v %q", r.OK, r.Reason)
	}
}

// TestSigningKeysPublished: /verify/keys lists the current key with its fingerprint and
// dates, /verify/keys.json is the same ring, and the demo seed's certificate, issued
// before the key existed, was signed at start-up with an audit row.
func TestSigningKeysPublished(t *testing.T) {
	env := webtest.New(t)
	ring := env.Web.Keys().Ring()
	cur, ok := ring.Current()
	if !ok || len(cur.Fingerprint) != 64 || cur.Algorithm != "SM2-SM3" {
		t.Fatalf("current key %+v", cur)
	}
	_, body := env.Client(t).Get("/verify/keys")
	row := doc(t, body).Find("[data-testid=key-" + cur.ID + "]")
	if row.Length() != 1 || !strings.Contains(row.Text(), cur.Fingerprint) || !strings.Contains(row.Text(), "当前") || !strings.Contains(row.Text(), cur.ValidFrom) {
		t.Fatalf("/verify/keys row for %s: %q", cur.ID, row.Text())
	}
	_, js := env.Client(t).Get("/verify/keys.json")
	var got models.KeyRing
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got.Keys) != 1 || got.Keys[0].PublicKey != cur.PublicKey {
		t.Fatalf("/verify/keys.json: %v %s", err, js)
	}
	db, _ := env.Store.SQLDB()
	var unsigned, audited int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE signature = ''), (SELECT count(*) FROM audit_log WHERE action = '补签合格证明电子签名') FROM certificates`).Scan(&unsigned, &audited); err != nil {
		t.Fatal(err)
	}
	if unsigned != 0 || audited == 0 {
		t.Fatalf("after start-up: %d unsigned certificates, %d audit rows for the signing", unsigned, audited)
	}
	var serial string
	if err := db.QueryRow(`SELECT serial FROM certificates ORDER BY id LIMIT 1`).Scan(&serial); err != nil {
		t.Fatal(err)
	}
	if status, signature := verifyPage(t, env, serial); status != "证明有效" || !strings.HasPrefix(signature, "签名有效") {
		t.Fatalf("demo certificate %s: %q %q", serial, status, signature)
	}
}
