package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// DisclosureStore is what the platform's disclosure pages need of the store.
type DisclosureStore interface {
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	IsFiled(ctx context.Context, institutionID int64) (bool, error)
	InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error)
	MonthlyDue(ctx context.Context, institutionID int64, p models.Period) (models.Date, models.RuleSetID, error)
	LatestReport(ctx context.Context, institutionID int64, p models.Period) (*models.MonthlyReport, error)
	LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error)
	ReportVersions(ctx context.Context, institutionID int64, p models.Period) ([]models.MonthlyReport, error)
	SubmitMonthlyReport(ctx context.Context, a store.Actor, in store.ReportInput) (*models.MonthlyReport, error)
	CheckReport(ctx context.Context, institutionID int64, f models.MonthlyFigures) ([]models.FieldError, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	EventStore
	TokenStore
	AnnualStore
	PlatformTokenByHash(ctx context.Context, hash string, now time.Time) (*store.PlatformToken, error)
}

// Disclosure serves the platform's monthly reports after filing (seeds/003 §8): the form,
// the XLSX template and its upload, the history of versions.
type Disclosure struct {
	store     DisclosureStore
	files     files.Store
	sessions  Sessions
	now       Clock
	maxUpload int64
}

// NewDisclosure builds the platform's disclosure handlers.
func NewDisclosure(s DisclosureStore, fs files.Store, sess Sessions, now Clock, maxUpload int64) *Disclosure {
	return &Disclosure{store: s, files: fs, sessions: sess, now: now, maxUpload: maxUpload}
}

// reportHistory is how many periods the platform's page lists.
const reportHistory = 24

// filedInstitution is the platform user's institution, refused until it is filed.
func (h *Disclosure) filedInstitution(c echo.Context) (*models.Institution, error) {
	u := CurrentUser(c)
	inst, err := h.store.Institution(c.Request().Context(), u, models.IDOrZero(u.InstitutionID))
	if err != nil {
		return nil, err
	}
	ok, err := h.store.IsFiled(c.Request().Context(), inst.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNotFiled
	}
	return inst, nil
}

// errNotFiled sends a platform that is not filed to the disclosure page, which says why.
var errNotFiled = models.Errorf(models.EForbidden, "本机构尚未完成备案登记，备案登记后开始报送信息披露数据（全国指引第八条）")

// refuse answers a refusal of filedInstitution: a platform not yet filed is sent to the
// disclosure page with the reason; anything else goes to the error page.
func (h *Disclosure) refuse(c echo.Context, err error) error {
	if err == errNotFiled {
		if ferr := h.sessions.Flash(c, "error", errNotFiled.Message); ferr != nil {
			return ferr
		}
		return c.Redirect(http.StatusSeeOther, urls.PlatformDisclosure)
	}
	return err
}

// duePeriod is the month whose figures are due now: the previous one.
func (h *Disclosure) duePeriod() models.Period { return models.PeriodOf(models.DateOf(h.now())).Prev() }

// Home is the platform's disclosure page: what is due, what was reported.
func (h *Disclosure) Home(c echo.Context) error {
	return h.renderHome(c, http.StatusOK, nil)
}

func (h *Disclosure) renderHome(c echo.Context, status int, errs components.FieldErrors) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	inst, err := h.store.Institution(ctx, u, models.IDOrZero(u.InstitutionID))
	if err != nil {
		return err
	}
	page := disclosure.PlatformPage{Institution: inst.Name, Period: h.duePeriod().String(), Errors: errs}
	if page.Filed, err = h.store.IsFiled(ctx, inst.ID); err != nil || !page.Filed {
		if err != nil {
			return err
		}
		return Render(c, status, disclosure.Platform(page))
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	p := h.duePeriod()
	due, rs, err := h.store.MonthlyDue(ctx, inst.ID, p)
	if err != nil {
		return err
	}
	page.RuleSet = rs.Label()
	cur, err := h.store.LatestReport(ctx, inst.ID, p)
	if err != nil {
		return err
	}
	page.Obligations = append(page.Obligations, disclosure.Obligation{
		What: p.String() + " 月度数据（" + monthlyCitation(rs) + "）", Done: cur != nil,
		Deadline: components.MakeDeadline(cal, "报送截止", models.DeadlineNatural, &due, today),
		Href:     urls.PlatformMonthlyForm(p.String()),
	})
	reports, err := h.store.LatestReports(ctx, inst.ID, reportHistory)
	if err != nil {
		return err
	}
	for _, r := range reports {
		page.Reports = append(page.Reports, reportRow(r, urls.PlatformMonthlyVersions(r.Figures.Period.String())))
	}
	return Render(c, status, disclosure.Platform(page))
}

