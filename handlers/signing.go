package handlers

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/pages/public"
	"portal/views/pdf"
)

// RevocationStore lists revoked certificates for the signed revocation list.
type RevocationStore interface {
	Revocations(ctx context.Context) ([]models.Revocation, error)
}

// SignedRevocations builds the current revocation list, signed with the current key.
func SignedRevocations(ctx context.Context, st RevocationStore, keys Keys, now Clock) (models.RevocationList, error) {
	entries, err := st.Revocations(ctx)
	if err != nil {
		return models.RevocationList{}, err
	}
	ring := keys.Ring()
	l := models.NewRevocationList(ring.Province, now(), entries)
	cur, _ := ring.Current()
	l.KeyID = cur.ID
	kid, sig, err := keys.Sign(models.RevocationListContent(l))
	if err != nil {
		return l, err
	}
	l.KeyID, l.Signature = kid, models.EncodeSignature(sig)
	return l, nil
}

// Keys is /verify/keys: the published signing keys, current and rotated out.
func (h *Verification) Keys(c echo.Context) error {
	ring := h.keys.Ring()
	if Conditional(c, "keys", ring) {
		return nil
	}
	return Render(c, http.StatusOK, public.KeysPage(ring))
}

// KeysJSON is /verify/keys.json, what `portal verify-cert --keys` reads.
func (h *Verification) KeysJSON(c echo.Context) error {
	ring := h.keys.Ring()
	if Conditional(c, "keys.json", ring) {
		return nil
	}
	return c.JSONPretty(http.StatusOK, ring, "  ")
}

// Revocations is /verify/revocations: every revoked certificate, signed (issue 14 §2).
func (h *Verification) Revocations(c echo.Context) error {
	l, err := SignedRevocations(c.Request().Context(), h.store, h.keys, h.now)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, append(b, '\n'))
}

// WithKeys lets the review handlers sign the district's opinion PDFs.
func (h *Reviews) WithKeys(k Keys) *Reviews { h.keys = k; return h }

// WithKeys lets the document handlers sign the letters.
func (h *Documents) WithKeys(k Keys) *Documents { h.keys = k; return h }

// documentStamp signs a document rendered on demand (issue 14 §2: "Sign the district's
// opinion PDFs, the 不合格告知书 and the public-notice documents the same way"): kind,
// reference, date and the SHA-256 of its content, deterministically, so the same
// document keeps its bytes. Without keys the document is unsigned.
func documentStamp(k Keys, kind, ref string, day models.Date, content any) pdf.Stamp {
	if k == nil {
		return pdf.Stamp{}
	}
	msg := models.DocumentSignedContent(kind, ref, day, models.DocumentDigest(content))
	kid, sig, err := k.SignDeterministic(msg)
	if err != nil {
		return pdf.Stamp{}
	}
	return pdf.Stamp{KeyID: kid, Signature: models.EncodeSignature(sig), Token: models.DocumentToken(msg, kid, sig)}
}
