package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// FilingNoticeStore is what the notice-date setting needs.
type FilingNoticeStore interface {
	FilingNoticeDate(ctx context.Context, provinceID int64) (models.Date, error)
	FilingNoticeHistory(ctx context.Context, provinceID int64) ([]store.FilingNoticeRow, error)
	SetFilingNoticeDate(ctx context.Context, a store.Actor, notice models.Date, reason string) error
}

// filingNoticeForm is the form of /disclosure/filing-notice.
type filingNoticeForm struct {
	NoticeDate string // notice_date
	Reason     string // reason
}

// FilingNotice is /disclosure/filing-notice: the province sets the date of the notice
// (通知印发之日) from which the periods of seeds/001 二 run, and sees every past setting.
func (h *DisclosureMonitor) FilingNotice(c echo.Context) error {
	return h.renderFilingNotice(c, http.StatusOK, filingNoticeForm{}, nil)
}

func (h *DisclosureMonitor) renderFilingNotice(c echo.Context, status int, in filingNoticeForm, errs components.FieldErrors) error {
	u := CurrentUser(c)
	if u.Role != models.RoleProvince {
		return models.Errorf(models.EForbidden, "只有省级金融工作部门可以设定备案试点通知印发日期")
	}
	ctx := c.Request().Context()
	d, err := h.store.Division(ctx, models.IDOrZero(u.DivisionID))
	if err != nil {
		return err
	}
	cur, err := h.store.FilingNoticeDate(ctx, d.ID)
	if err != nil {
		return err
	}
	hist, err := h.store.FilingNoticeHistory(ctx, d.ID)
	if err != nil {
		return err
	}
	page := disclosure.FilingNoticePage{Province: d.Name, Input: disclosure.FilingNoticeInput{NoticeDate: in.NoticeDate, Reason: in.Reason}, Errors: errs}
	if !cur.IsZero() {
		page.Current = cur.String()
		for _, r := range models.FilingRemedyDeadlines(cur) {
			classes := "单一省级区域经营、全国经营"
			if !r.Binds(models.ClassNational) {
				classes = "单一省级区域经营"
			}
			page.Periods = append(page.Periods, disclosure.NoticePeriod{Name: r.Name, Length: strconv.Itoa(r.Months) + " 个月",
				Due: r.Due.String(), Classes: classes, Clause: r.Clause})
		}
	}
	for _, r := range hist {
		page.History = append(page.History, disclosure.FilingNoticeHistoryRow{NoticeDate: r.NoticeDate.String(), Reason: r.Reason,
			SetBy: r.SetByName, SetAt: models.DateTimeCN(r.SetAt)})
	}
	return Render(c, status, disclosure.FilingNotice(page))
}

// SetFilingNotice saves the date; bad input comes back with the typed values.
func (h *DisclosureMonitor) SetFilingNotice(c echo.Context) error {
	in := filingNoticeForm{NoticeDate: strings.TrimSpace(c.FormValue("notice_date")), Reason: strings.TrimSpace(c.FormValue("reason"))}
	notice, err := models.ParseRequiredDate(in.NoticeDate, "通知印发日期")
	if err == nil {
		err = h.store.SetFilingNoticeDate(c.Request().Context(), actor(c, h.now), notice, in.Reason)
	}
	if models.ErrorCode(err) == models.EInvalid {
		field, ok := models.ErrorField(err)
		if !ok {
			field = "notice_date"
		}
		return h.renderFilingNotice(c, http.StatusUnprocessableEntity, in, components.FieldErrors{field: models.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.FilingNoticeSetting, "已设定通知印发日期 "+notice.String()+"，各项补足期限自该日起算")
}
