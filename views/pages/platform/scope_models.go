package platform

import (
	"portal/models"
	"portal/views/components"
)

// MirrorRow is one of the platform's notices with where it mirrored it.
type MirrorRow struct {
	ID         int64
	Start, End models.Date
	Status     string
	StatusText string
	MirrorURL  string
	Active     bool
}

// MirrorPage lists the platform's notices with the mirror form.
type MirrorPage struct {
	Institution string
	Rows        []MirrorRow
	FormID      int64
	URL         string
	Errors      components.FieldErrors
}

// ScopePage is the platform's certificate and business-scope change.
type ScopePage struct {
	HasCertificate bool
	CertificateID  int64
	Serial         string
	IssueDate      models.Date
	CertRevoked    bool
	State          models.State
	Version        int
	Deadline       models.Date
	DeadlineText   string
	Overdue        bool
	ChangeDate     models.Date
	Late           bool
	FilingNumber   string
	FilingDate     models.Date
	Action         string // multipart form URL with the CSRF token
	Date           string
	Errors         components.FieldErrors
}
