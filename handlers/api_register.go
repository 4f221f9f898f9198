package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
)

// APIRegisterEntry is a filing of the register (seeds/004 plan 1 六(一) 备案登记).
type APIRegisterEntry struct {
	USCC          string  `json:"uscc"`
	Name          string  `json:"name"`
	District      string  `json:"district"`
	FilingNumber  string  `json:"filing_number"`
	FilingDate    string  `json:"filing_date"`
	CustodyBank   string  `json:"custody_bank"`
	Website       string  `json:"website"`
	Certificate   string  `json:"certificate_serial"`
	Status        string  `json:"status"` // valid | revoked
	RevokedOn     *string `json:"revoked_on"`
	RevokedReason string  `json:"revoked_reason"`
	cursor        int64
}

func apiRegisterEntry(e store.APIRegisterEntry) APIRegisterEntry {
	st := "valid"
	if e.Revoked {
		st = "revoked"
	}
	return APIRegisterEntry{USCC: e.USCC, Name: e.Name, District: e.District, FilingNumber: e.FilingNumber,
		FilingDate: e.FilingDate.String(), CustodyBank: e.CustodyBank, Website: e.Website, Certificate: e.Serial,
		Status: st, RevokedOn: dateOrNil(e.RevokedAt), RevokedReason: e.RevokedReason, cursor: e.FilingID}
}

// Register is GET /api/v1/register?status=valid|revoked|all&district=&q=&cursor=&limit=.
func (h *API) Register(c echo.Context) error {
	limit, ok, err := apiLimit(c)
	if !ok {
		return err
	}
	after, ok := decodeCursor("register", c.QueryParam("cursor"))
	if !ok {
		return jsonError(c, http.StatusBadRequest, "cursor 无效：请使用上一页返回的 next_cursor")
	}
	var st models.RegisterStatus
	switch c.QueryParam("status") {
	case "", "valid":
		st = models.RegisterValid
	case "revoked":
		st = models.RegisterRevoked
	case "all":
		st = models.RegisterAll
	default:
		return jsonError(c, http.StatusBadRequest, "status 应为 valid（有效备案）、revoked（合格证明已撤销）或 all")
	}
	rows, err := h.store.APIRegister(c.Request().Context(), store.APIRegisterFilter{Status: st, District: c.QueryParam("district"),
		Query: c.QueryParam("q"), After: after, Limit: limit})
	if err != nil {
		return err
	}
	items := make([]APIRegisterEntry, len(rows))
	for i, r := range rows {
		items[i] = apiRegisterEntry(r)
	}
	return writeJSON(c, newPage(items, limit, func(e APIRegisterEntry) string { return encodeCursor("register", e.cursor) }))
}

// APICertificateStatus is a certificate's public status with its signature check.
type APICertificateStatus struct {
	Serial         string    `json:"serial"`
	Name           string    `json:"name"`
	USCC           string    `json:"uscc"`
	IssueDate      string    `json:"issue_date"`
	Issuers        [2]string `json:"issuers"`
	Fingerprint    string    `json:"fingerprint"`
	Status         string    `json:"status"` // valid | revoked
	RevokedOn      *string   `json:"revoked_on"`
	RevokedReason  string    `json:"revoked_reason"`
	KeyID          string    `json:"key_id"`
	Signature      string    `json:"signature"`
	SignatureValid bool      `json:"signature_valid"`
	SignatureCheck string    `json:"signature_check"`
	VerifyURL      string    `json:"verify_url"`
}

func (h *API) certificateStatus(cert models.Certificate) APICertificateStatus {
	s := APICertificateStatus{Serial: cert.Serial, Name: cert.Name, USCC: cert.USCC, IssueDate: cert.IssueDate.String(),
		Issuers: [2]string{cert.Authority1, cert.Authority2}, Fingerprint: cert.Fingerprint, Status: cert.Status,
		RevokedOn: dateOrNil(cert.RevokedAt), RevokedReason: cert.RevokedReason, KeyID: cert.KeyID, Signature: cert.Signature,
		VerifyURL: urls.Verify(cert.Serial)}
	sig, _ := models.DecodeSignature(cert.Signature)
	r := models.VerifyCertificate(h.keys.Ring(), cert, cert.KeyID, sig, nil)
	s.SignatureValid, s.SignatureCheck = r.OK, r.Reason
	return s
}

// Certificate is GET /api/v1/certificates/{serial}.
func (h *API) Certificate(c echo.Context) error {
	raw, err := url.PathUnescape(c.Param("serial"))
	if err != nil {
		raw = c.Param("serial")
	}
	serial := models.NormalizeSerial(raw)
	if !models.ValidSerial(serial) {
		return jsonError(c, http.StatusBadRequest, "证明编号格式不正确：应为 省简称-年份-6 位数字，例如 粤-2026-000001")
	}
	cert, err := h.store.APICertificate(c.Request().Context(), serial)
	if status, msg, ok := refused(err, models.ENotFound); ok {
		return jsonError(c, status, "%s", msg)
	}
	if err != nil {
		return err
	}
	return writeJSON(c, h.certificateStatus(*cert))
}
