package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/province"
	"portal/views/pdf"
)

// CertificateStore is what sign-off and certificates need of the store.
type CertificateStore interface {
	SignoffQueue(ctx context.Context, u *models.User, p models.Page) ([]store.SignoffRow, int64, error)
	SignOff(ctx context.Context, a store.Actor, appID int64, version int) (*models.Certificate, error)
	ListCertificates(ctx context.Context, u *models.User, query string, p models.Page) ([]store.CertificateRow, int64, error)
	Certificate(ctx context.Context, u *models.User, id int64) (*store.CertificateRow, error)
	RevokeCertificate(ctx context.Context, a store.Actor, id int64, reason string) error
	VerificationCount(ctx context.Context, serial string) (int64, error)
	FilesOf(ctx context.Context, kind string, ownerID int64) ([]store.FileRef, error)
	AuditRecorder
}

// Certificates serves sign-off, the certificate pages, the PDF and revocation.
type Certificates struct {
	store    CertificateStore
	files    files.Store
	sessions Sessions
	now      Clock
	changed  func()
	base     string // configured base URL of the verify link and QR code
}

// NewCertificates builds the certificate handlers; baseURL (configured, never the
// request's Host) prefixes the verify link printed and encoded on the certificate.
func NewCertificates(s CertificateStore, files files.Store, sess Sessions, now Clock, changed func(), baseURL string) *Certificates {
	return &Certificates{store: s, files: files, sessions: sess, now: now, changed: changed, base: baseURL}
}

// Evidence downloads the scope-change evidence of the certificate's application, for
// the platform and officers who may see the certificate.
func (h *Certificates) Evidence(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	fid, err := idParam(c, "file")
	if err != nil {
		return err
	}
	r, err := h.store.Certificate(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	files, err := h.store.FilesOf(c.Request().Context(), store.FilesScopeChange, r.ApplicationID)
	if err != nil {
		return err
	}
	return sendAttachment(c, h.files, files, fid)
}

// SignoffQueue lists the applications waiting for the province's sign-off.
func (h *Certificates) SignoffQueue(c echo.Context) error {
	p := pageFrom(c)
	rows, total, err := h.store.SignoffQueue(c.Request().Context(), CurrentUser(c), p)
	if err != nil {
		return err
	}
	page := province.SignoffPage{Pager: pager(c, p, total), Export: exportOf(c, "/province/signoff")}
	for _, r := range rows {
		page.Rows = append(page.Rows, province.SignoffRow{ApplicationID: r.ApplicationID, Version: r.Version, Institution: r.InstitutionName,
			USCC: r.USCC, District: r.DistrictName, Large: models.IsLargeScale(r.Balance), NoticeStart: r.NoticeStart,
			NoticeEnd: r.NoticeEnd, Waiting: r.StateSince.String()})
	}
	return Render(c, http.StatusOK, province.Signoff(page))
}

// SignOff certifies the application and issues its certificate.
func (h *Certificates) SignOff(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f Versioned
	if err := bindForm(c, &f); err != nil {
		return err
	}
	cert, err := h.store.SignOff(c.Request().Context(), actor(c, h.now), id, f.version())
	if err != nil {
		return err
	}
	h.changed()
	return redirectWithFlash(c, h.sessions, urls.Certificate(cert.ID),
		"审定完成，已签发整改验收合格证明 "+cert.Serial+"，并已通知机构办理经营范围变更")
}

// List shows the certificates the user may see.
func (h *Certificates) List(c echo.Context) error {
	q := c.QueryParam("q")
	p := pageFrom(c)
	rows, total, err := h.store.ListCertificates(c.Request().Context(), CurrentUser(c), q, p)
	if err != nil {
		return err
	}
	page := province.CertificatesPage{Query: q, Pager: pager(c, p, total), Export: exportOf(c, "/certificates")}
	for _, r := range rows {
		page.Rows = append(page.Rows, certRow(r))
	}
	return Render(c, http.StatusOK, province.Certificates(page))
}

func certRow(r store.CertificateRow) province.CertificateRow {
	return province.CertificateRow{ID: r.ID, Serial: r.Serial, Institution: r.Name, USCC: r.USCC, District: r.DistrictName,
		IssueDate: r.IssueDate, Revoked: r.Revoked(), State: r.State.Label()}
}

// Show is one certificate; a province officer may revoke it.
func (h *Certificates) Show(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, province.Certificate(*page))
}

