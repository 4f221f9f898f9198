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

// Versioned is the version a decision form was rendered at, embedded in each form
// (exported: the binder sets only exported fields, embedded ones too).
type Versioned struct {
	Version string `form:"version"`
}

// version is the version as a number; 0 (missing or not a number) skips the check, which
// only the workflow's own refusals then guard.
func (v Versioned) version() int {
	n, err := strconv.Atoi(v.Version)
	if err != nil {
		return 0
	}
	return max(n, 0)
}

// opinionForm is a decision with one text: the opinion, reasons or finding in the field
// named Field (pass_opinion, disagree_reasons, uphold_opinion …).
type opinionForm struct {
	Versioned
	Field, Text string
}

func newOpinionForm(c echo.Context, field string) (opinionForm, error) {
	f := opinionForm{Field: field}
	if err := bindForm(c, &f.Versioned); err != nil {
		return f, err
	}
	f.Text = strings.TrimSpace(c.Request().Form.Get(field)) // named at run time: read beside the binder
	return f, nil
}

func (f opinionForm) values() map[string]string { return map[string]string{f.Field: f.Text} }

// passForm is a pass with its written opinion; the district's may pass although
// materials are pending, with a reason kept in the record.
type passForm struct {
	Versioned
	Opinion        string `form:"pass_opinion"`
	Override       string `form:"pass_override"`
	OverrideReason string `form:"pass_override_reason"`
}

func (f passForm) override() bool { return f.Override == "1" }

func (f passForm) values(district bool) map[string]string {
	v := map[string]string{"pass_opinion": f.Opinion}
	if district {
		v["pass_override_reason"] = f.OverrideReason
		if f.override() {
			v["pass_override"] = "1"
		}
	}
	return v
}

// returnForm sends the application back with what to correct and a period.
type returnForm struct {
	Versioned
	Opinion string `form:"return_opinion"`
	Days    string `form:"return_days"`
}

// validate checks the period and the opinion with the rules of models, and returns the
// period in working days.
func (f returnForm) validate() (int, components.FieldErrors) {
	errs := components.FieldErrors{}
	days, err := models.ParseCorrectionDays(f.Days)
	if err != nil {
		errs["return_days"] = models.ErrorMessage(err)
	}
	if err := models.RequireOpinion(models.EventReturn, f.Opinion); err != nil {
		errs["return_opinion"] = models.ErrorMessage(err)
	}
	return days, errs
}

func (f returnForm) values() map[string]string {
	return map[string]string{"return_opinion": f.Opinion, "return_days": f.Days}
}

// failForm lists the problems of a failure notice, one a line, and other remarks.
type failForm struct {
	Versioned
	Problems string `form:"fail_problems"`
	Remarks  string `form:"fail_remarks"`
}

func (f failForm) values() map[string]string {
	return map[string]string{"fail_problems": f.Problems, "fail_remarks": f.Remarks}
}

// materialForm is an officer's verdict on one material: a comment (required to return
// it), and the material's code, which names the form on the page.
type materialForm struct {
	Comment string `form:"comment"`
	Code    string `form:"code"`
}

// assignForm names the officer an application is given to.
type assignForm struct {
	Officer string `form:"officer_id"`
}

// officer is the chosen officer's id; 0 when none (or nonsense) was sent, which the store
// refuses as no officer of the district.
func (f assignForm) officer() int64 {
	n, err := strconv.ParseInt(f.Officer, 10, 64)
	if err != nil {
		return 0
	}
	return max(n, 0)
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
	var f assignForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	return h.decided(c, decision{ID: id, Err: h.store.Assign(c.Request().Context(), actor(c, h.now), id, f.officer()), Success: "已分配经办人"})
}

// Pass is the district's, city's or province's pass with its written opinion.
func (h *Reviews) Pass(success string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		var f passForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		district := CurrentUser(c).Role == models.RoleDistrict
		if district {
			_, err = h.store.DistrictPass(c.Request().Context(), actor(c, h.now), id, f.Opinion, f.override(), f.OverrideReason, f.version())
		} else {
			_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventPass, f.Opinion, f.version())
		}
		return h.decided(c, decision{ID: id, Form: "pass", Field: "pass_opinion", Values: f.values(district), Err: err, Success: success})
	}
}

