// Package city holds the city officers' pages of the public side: complaint verification.
package city

import (
	"portal/models"
	"portal/urls"
	"portal/views/components"
)

// ComplaintRow is one complaint in the officers' list. Name and Contact are masked
// unless the viewer is a city officer handling complaints.
type ComplaintRow struct {
	ID            int64
	Ref           string
	Institution   string
	Type          string
	Name, Contact string
	Filed         models.Date
	Status        string
	NoticeEnd     models.Date
	Overdue       bool // still pending after the notice's last day
}

// StatusLabel is the complaint status in Chinese.
func (r ComplaintRow) StatusLabel() string { return models.ComplaintStatusLabel(r.Status) }

// Href is the complaint's page for city officers.
func (r ComplaintRow) Href() string { return urls.CityComplaint(r.ID) }

// ComplaintsPage lists complaints in the jurisdiction.
type ComplaintsPage struct {
	Title   string
	Query   string
	Status  string
	Rows    []ComplaintRow
	Pager   components.Pager
	Masked  bool
	CanOpen bool
	Export  string // the XLSX export link, with the filters
}

// File is an attachment with its download link.
type File struct {
	Name, Href string
	Size       int64
}

// ComplaintPage is one complaint with the verification form.
type ComplaintPage struct {
	Row          ComplaintRow
	Content      string
	NoticeID     int64
	NoticeStatus string
	MirrorURL    string
	Files        []File
	Finding      string
	PublicReason string
	Handler      string
	Handled      models.Date
	Outcome      string // the form's choice: "upheld" or "not_upheld"
	FormFinding  string
	FormReason   string
	Errors       components.FieldErrors
}