func (h *Certificates) page(c echo.Context) (*province.CertificatePage, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	r, err := h.store.Certificate(ctx, CurrentUser(c), id)
	if err != nil {
		return nil, err
	}
	n, err := h.store.VerificationCount(ctx, r.Serial)
	if err != nil {
		return nil, err
	}
	p := &province.CertificatePage{Row: certRow(*r), Authorities: [2]string{r.Authority1, r.Authority2}, Fingerprint: r.Fingerprint,
		VerifyURL: VerifyURL(h.base, r.Serial), RevokedReason: r.RevokedReason, Verifications: n,
		CanRevoke: CurrentUser(c).Role == models.RoleProvince, Errors: components.FieldErrors{}}
	if r.RevokedAt != nil {
		p.RevokedDate = models.DateOf(*r.RevokedAt)
	}
	return p, nil
}

// VerifyURL is the public verification address of a serial under the configured base
// URL. It never reads the request: a Host header must not reach a printed certificate or
// its QR code (issue 8 §2.2).
func VerifyURL(baseURL, serial string) string {
	return baseURL + urls.Verify(serial)
}

// PDF regenerates the certificate from its stored fields: the same certificate always
// gives the same bytes, so nothing but the fields needs keeping.
func (h *Certificates) PDF(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := h.store.Certificate(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	b, err := CertificatePDF(r.Certificate, VerifyURL(h.base, r.Serial))
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape("整改验收合格证明-"+r.Serial+".pdf"))
	hd.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", b)
}

// CertificateData is what views/pdf prints for a stored certificate.
func CertificateData(cert models.Certificate, verifyURL string) pdf.CertificateData {
	return pdf.CertificateData{Serial: cert.Serial, Name: cert.Name, USCC: cert.USCC, IssueDate: cert.IssueDate.Start(),
		Authorities: [2]pdf.Authority{{Name: cert.Authority1, SealLabel: "整改验收专用章"}, {Name: cert.Authority2, SealLabel: "整改验收专用章"}},
		VerifyURL:   verifyURL, Fingerprint: cert.Fingerprint, KeyID: cert.KeyID, Signature: cert.Signature,
		QRText: certificateQR(cert, verifyURL), Signed: models.CertificateToken(cert)}
}

// certificateQR is the QR text of a signed certificate (issue 14 §2): serial, key id,
// signature and the signed fields, so a phone can check it offline.
func certificateQR(cert models.Certificate, verifyURL string) string {
	if cert.Signature == "" {
		return ""
	}
	sig, err := models.DecodeSignature(cert.Signature)
	if err != nil {
		return ""
	}
	return models.CertificateQR(verifyURL, cert, cert.KeyID, sig)
}

// CertificatePDF renders a stored certificate.
func CertificatePDF(cert models.Certificate, verifyURL string) ([]byte, error) {
	return pdf.Certificate(CertificateData(cert, verifyURL))
}

// revokeForm is a certificate's revocation with its public reason.
type revokeForm struct {
	Reason string `form:"reason"`
}

// Revoke revokes a certificate with a public reason.
func (h *Certificates) Revoke(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	var f revokeForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	page.Reason = f.Reason
	if err := models.ValidateRevokeReason(page.Reason); err != nil {
		page.Errors["reason"] = models.ErrorMessage(err)
		return Render(c, http.StatusUnprocessableEntity, province.Certificate(*page))
	}
	if err := h.store.RevokeCertificate(c.Request().Context(), actor(c, h.now), page.Row.ID, page.Reason); err != nil {
		return err
	}
	h.changed()
	return redirectWithFlash(c, h.sessions, page.Row.Href(), "证明 "+page.Row.Serial+" 已撤销，公开核验页面即时显示撤销状态")
}
