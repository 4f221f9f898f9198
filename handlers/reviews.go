package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/shared"
)

// ReviewStore is what the application page and the review decisions need of the store.
type ReviewStore interface {
	ApplicationRow(ctx context.Context, u *models.User, id int64) (*store.QueueRow, error)
	Timeline(ctx context.Context, appID int64) ([]store.TimelineEntry, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	Clocks(ctx context.Context, appID int64) ([]models.Clock, error)
	ClockHistory(ctx context.Context, appID int64) ([]store.ClockHistoryRow, error)
	CampaignEndFor(ctx context.Context, u *models.User) (models.Date, error)
	OnsiteCheck(ctx context.Context, appID int64) (*models.OnsiteCheck, error)
	ReviewFiles(ctx context.Context, appID int64, kind string) ([]store.ReviewFile, error)
	ReviewOpinions(ctx context.Context, appID int64) ([]store.ReviewOpinion, error)
	LatestFailureNotice(ctx context.Context, appID int64) (*store.FailureNotice, error)
	ObjectionTo(ctx context.Context, noticeID int64) (*store.Objection, error)
	ExitRecords(ctx context.Context, appID int64) ([]models.ExitRecord, error)
	DistrictOfficers(ctx context.Context, districtID int64) ([]models.User, error)
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	Checklist(ctx context.Context, u *models.User, appID int64) (*store.ApplicationView, error)
	ApplicationRoundChanges(ctx context.Context, u *models.User, appID int64) (*store.RoundChanges, error)
	CaseMaterials(ctx context.Context, u *models.User, appID int64, round bool) (*store.ApplicationView, *store.RoundChanges, error)
	TimelineBefore(ctx context.Context, appID, before int64, limit int) (*store.TimelinePage, error)
	AllReviewFiles(ctx context.Context, appID int64) ([]store.ReviewFile, error)
	ReviewFileFor(ctx context.Context, u *models.User, appID, fileID int64) (*store.ReviewFile, error)
	ReviewMaterialInDistrictReview(ctx context.Context, a store.Actor, appID, materialID int64, state, comment string) error

	Claim(ctx context.Context, a store.Actor, appID int64) error
	Assign(ctx context.Context, a store.Actor, appID, officerID int64) error
	Act(ctx context.Context, a store.Actor, appID int64, ev models.Event, opinion string, version int) (*models.Application, error)
	DistrictPass(ctx context.Context, a store.Actor, appID int64, opinion string, override bool, reason string, version int) (*models.Application, error)
	ReturnForCorrection(ctx context.Context, a store.Actor, appID int64, opinion string, days, version int) (*models.Application, error)
	Fail(ctx context.Context, a store.Actor, appID int64, problems []string, remarks string, version int) (*models.Application, error)
	Object(ctx context.Context, a store.Actor, appID int64, reasons string, evidence []store.FileRef, version int) (*models.Application, error)
	ResolveObjection(ctx context.Context, a store.Actor, appID int64, ev models.Event, opinion string, version int) (*models.Application, error)
	RecordExit(ctx context.Context, a store.Actor, appID int64, e models.ExitClass, c models.InstitutionClass, note string) error
	ReviewOpinion(ctx context.Context, u *models.User, appID, id int64) (*store.ReviewOpinion, error)
}

// Reviews serves the application page and every review decision on it.
type Reviews struct {
	store    ReviewStore
	files    files.Store
	sessions Sessions
	now      Clock
	keys     Keys // signs the opinion PDFs (signing.go)
}

// NewReviews builds the review handlers; evidence files go to fs.
func NewReviews(s ReviewStore, fs files.Store, sess Sessions, now Clock) *Reviews {
	return &Reviews{store: s, files: fs, sessions: sess, now: now}
}

// Show is the application page; outside the jurisdiction it is 404.
func (h *Reviews) Show(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, id, shared.Form{}, "")
}

// render builds and writes the page, with a form's input and errors or a refusal.
func (h *Reviews) render(c echo.Context, status int, id int64, form shared.Form, refusal string) error {
	p, err := h.page(c, id)
	if err != nil {
		return err
	}
	p.Form, p.Refusal = form, refusal
	return Render(c, status, shared.Application(*p))
}

// decided ends a decision: on success a redirect with a flash; a refusal of the input
// re-renders the page at 422 with the message beside the form's main field; a conflict
// (someone acted first, or the form was sent twice) or a forbidden step re-renders it
// with the reason at the top.
func (h *Reviews) decided(c echo.Context, d decision) error {
	if d.Err == nil {
		return redirectWithFlash(c, h.sessions, urls.Application(d.ID), d.Success)
	}
	switch status := Status(d.Err); status {
	case http.StatusUnprocessableEntity:
		field := d.Field
		if f, ok := models.ErrorField(d.Err); ok {
			field = f
		}
		return h.render(c, status, d.ID,
			shared.Form{Name: d.Form, Values: d.Values, Errs: components.FieldErrors{field: models.ErrorMessage(d.Err)}}, "")
	case http.StatusConflict, http.StatusForbidden:
		// what was typed is kept: the page shows it beside the reason, to copy or send again
		return h.render(c, status, d.ID, shared.Form{Name: d.Form, Values: d.Values}, models.ErrorMessage(d.Err))
	}
	return d.Err
}

// decision is how a decision ended, for decided: the application, the form that was sent
// with what was typed and the field a refusal of the input belongs to, the store's answer,
// and the flash message on success.
type decision struct {
	ID          int64
	Form, Field string
	Values      map[string]string
	Err         error
	Success     string
}

// version reads the version the form was rendered at; 0 (missing) skips the check, which
// only the workflow's own refusals then guard.
func version(c echo.Context) int {
	v, _ := strconv.Atoi(c.FormValue("version"))
	return v
}

