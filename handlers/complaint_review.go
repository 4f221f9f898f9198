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
	"portal/views/pages/city"
)

// ComplaintReviewStore is what verifying complaints needs of the store.
type ComplaintReviewStore interface {
	ListComplaints(ctx context.Context, u *models.User, f store.ComplaintFilter, p models.Page) ([]store.ComplaintRow, int64, error)
	Complaint(ctx context.Context, u *models.User, id int64) (*store.ComplaintRow, error)
	VerifyComplaint(ctx context.Context, a store.Actor, id int64, v models.ComplaintVerification) (*models.Complaint, error)
	FilesOf(ctx context.Context, kind string, ownerID int64) ([]store.FileRef, error)
	NoticeByID(ctx context.Context, id int64) (*store.NoticeRow, error)
	AuditRecorder
}

// ComplaintReview is the officers' side of complaints: the city verifies, the province
// follows with the complainants masked.
type ComplaintReview struct {
	store    ComplaintReviewStore
	files    files.Store
	sessions Sessions
	now      Clock
	changed  func()
}

// NewComplaintReview builds the officers' complaint handlers.
func NewComplaintReview(s ComplaintReviewStore, files files.Store, sess Sessions, now Clock, changed func()) *ComplaintReview {
	return &ComplaintReview{store: s, files: files, sessions: sess, now: now, changed: changed}
}

// personalVisible: only city officers, who handle complaints, see who complained.
func personalVisible(u *models.User) bool { return u != nil && u.Role == models.RoleCity }

func complaintRow(r store.ComplaintRow, u *models.User, today models.Date) city.ComplaintRow {
	row := city.ComplaintRow{ID: r.ID, Ref: r.Ref, Institution: r.InstitutionName, Type: r.ComplainantType.Label(),
		Name: r.ComplainantName, Contact: r.Contact, Filed: models.DateOf(r.CreatedAt), Status: r.Status, NoticeEnd: r.NoticeEnd,
		Overdue: r.Status == models.ComplaintPending && today.After(r.NoticeEnd)}
	if !personalVisible(u) {
		row.Name, row.Contact = models.MaskName(row.Name), models.MaskContact(row.Contact)
	}
	row.Name, row.Contact = models.ComplainantNameText(row.Name), models.ContactText(row.Contact)
	return row
}

// List shows the complaints in the jurisdiction, pending first.
func (h *ComplaintReview) List(c echo.Context) error {
	u := CurrentUser(c)
	f := complaintFilter(c)
	p := pageFrom(c)
	rows, total, err := h.store.ListComplaints(c.Request().Context(), u, f, p)
	if err != nil {
		return err
	}
	page := city.ComplaintsPage{Title: "公示期间举报", Query: f.Query, Status: f.Status, Pager: pager(c, p, total),
		Masked: !personalVisible(u), CanOpen: personalVisible(u), Export: exportOf(c, c.Path())}
	today := models.DateOf(h.now())
	for _, r := range rows {
		page.Rows = append(page.Rows, complaintRow(r, u, today))
	}
	return Render(c, http.StatusOK, city.Complaints(page))
}

// Show is one complaint with its attachments and the verification form.
func (h *ComplaintReview) Show(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, city.Complaint(*page))
}

func (h *ComplaintReview) page(c echo.Context) (*city.ComplaintPage, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	r, err := h.store.Complaint(ctx, u, id)
	if err != nil {
		return nil, err
	}
	n, err := h.store.NoticeByID(ctx, r.NoticeID)
	if err != nil {
		return nil, err
	}
	files, err := h.store.FilesOf(ctx, store.FilesComplaint, r.ID)
	if err != nil {
		return nil, err
	}
	p := &city.ComplaintPage{Row: complaintRow(*r, u, models.DateOf(h.now())), Content: r.Content, NoticeID: r.NoticeID,
		NoticeStatus: n.Status, MirrorURL: n.MirrorURL, Finding: r.Finding, PublicReason: r.PublicReason, Handler: r.HandlerName,
		Errors: components.FieldErrors{}}
	if r.HandledAt != nil {
		p.Handled = models.DateOf(*r.HandledAt)
	}
	for _, f := range files {
		p.Files = append(p.Files, city.File{Name: f.Name, Size: f.Size, Href: urls.CityComplaintFile(r.ID, f.ID)})
	}
	return p, nil
}

// verifyForm is the city's verification of a complaint: the outcome, the finding and
// the reply shown to the public; models.ComplaintVerification checks the texts.
type verifyForm struct {
	Outcome      string `form:"outcome"`
	Finding      string `form:"finding"`
	PublicReason string `form:"public_reason"`
}

// Verify records the verification: upheld revokes the pass and restarts acceptance.
func (h *ComplaintReview) Verify(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	var f verifyForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	page.Outcome, page.FormFinding, page.FormReason = f.Outcome, f.Finding, f.PublicReason
	v := models.ComplaintVerification{Upheld: page.Outcome == models.ComplaintUpheld, Finding: page.FormFinding, PublicReason: page.FormReason}
	page.Errors = components.FieldErrors(v.Validate())
	if page.Outcome != models.ComplaintUpheld && page.Outcome != models.ComplaintNotUpheld {
		page.Errors["outcome"] = "请选择核查结论"
	}
	if page.Errors.Any() {
		return Render(c, http.StatusUnprocessableEntity, city.Complaint(*page))
	}
	if _, err := h.store.VerifyComplaint(c.Request().Context(), actor(c, h.now), page.Row.ID, v); err != nil {
		return err
	}
	h.changed()
	msg := "已记录核查结论：举报不属实，公示继续；公开答复已显示在举报查询页面"
	if v.Upheld {
		msg = "举报属实：已撤销初验合格意见，公示已撤销，申请退回重新验收，并已通知机构"
	}
	return redirectWithFlash(c, h.sessions, page.Row.Href(), msg)
}

// File downloads an attachment of a complaint in the city officer's jurisdiction.
func (h *ComplaintReview) File(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	fid, err := idParam(c, "file")
	if err != nil {
		return err
	}
	files, err := h.store.FilesOf(c.Request().Context(), store.FilesComplaint, page.Row.ID)
	if err != nil {
		return err
	}
	return sendAttachment(c, h.files, files, fid)
}