func reportRow(r models.MonthlyReport, href string) disclosure.ReportRow {
	return disclosure.ReportRow{Period: r.Figures.Period.String(), Version: r.Version, Source: r.Source.Label(),
		SubmittedAt: models.DateTimeCN(r.SubmittedAt), Due: models.DateOf(r.DueAt.Add(-1)).String(), Late: r.Late(), Href: href}
}

// monthlyCitation names the clause that sets the monthly due date.
func monthlyCitation(rs models.RuleSetID) string {
	if rs == models.RuleSetShanghai {
		return "上海市指引第九条：每月 10 日前"
	}
	return "全国指引第八条：每月前 5 个工作日内"
}

// NewMonthly is the form for a period (?period=), filled with its latest version when
// one exists: submitting it again is a correction.
func (h *Disclosure) NewMonthly(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	p, err := models.ParsePeriod(c.QueryParam("period"))
	if err != nil {
		p = h.duePeriod()
	}
	typed := map[string]string{"period": p.String()}
	last, err := h.store.LatestReport(c.Request().Context(), inst.ID, p)
	if err != nil {
		return err
	}
	if last != nil {
		typed = models.TypedFigures(last.Figures)
	}
	return h.renderForm(c, http.StatusOK, inst, typed, nil, "")
}

// renderForm shows the form with what was typed (or read from a template) and the errors.
func (h *Disclosure) renderForm(c echo.Context, status int, inst *models.Institution, typed map[string]string, errs components.FieldErrors, fromUpload string) error {
	ctx := c.Request().Context()
	page := disclosure.FormPage{Period: typed["period"], Note: typed["note"], Errors: errs, FromUpload: fromUpload, UploadHash: typed["upload_sha256"]}
	for _, it := range models.MonthlyItems {
		page.Fields = append(page.Fields, disclosure.FigureField{Key: it.Key, Label: it.Label, Unit: it.Unit(),
			Citation: it.Citation, Value: typed[it.Key], Text: it.Kind == models.FigureText, Optional: it.Optional})
	}
	rs, err := h.store.InstitutionRuleSet(ctx, inst.ID)
	if err != nil {
		return err
	}
	page.RuleSet = rs.Label()
	if p, err := models.ParsePeriod(typed["period"]); err == nil {
		last, err := h.store.LatestReport(ctx, inst.ID, p)
		if err != nil {
			return err
		}
		if last != nil {
			page.Correction = last.Version
		}
		if due, _, err := h.store.MonthlyDue(ctx, inst.ID, p); err == nil {
			cal, err := h.store.LoadCalendar(ctx)
			if err != nil {
				return err
			}
			page.Deadline = components.MakeDeadline(cal, p.String()+" 报送截止", models.DeadlineNatural, &due, models.DateOf(h.now()))
		}
	}
	return Render(c, status, disclosure.Form(page))
}

// typedMonthly reads the form's items as typed.
func typedMonthly(c echo.Context) map[string]string {
	typed := map[string]string{"period": c.FormValue("period"), "note": c.FormValue("note"), "upload_sha256": c.FormValue("upload_sha256")}
	for _, it := range models.MonthlyItems {
		typed[it.Key] = c.FormValue(it.Key)
	}
	return typed
}

