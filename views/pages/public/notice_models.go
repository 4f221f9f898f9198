package public

import (
	"strconv"

	"portal/models"
	"portal/views/components"
)

// NoticeRow is one notice as the public lists show it.
type NoticeRow struct {
	ID          int64
	Institution string
	USCC        string
	District    string
	Start, End  models.Date
	Status      string // models.Notice*
	DaysLeft    string // 还剩 N 天, 今日截止, 已期满, 已撤销
	Closing     bool   // three days or fewer left
}

// StatusLabel is the notice status in Chinese.
func (r NoticeRow) StatusLabel() string {
	switch r.Status {
	case models.NoticeActive:
		return "公示中"
	case models.NoticeEnded:
		return "公示期满"
	case models.NoticeRevoked:
		return "已撤销"
	}
	return r.Status
}

// Href is the notice's page.
func (r NoticeRow) Href() string { return "/notices/" + strconv.FormatInt(r.ID, 10) }

// NoticesPage is the public list of notices.
type NoticesPage struct {
	Query, Status string
	Rows          []NoticeRow
	Pager         components.Pager
}

// NoticeStep is one step of the acceptance summary; it names bodies, not officers.
type NoticeStep struct {
	Date  models.Date
	Step  string
	Body  string
	Event models.Event
}

// ComplaintForm is the complaint form on a notice page, with what the visitor typed.
type ComplaintForm struct {
	Action                       string
	Type, Name, Contact, Content string
	Errors                       components.FieldErrors
}

// ComplainantOptions lists the complainant types for the select.
func ComplainantOptions() []components.Option {
	opts := []components.Option{{Value: "", Label: "请选择"}}
	for _, t := range models.ComplainantTypes {
		opts = append(opts, components.Option{Value: string(t), Label: t.Label()})
	}
	return opts
}

// NoticePage is one notice with its acceptance summary and the complaint form.
type NoticePage struct {
	Notice        NoticeRow
	City          string
	Route         string
	Days          int
	Steps         []NoticeStep
	RevokedAt     models.Date
	RevokedReason string
	MirrorURL     string
	Open          bool // complaints accepted
	Form          ComplaintForm
	Document      models.Document // the formal notice text with its 文号 (documents.go)
	PDF           string          // the same as a sealed PDF
}

// ComplaintStatusPage is what the complainant sees at /complaints/{ref}; personal
// details are masked.
type ComplaintStatusPage struct {
	Ref, Institution string
	NoticeID         int64
	Type             string
	Name, Contact    string // masked
	Anonymous        bool   // no contact left: nobody tells the complainant the outcome
	Filed            models.Date
	Status           string
	PublicReason     string
	Handled          models.Date
}

// StatusLabel is the complaint status in Chinese.
func (p ComplaintStatusPage) StatusLabel() string { return models.ComplaintStatusLabel(p.Status) }

// VerifyPage is the verification form, with an error for a malformed serial.
type VerifyPage struct {
	Serial string
	Error  string
}

// VerifyResult is a verified certificate.
type VerifyResult struct {
	Serial, Name, USCC string
	IssueDate          models.Date
	Revoked            bool
	RevokedDate        models.Date
	RevokedReason      string
	Authorities        [2]string
	Fingerprint        string
}

// RegisterPage is the public filing register.
type RegisterPage struct {
	Query  string
	Status string // models.RegisterStatus: "" valid, "revoked", "all"
	Rows   []models.RegisterEntry
	Pager  components.Pager
	Export string // query string of the export links
}