// Claim takes the application for the acting district officer.
func (h *Reviews) Claim(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return h.decided(c, decision{ID: id, Err: h.store.Claim(c.Request().Context(), actor(c, h.now), id), Success: "已认领本件，请登记现场核查并作出审核决定"})
}

// Assign gives the application to another officer of the district.
func (h *Reviews) Assign(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	officer, _ := strconv.ParseInt(c.FormValue("officer_id"), 10, 64)
	return h.decided(c, decision{ID: id, Err: h.store.Assign(c.Request().Context(), actor(c, h.now), id, officer), Success: "已分配经办人"})
}

// Pass is the district's, city's or province's pass with its written opinion.
func (h *Reviews) Pass(success string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		opinion := strings.TrimSpace(c.FormValue("pass_opinion"))
		values := map[string]string{"pass_opinion": opinion}
		if u := CurrentUser(c); u.Role == models.RoleDistrict {
			override, reason := c.FormValue("pass_override") == "1", strings.TrimSpace(c.FormValue("pass_override_reason"))
			values["pass_override_reason"] = reason
			if override {
				values["pass_override"] = "1"
			}
			_, err = h.store.DistrictPass(c.Request().Context(), actor(c, h.now), id, opinion, override, reason, version(c))
		} else {
			_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventPass, opinion, version(c))
		}
		return h.decided(c, decision{ID: id, Form: "pass", Field: "pass_opinion", Values: values, Err: err, Success: success})
	}
}

// Return sends the application back for correction with a period in working days.
func (h *Reviews) Return(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	opinion := strings.TrimSpace(c.FormValue("return_opinion"))
	values := map[string]string{"return_opinion": opinion, "return_days": c.FormValue("return_days")}
	days, convErr := strconv.Atoi(strings.TrimSpace(c.FormValue("return_days")))
	if convErr != nil || models.ValidateCorrectionDays(days) != nil {
		return h.render(c, http.StatusUnprocessableEntity, id, shared.Form{Name: "return", Values: values,
			Errs: components.FieldErrors{"return_days": models.ErrorMessage(models.ValidateCorrectionDays(0))}}, "")
	}
	if opinion == "" {
		return h.render(c, http.StatusUnprocessableEntity, id, shared.Form{Name: "return", Values: values,
			Errs: components.FieldErrors{"return_opinion": "退回补正须写明需要补正的问题和材料"}}, "")
	}
	_, err = h.store.ReturnForCorrection(c.Request().Context(), actor(c, h.now), id, opinion, days, version(c))
	// a deadline that reaches a year without calendar data is refused beside the period
	return h.decided(c, decision{ID: id, Form: "return", Field: "return_days", Values: values, Err: err, Success: "已退回机构补正"})
}

// Fail decides the application did not pass and issues the failure notice.
func (h *Reviews) Fail(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	values := map[string]string{"fail_problems": c.FormValue("fail_problems"), "fail_remarks": c.FormValue("fail_remarks")}
	_, err = h.store.Fail(c.Request().Context(), actor(c, h.now), id, models.ParseProblems(values["fail_problems"]),
		strings.TrimSpace(values["fail_remarks"]), version(c))
	return h.decided(c, decision{ID: id, Form: "fail", Field: "fail_problems", Values: values, Err: err, Success: "已作出不合格结论并告知机构，异议期限已开始计算"})
}

// ReviewMaterial accepts a material, or returns it with a comment the platform sees.
func (h *Reviews) ReviewMaterial(state string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		mid, err := idParam(c, "mid")
		if err != nil {
			return err
		}
		comment := strings.TrimSpace(c.FormValue("comment"))
		err = h.store.ReviewMaterialInDistrictReview(c.Request().Context(), actor(c, h.now), id, mid, state, comment)
		if models.ErrorCode(err) == models.EInvalid {
			return h.render(c, http.StatusUnprocessableEntity, id, shared.Form{Name: "material-" + c.FormValue("code"),
				Values: map[string]string{"comment": comment}, Errs: components.FieldErrors{"comment": models.ErrorMessage(err)}}, "")
		}
		msg := "材料已审核通过"
		if state == models.ReviewReturned {
			msg = "材料已退回，退回补正时将一并告知机构"
		}
		return h.decided(c, decision{ID: id, Err: err, Success: msg})
	}
}

func fileText(f *models.MaterialFile) string {
	if f == nil {
		return "（无）"
	}
	return fmt.Sprintf("第 %d 版 %s（SHA-256 %s…）", f.Version, f.Filename, f.SHA256[:12])
}

// Disagree is the city's disagreement with the district's result: back to the district
// with the reasons, which the district sees on the application page.
func (h *Reviews) Disagree(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	reasons := strings.TrimSpace(c.FormValue("disagree_reasons"))
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventDisagree, reasons, version(c))
	return h.decided(c, decision{ID: id, Form: "disagree", Field: "disagree_reasons", Values: map[string]string{"disagree_reasons": reasons}, Err: err, Success: "已退回区级重新审核，区金融工作部门将看到不同意的原因"})
}

// Confirm is the leadership group's confirmation (专责小组审定). The workflow refuses the
// officer who did the preliminary acceptance (four-eyes); the page then says why.
func (h *Reviews) Confirm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	opinion := strings.TrimSpace(c.FormValue("confirm_opinion"))
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventConfirm, opinion, version(c))
	return h.decided(c, decision{ID: id, Form: "confirm", Field: "confirm_opinion", Values: map[string]string{"confirm_opinion": opinion}, Err: err, Success: "专责小组审定通过，公示已开始"})
}