// SubmitMonthly validates and records a version; bad input re-renders the form with
// every value as typed and each message beside its field.
func (h *Disclosure) SubmitMonthly(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	typed := typedMonthly(c)
	source := models.SourceForm
	if sum := strings.TrimSpace(typed["upload_sha256"]); sum != "" {
		if !isHexSHA256(sum) {
			typed["upload_sha256"] = ""
		} else {
			source = models.SourceXLSX
		}
	}
	m, err := submitFigures(c.Request().Context(), h.store, actor(c, h.now), inst.ID, typed, source, nil)
	if errs, ok := err.(formErrors); ok {
		from := ""
		if source == models.SourceXLSX {
			from = "Excel 模板"
		}
		return h.renderForm(c, http.StatusUnprocessableEntity, inst, typed, components.FieldErrors(errs), from)
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.PlatformDisclosure, reportFlash(m))
}

func reportFlash(m *models.MonthlyReport) string {
	msg := fmt.Sprintf("已报送 %s 月度数据（第 %d 版，%s）", m.Figures.Period, m.Version, m.Source.Label())
	if m.Late() {
		msg += "。已超过报送截止日，记为逾期报送"
	}
	return msg
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// formErrors are the messages of a refused submission, by item key ("_form" for the whole).
type formErrors map[string]string

func (e formErrors) Error() string { return "报送数据有误" }

// submitFigures is the one path of every way in (form, template, API): parse the typed
// items, then the store applies the cross-checks (with last month's figures) and writes
// the version. Input errors come back as formErrors.
func submitFigures(ctx context.Context, s interface {
	SubmitMonthlyReport(ctx context.Context, a store.Actor, in store.ReportInput) (*models.MonthlyReport, error)
}, a store.Actor, instID int64, typed map[string]string, source models.ReportSource, tokenID *int64) (*models.MonthlyReport, error) {
	f, errs := models.ParseMonthlyFigures(typed)
	note := strings.TrimSpace(typed["note"])
	if len([]rune(note)) > 500 {
		errs["note"] = "更正说明不能超过 500 个字"
	}
	if len(errs) > 0 {
		return nil, formErrors(errs)
	}
	m, err := s.SubmitMonthlyReport(ctx, a, store.ReportInput{InstitutionID: instID, Figures: f, Source: source,
		TokenID: tokenID, Note: note, UploadSHA256: typed["upload_sha256"]})
	if fes, ok := store.AsFigureErrors(err); ok {
		out := formErrors{}
		for _, fe := range fes {
			key := fe.Field
			if _, known := models.FigureItemByKey(key); !known && key != "period" {
				key = "_form"
			}
			if out[key] != "" {
				out[key] += "；"
			}
			out[key] += fe.Err.Message
		}
		return nil, out
	}
	if models.ErrorCode(err) == models.EInvalid {
		return nil, formErrors{"_form": models.ErrorMessage(err)}
	}
	return m, err
}

// Versions is the history of one period: every version side by side.
func (h *Disclosure) Versions(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	p, err := models.ParsePeriod(c.Param("period"))
	if err != nil {
		return models.Errorf(models.ENotFound, "页面不存在")
	}
	vs, err := h.store.ReportVersions(c.Request().Context(), inst.ID, p)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return models.Errorf(models.ENotFound, "%s 尚未报送", p)
	}
	page := versionsPage(inst.Name, p, vs)
	page.CorrectHref, page.BackHref = urls.PlatformMonthlyForm(p.String()), urls.PlatformDisclosure
	return Render(c, http.StatusOK, disclosure.Versions(page))
}

func versionsPage(name string, p models.Period, vs []models.MonthlyReport) disclosure.VersionsPage {
	page := disclosure.VersionsPage{Institution: name, Period: p.String(), Items: models.MonthlyItems}
	for _, v := range vs {
		ver := disclosure.Version{Number: v.Version, Source: v.Source.Label(), SubmittedAt: models.DateTimeCN(v.SubmittedAt),
			Submitter: v.SubmitterName, Note: v.Note, Late: v.Late(), Hash: v.Hash}
		if ver.Submitter == "" && v.TokenID != nil {
			ver.Submitter = "接口令牌"
		}
		for _, it := range models.MonthlyItems {
			ver.Values = append(ver.Values, it.Display(v.Figures))
		}
		page.Versions = append(page.Versions, ver)
	}
	return page
}
