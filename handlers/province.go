package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/pages/province"
	"portal/views/pages/shared"
)

var noticeStatusLabels = map[string]string{
	models.NoticeActive: "公示中", models.NoticeEnded: "公示期满，无经核查属实的举报", models.NoticeRevoked: "已撤销",
}

// SignoffForm is the province's sign-off step after a completed notice.
func (h *Reviews) SignoffForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.renderSignoff(c, http.StatusOK, id, shared.Form{}, "")
}

func (h *Reviews) renderSignoff(c echo.Context, status int, id int64, form shared.Form, refusal string) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	row, err := h.store.ApplicationRow(ctx, u, id)
	if err != nil {
		return err
	}
	if row.State != models.StateSignoff && refusal == "" {
		return redirectWithFlash(c, h.sessions, "/applications/"+strconv.FormatInt(id, 10), "本件当前不在省级审定环节")
	}
	n, err := h.store.SignoffNotice(ctx, id)
	if err != nil {
		return err
	}
	entries, err := h.store.Timeline(ctx, id)
	if err != nil {
		return err
	}
	p := province.SignoffPage{App: header(row), Form: form, Refusal: refusal}
	if n != nil {
		p.NoticeStart, p.NoticeEnd, p.NoticeDays, p.NoticeStatus = n.StartDate.String(), n.EndDate.String(), n.Days, noticeStatusLabels[n.Status]
	}
	for i := len(entries) - 1; i >= 0; i-- { // the last step done by an officer
		if e := entries[i]; e.ActorID != nil && e.Role != string(models.RolePlatform) {
			p.PrevOfficer, p.SelfRefused = e.ActorDisplay, *e.ActorID == u.ID
			break
		}
	}
	return Render(c, status, province.Signoff(p))
}

// Signoff records the province's sign-off; the certificate is issued from the
// certified application by the certificate pages.
func (h *Reviews) Signoff(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	opinion := strings.TrimSpace(c.FormValue("signoff_opinion"))
	_, err = h.store.Signoff(c.Request().Context(), actor(c, h.now), id, opinion, version(c))
	form := shared.Form{Name: "signoff", Values: map[string]string{"signoff_opinion": opinion}}
	switch models.ErrorCode(err) {
	case "":
		return redirectWithFlash(c, h.sessions, "/applications/"+strconv.FormatInt(id, 10), "省级审定通过，可出具整改验收合格证明文件")
	case models.EForbidden:
		return h.renderSignoff(c, http.StatusForbidden, id, form, models.ErrorMessage(err))
	case models.EConflict:
		return h.renderSignoff(c, http.StatusConflict, id, form, models.ErrorMessage(err))
	case models.EInvalid:
		return h.renderSignoff(c, http.StatusUnprocessableEntity, id, form, models.ErrorMessage(err))
	}
	return err
}
