// Package province holds the province officers' pages of the public side: sign-off,
// certificates and filing registration. The certificate pages serve every role that may
// see a certificate.
package province

import (
	"net/url"

	"portal/models"
	"portal/urls"
	"portal/views/components"
)

// SignoffRow is an application whose notice ended, waiting for sign-off.
type SignoffRow struct {
	ApplicationID          int64
	Version                int
	Institution, USCC      string
	District               string
	Large                  bool
	NoticeStart, NoticeEnd models.Date
	Waiting                string // since when
}

// SignoffPage is the sign-off queue.
type SignoffPage struct {
	Rows   []SignoffRow
	Pager  components.Pager
	Export string // the XLSX export link
}

// CertificateRow is one certificate in a list.
type CertificateRow struct {
	ID          int64
	Serial      string
	Institution string
	USCC        string
	District    string
	IssueDate   models.Date
	Revoked     bool
	State       string
}

// Href is the certificate's page.
func (r CertificateRow) Href() string { return urls.Certificate(r.ID) }

// CertificatesPage lists certificates.
type CertificatesPage struct {
	Query  string
	Rows   []CertificateRow
	Pager  components.Pager
	Export string // the XLSX export link, with the search
}

// CertificatePage is one certificate; CanRevoke shows the revoke form.
type CertificatePage struct {
	Row           CertificateRow
	Authorities   [2]string
	Fingerprint   string
	VerifyURL     string
	RevokedDate   models.Date
	RevokedReason string
	Verifications int64
	CanRevoke     bool
	Reason        string
	Errors        components.FieldErrors
}

// FilingRow is a certified application on its way to the register.
type FilingRow struct {
	ApplicationID     int64
	Version           int
	Institution, USCC string
	District          string
	Serial            string
	CertificateID     int64
	IssueDate         models.Date
	State             models.State
	Deadline          string // scope change: days left or overdue
	Overdue           bool
	ChangeDate        models.Date
	Late              bool
	FilingNumber      string
	FilingDate        models.Date
	Evidence          []Link // scope-change evidence
}

// Link is a labelled link, e.g. an evidence file.
type Link struct{ Label, Href string }

// FilingPage is the province's filing queue with the form for one row.
type FilingPage struct {
	State  string
	Rows   []FilingRow
	Pager  components.Pager
	Export string // the XLSX export link, with the state filter
	FormID int64  // the row whose form shows errors
	Number string
	Date   string
	Errors components.FieldErrors
}

// VerifyURLText is the verification address as a person reads it: the serial's Chinese
// province abbreviation decoded (粤-2026-000001, not %E7%B2%A4-2026-000001); the link
// itself stays percent-encoded.
func (p CertificatePage) VerifyURLText() string {
	if s, err := url.PathUnescape(p.VerifyURL); err == nil {
		return s
	}
	return p.VerifyURL
}