// Return sends the application back for correction with a period in working days.
func (h *Reviews) Return(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f returnForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	days, errs := f.validate()
	if errs.Any() {
		return h.render(c, http.StatusUnprocessableEntity, id, shared.Form{Name: "return", Values: f.values(), Errs: errs}, "")
	}
	_, err = h.store.ReturnForCorrection(c.Request().Context(), actor(c, h.now), id, f.Opinion, days, f.version())
	// a deadline that reaches a year without calendar data is refused beside the period
	return h.decided(c, decision{ID: id, Form: "return", Field: "return_days", Values: f.values(), Err: err, Success: "已退回机构补正"})
}

// Fail decides the application did not pass and issues the failure notice.
func (h *Reviews) Fail(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f failForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	_, err = h.store.Fail(c.Request().Context(), actor(c, h.now), id, models.ParseProblems(f.Problems),
		f.Remarks, f.version())
	return h.decided(c, decision{ID: id, Form: "fail", Field: "fail_problems", Values: f.values(), Err: err, Success: "已作出不合格结论并告知机构，异议期限已开始计算"})
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
		var f materialForm
		if err := bindForm(c, &f); err != nil {
			return err
		}
		err = h.store.ReviewMaterialInDistrictReview(c.Request().Context(), actor(c, h.now), id, mid, state, f.Comment)
		if status, msg, ok := refused(err); ok {
			return h.render(c, status, id, shared.Form{Name: "material-" + f.Code,
				Values: map[string]string{"comment": f.Comment}, Errs: components.FieldErrors{"comment": msg}}, "")
		}
		msg := "材料已审核通过"
		if state == models.ReviewReturned {
			msg = "材料已退回，退回补正时将一并告知机构"
		}
		return h.decided(c, decision{ID: id, Err: err, Success: msg})
	}
}

// addMaterials adds the checklist with each material's verdict and, for the district's
// review of a resubmission, what changed since the previous submission.
func (h *Reviews) addMaterials(c echo.Context, p *shared.ApplicationPage, row *store.QueueRow) error {
	ctx := c.Request().Context()
	v, err := h.store.Checklist(ctx, CurrentUser(c), row.ID)
	if err != nil {
		return err
	}
	for _, it := range v.Items {
		m := shared.MaterialRow{ID: it.Material.ID, Code: it.Material.Code, Name: it.Material.Name, Required: it.Material.Required,
			State: it.State}
		if it.State == models.MaterialReturned || it.State == models.MaterialAccepted {
			m.Comment, m.Reviewer = it.Review.ReviewComment, it.Review.ReviewerName
		}
		for _, s := range it.Slots {
			if f := s.Current(); f != nil {
				label := s.Label
				if len(it.Slots) == 1 {
					label = ""
				}
				m.Files = append(m.Files, shared.MaterialLink{Label: label, Filename: f.Filename, Version: f.Version,
					URL: urls.File(f.ID)})
			}
		}
		p.Materials = append(p.Materials, m)
	}
	p.ReviewMats = p.Role == models.RoleDistrict && row.State == models.StateDistrictReview && p.IsAssignee
	if p.ReviewMats {
		p.PendingMaterials = models.PendingText(models.PendingRequired(v.Items))
	}
	if p.Role != models.RoleDistrict || row.State != models.StateDistrictReview {
		return nil
	}
	r, err := h.store.ApplicationRoundChanges(ctx, CurrentUser(c), row.ID)
	if err != nil || r == nil {
		return err
	}
	p.Round = &shared.Round{Prev: models.DateTimeCN(r.Prev), Last: models.DateTimeCN(r.Last), Fields: r.Fields}
	for _, m := range r.Materials {
		name := m.Material
		if m.Slot != "" {
			name += "（" + m.Slot + "）"
		}
		p.Round.Materials = append(p.Round.Materials, shared.RoundMaterial{Material: name, Old: fileText(m.Old), New: fileText(m.New)})
	}
	return nil
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
	f, err := newOpinionForm(c, "disagree_reasons")
	if err != nil {
		return err
	}
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventDisagree, f.Text, f.version())
	return h.decided(c, decision{ID: id, Form: "disagree", Field: f.Field, Values: f.values(), Err: err, Success: "已退回区级重新审核，区金融工作部门将看到不同意的原因"})
}

// Confirm is the leadership group's confirmation (专责小组审定). The workflow refuses the
// officer who did the preliminary acceptance (four-eyes); the page then says why.
func (h *Reviews) Confirm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, err := newOpinionForm(c, "confirm_opinion")
	if err != nil {
		return err
	}
	_, err = h.store.Act(c.Request().Context(), actor(c, h.now), id, models.EventConfirm, f.Text, f.version())
	return h.decided(c, decision{ID: id, Form: "confirm", Field: f.Field, Values: f.values(), Err: err, Success: "专责小组审定通过，公示已开始"})
}
