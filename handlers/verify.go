package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/pages/public"
)

// VerifyStore is what public verification needs of the store.
type VerifyStore interface {
	Verify(ctx context.Context, a store.Actor, serial, userAgent string) (*models.Certificate, error)
	RevocationStore
}

// Verification serves the public certificate verification.
type Verification struct {
	store VerifyStore
	now   Clock
	keys  Keys
}

// Keys is the province's signing key: the published ring and the current key's signer.
type Keys interface {
	Ring() models.KeyRing
	Sign(msg []byte) (keyID string, sig []byte, err error)
	// SignDeterministic gives the same signature for the same message, for documents
	// rendered on every download.
	SignDeterministic(msg []byte) (keyID string, sig []byte, err error)
}

// WithKeys gives the verification the signing keys: /verify/{serial} then checks the SM2
// signature, and /verify/keys and /verify/revocations are served.
func (h *Verification) WithKeys(k Keys) *Verification { h.keys = k; return h }

// NewVerification builds the verification handlers.
func NewVerification(s VerifyStore, now Clock) *Verification {
	return &Verification{store: s, now: now}
}

// Form is /verify; with ?serial= it goes to that serial's page.
func (h *Verification) Form(c echo.Context) error {
	raw := c.QueryParam("serial")
	if raw == "" {
		return Render(c, http.StatusOK, public.VerifyForm(public.VerifyPage{}))
	}
	serial := models.NormalizeSerial(raw)
	if !models.ValidSerial(serial) {
		return Render(c, http.StatusUnprocessableEntity, public.VerifyForm(public.VerifyPage{Serial: raw,
			Error: "证明编号格式不正确：应为 省简称-年份-6 位数字，例如 粤-2026-000001"}))
	}
	return c.Redirect(http.StatusSeeOther, urls.Verify(serial))
}

// Show is /verify/{serial}, the QR code's address. Every look-up is logged, then the
// page answers 304 if the visitor's copy still holds.
func (h *Verification) Show(c echo.Context) error {
	raw, err := url.PathUnescape(c.Param("serial"))
	if err != nil {
		raw = c.Param("serial")
	}
	serial := models.NormalizeSerial(raw)
	cert, err := h.store.Verify(c.Request().Context(), store.Actor{IP: c.RealIP(), Now: h.now()}, serial, c.Request().UserAgent())
	if Status(err) == http.StatusNotFound {
		c.Response().Header().Set("Cache-Control", "no-store")
		return Render(c, http.StatusNotFound, public.VerifyNotFound(serial))
	}
	if err != nil {
		return err
	}
	if Conditional(c, "verify", cert.Serial, cert.Status, cert.UpdatedAt.UnixMicro(), cert.Signature, models.CertificateFingerprint(*cert)) {
		return nil
	}
	r := public.VerifyResult{Serial: cert.Serial, Name: cert.Name, USCC: cert.USCC, IssueDate: cert.IssueDate, Revoked: cert.Revoked(),
		RevokedReason: cert.RevokedReason, Authorities: [2]string{cert.Authority1, cert.Authority2}, Fingerprint: cert.Fingerprint,
		Signature: h.checkSignature(*cert)}
	if cert.RevokedAt != nil {
		r.RevokedDate = models.DateOf(*cert.RevokedAt)
	}
	return Render(c, http.StatusOK, public.VerifyShow(r))
}

// checkSignature verifies the stored signature against the published keys (issue 14
// §2: "/verify/{serial} checks the signature as well as the status"). A changed field
// in the database fails here even though the row is found.
func (h *Verification) checkSignature(cert models.Certificate) public.SignatureView {
	v := public.SignatureView{KeyID: cert.KeyID, Value: cert.Signature, KeysURL: "/verify/keys"}
	if h.keys == nil {
		v.Reason = "本系统未配置签名密钥"
		return v
	}
	sig, err := models.DecodeSignature(cert.Signature)
	if cert.Signature == "" {
		sig, err = nil, nil
	}
	if err != nil {
		v.Reason = models.ErrorMessage(err)
		return v
	}
	r := models.VerifyCertificate(h.keys.Ring(), cert, cert.KeyID, sig, nil)
	v.OK, v.Reason = r.OK, r.Reason
	return v
}
