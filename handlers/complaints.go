package handlers

import (
	"context"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/public"
)

// ComplaintStore is what filing and reading complaints needs of the store.
type ComplaintStore interface {
	FileComplaint(ctx context.Context, a store.Actor, noticeID int64, in models.ComplaintInput, files []store.FileRef) (*models.Complaint, error)
	ComplaintByRef(ctx context.Context, ref string) (*store.ComplaintRow, error)
}

// Complaints takes complaints from the public and shows their status.
type Complaints struct {
	store    ComplaintStore
	notices  *Notices
	files    files.Store
	limiter  *models.RateLimiter
	sessions Sessions
	now      Clock
	changed  func()
}

// NewComplaints builds the public complaint handlers; limiter caps submissions per IP.
func NewComplaints(s ComplaintStore, notices *Notices, files files.Store, limiter *models.RateLimiter, sess Sessions, now Clock, changed func()) *Complaints {
	return &Complaints{store: s, notices: notices, files: files, limiter: limiter, sessions: sess, now: now, changed: changed}
}

// complaintAction is the form's URL: a multipart form carries its CSRF token in the
// query, so the server never buffers the body to check it.
func complaintAction(c echo.Context, noticeID int64) string {
	return urls.WithCSRF(urls.NoticeComplaints(noticeID), components.CSRFToken(c.Request().Context())) + "#complaint"
}

// File is POST /notices/{id}/complaints.
func (h *Complaints) File(c echo.Context) error {
	if ok, retry := h.limiter.Allow(c.RealIP(), h.now()); !ok {
		minutes := int(math.Ceil(retry.Minutes()))
		c.Response().Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
		return Render(c, http.StatusTooManyRequests, public.RateLimited(max(minutes, 1)))
	}
	// The route refuses a declared body over models.MaxComplaintUpload before reading it
	// (web.limitBody); the attachments stream into the file store part by part.
	page, err := h.notices.page(c)
	if err != nil {
		return err
	}
	if !page.Open {
		return models.Errorf(models.EConflict, "该公示已结束或已撤销，不再受理举报")
	}
	var in models.ComplaintInput
	var refs []store.FileRef
	var fileErr string
	chosen, status := 0, http.StatusUnprocessableEntity
	err = eachPart(c, func(name, value string) error {
		value = strings.TrimSpace(value)
		switch name {
		case "type":
			in.Type = value
		case "name":
			in.Name = value
		case "contact":
			in.Contact = value
		case "content":
			in.Content = value
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "files" || fileErr != "" {
			return nil
		}
		if chosen++; chosen > models.MaxComplaintFiles {
			fileErr = fmt.Sprintf("附件最多 %d 个，请删减后重新选择", models.MaxComplaintFiles)
			return nil
		}
		ref, err := receivePart(c, h.files, part, models.MaxAttachmentBytes, models.PublicAttachmentKinds)
		if _, msg, ok := refused(err); ok {
			fileErr, status = msg, uploadStatus(err)
			return nil
		}
		refs = append(refs, ref)
		return err
	})
	if _, msg, ok := refused(err); ok {
		fileErr, status = msg, uploadStatus(err)
	} else if err != nil {
		return err // the server's storage failing: a 507 page, logged
	}
	errs := components.FieldErrors(in.Validate())
	if fileErr != "" {
		errs["files"] = fileErr
	}
	if len(errs) > 0 {
		page.Form = public.ComplaintForm{Action: page.Form.Action, Type: in.Type, Name: in.Name, Contact: in.Contact, Content: in.Content, Errors: errs}
		return Render(c, status, public.Notice(*page))
	}
	comp, err := h.store.FileComplaint(c.Request().Context(), store.Actor{IP: c.RealIP(), Now: h.now()}, page.Notice.ID, in, refs)
	if err != nil {
		return err
	}
	h.changed()
	msg := "举报已受理，受理编号 " + comp.Ref + "。请妥善保存，可凭编号在本页查询核查进度。"
	if in.Anonymous() {
		msg = "匿名举报已受理，受理编号 " + comp.Ref + "。您未留联系方式，核查结果不会另行告知，请务必记下编号，凭编号在本站「举报查询」查看进度和答复。"
	}
	return redirectWithFlash(c, h.sessions, urls.Complaint(comp.Ref), msg)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// Status is /complaints/{ref}: what the complainant sees, personal details masked.
func (h *Complaints) Status(c echo.Context) error {
	ref, _ := url.PathUnescape(c.Param("ref"))
	row, err := h.store.ComplaintByRef(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := public.ComplaintStatusPage{Ref: row.Ref, Institution: row.InstitutionName, NoticeID: row.NoticeID,
		Type: row.ComplainantType.Label(), Name: models.ComplainantNameText(models.MaskName(row.ComplainantName)),
		Contact: models.ContactText(models.MaskContact(row.Contact)), Anonymous: row.Contact == "",
		Filed: models.DateOf(row.CreatedAt), Status: row.Status, PublicReason: row.PublicReason}
	if row.HandledAt != nil {
		p.Handled = models.DateOf(*row.HandledAt)
	}
	return Render(c, http.StatusOK, public.ComplaintStatus(p))
}
