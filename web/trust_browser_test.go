package web_test

import (
	"net/url"
	"testing"

	"portal/web/browsertest"
	"portal/web/webtest"
)

// TestBrowserVerifyPageShowsSignature: a visitor types the serial of a freshly issued
// certificate, sees the verdict and the SM2 signature check, then the published keys.
// Screenshots: verify-signature.png, verify-keys.png.
func TestBrowserVerifyPageShowsSignature(t *testing.T) {
	env := webtest.New(t)
	cert := signedOff(t, env)
	b := browsertest.New(t, env.Server.URL)
	b.Open("/verify/" + url.PathEscape(cert.Serial))
	b.ExpectText("[data-testid=verify-status]", "证明有效")
	b.ExpectText("[data-testid=signature-result]", "签名有效", "电子签名有效（SM2，密钥 "+cert.KeyID)
	b.ExpectText("[data-testid=signature-value]", cert.Signature[:20])
	b.Screenshot("verify-signature")
	b.Open("/verify/keys")
	b.ExpectText("[data-testid=key-"+cert.KeyID+"]", cert.KeyID, "当前")
	b.Screenshot("verify-keys")
}
