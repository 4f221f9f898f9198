package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// MonitorStore is what the officers' disclosure list needs of the store.
type MonitorStore interface {
	DisclosureMonitor(ctx context.Context, u *models.User, f store.MonitorFilter, p models.Page) ([]store.MonitorRow, int64, error)
	EachMonitorRow(ctx context.Context, u *models.User, f store.MonitorFilter, fn func(store.MonitorRow) error) error
	DisclosureJudgedAt(ctx context.Context) (*time.Time, error)
	Divisions(ctx context.Context) ([]models.Division, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	AuditRecorder
	EventStore
	SuperviseStore
	RuleSettingStore
	FilingNoticeStore
}

// DisclosureMonitor serves the district, city and province officers' list of the filed
// institutions of their jurisdiction (issue 11): who is late, who is missing a month, open
// 48-hour events, indicators out of range.
type DisclosureMonitor struct {
	store    MonitorStore
	sessions Sessions
	now      Clock
}

// NewDisclosureMonitor builds the list handlers.
func NewDisclosureMonitor(s MonitorStore, sess Sessions, now Clock) *DisclosureMonitor {
	return &DisclosureMonitor{store: s, sessions: sess, now: now}
}

var monitorStatuses = []components.Option{
	{Value: "", Label: "全部报送状态"},
	{Value: string(models.ReportOverdue), Label: models.ReportOverdue.Label()},
	{Value: string(models.ReportLate), Label: models.ReportLate.Label()},
	{Value: string(models.ReportPending), Label: models.ReportPending.Label()},
	{Value: string(models.ReportOnTime), Label: models.ReportOnTime.Label()},
}

// monitorFilter reads the list's filters; a period that does not read is the one due now,
// with the message shown.
func (h *DisclosureMonitor) monitorFilter(c echo.Context) (store.MonitorFilter, string) {
	f := store.MonitorFilter{Query: c.QueryParam("q"), Now: h.now(), Missing: c.QueryParam("missing") != "",
		OpenEvents: c.QueryParam("events") != "", Breached: c.QueryParam("breached") != ""}
	f.DistrictID, _ = strconv.ParseInt(c.QueryParam("district"), 10, 64)
	for _, o := range monitorStatuses {
		if o.Value != "" && o.Value == c.QueryParam("status") {
			f.Status = models.ReportStatus(o.Value)
		}
	}
	var msg string
	if t := strings.TrimSpace(c.QueryParam("period")); t != "" {
		p, err := models.ParsePeriod(t)
		if err != nil {
			msg = models.ErrorMessage(err)
		}
		f.Period = p
	}
	if !f.Period.Valid() {
		f.Period = models.PeriodOf(models.DateOf(h.now())).Prev()
	}
	return f, msg
}

// remediesText is the unmet conditions' periods in one cell: 实缴注册资本补足期限：2027-02-28（已逾期 3 天）；….
func remediesText(r store.MonitorRow, now time.Time) string {
	var parts []string
	for _, c := range r.Remedies {
		if v := c.RemedyView(r.Notice, r.Period.MonthEnd(), now); v != nil {
			parts = append(parts, v.String())
		}
	}
	return strings.Join(parts, "；")
}

func monthsText(ps []models.Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "、")
}

func breachesText(is []models.Indicator) string {
	s := make([]string, len(is))
	for i, b := range is {
		s[i] = b.Name
	}
	return strings.Join(s, "、")
}

func monitorDeadline(cal *models.Calendar, r store.MonitorRow, today models.Date) *components.Deadline {
	if r.DuePending != 0 {
		return &components.Deadline{Label: "报送截止", Text: models.PendingCalendarText(r.DuePending), Status: models.ClockPending}
	}
	if r.Status == models.ReportNotRequired {
		return nil
	}
	d := components.MakeDeadline(cal, "报送截止", models.DeadlineNatural, &r.Due, today)
	if d != nil && r.FirstAt != nil { // reported: the chip says when, not how long is left
		d.Overdue = r.Status == models.ReportLate
		d.Text = r.Status.Label()
	}
	return d
}

// List is /disclosure.
func (h *DisclosureMonitor) List(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f, perr := h.monitorFilter(c)
	p := pageFrom(c)
	rows, total, err := h.store.DisclosureMonitor(ctx, u, f, p)
	if err != nil {
		return err
	}
	all, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	judgedAt, err := h.store.DisclosureJudgedAt(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	page := disclosure.MonitorPage{Title: "信息披露监测", Period: f.Period.String(), Status: string(f.Status), Statuses: monitorStatuses,
		Missing: f.Missing, OpenEvents: f.OpenEvents, Breached: f.Breached, Query: f.Query, DistrictID: c.QueryParam("district"),
		Districts: districtOptions(all, u), Pager: pager(c, p, total), Export: exportOf(c, urls.DisclosureMonitor), PeriodErr: perr,
		ShowRules: u.Role == models.RoleCity || u.Role == models.RoleProvince, ShowNotice: u.Role == models.RoleProvince}
	if judgedAt != nil {
		page.JudgedAt = models.DateTimeCN(*judgedAt)
	}
	for _, r := range rows {
		mr := disclosure.MonitorRow{InstitutionID: r.InstitutionID, Name: r.Name, USCC: r.USCC, District: r.DistrictName,
			RuleSet: r.RuleSet.Label(), Status: r.Status, Deadline: monitorDeadline(cal, r, today), Missing: monthsText(r.Missing),
			OpenEvents: r.OpenEvents, Breaches: breachesText(r.Breaches),
			IndicatorHref: urls.InstitutionIndicators(r.InstitutionID, f.Period.String()), ScoreHref: urls.InstitutionScore(r.InstitutionID)}
		if r.Latest != nil {
			mr.Version, mr.SubmittedAt = r.Latest.Version, models.DateTimeCN(*r.FirstAt)
		}
		for _, c := range r.Remedies {
			mr.Remedies = append(mr.Remedies, disclosure.RemedyLine{Name: c.Name, State: c.State.Label(),
				Deadline: components.ViewDeadline(c.RemedyView(r.Notice, r.Period.MonthEnd(), h.now()))})
		}
		page.Rows = append(page.Rows, mr)
	}
	return Render(c, http.StatusOK, disclosure.Monitor(page))
}

var monitorColumns = []XLSXColumn{{"机构名称", 44}, {"统一社会信用代码", 22}, {"所属区", 10}, {"适用规则", 18}, {"报告期", 10},
	{"报送截止日", 12}, {"报送状态", 12}, {"首次报送时间", 18}, {"最新版本", 8}, {"缺报月份", 24}, {"未结重大事项", 10}, {"指标异常", 30}, {"备案条件补足期限", 50}}

// XLSX is /disclosure.xlsx: the list with the page's filters, every row, streamed from
// the store (EachMonitorRow).
func (h *DisclosureMonitor) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f, _ := h.monitorFilter(c)
	x, err := NewXLSX("信息披露监测", monitorColumns)
	if err != nil {
		return err
	}
	err = h.store.EachMonitorRow(ctx, u, f, func(r store.MonitorRow) error {
		first, version, due := "", 0, dateText(r.Due)
		if r.FirstAt != nil {
			first = models.DateTimeCN(*r.FirstAt)
		}
		if r.Latest != nil {
			version = r.Latest.Version
		}
		if r.DuePending != 0 {
			due = models.PendingCalendarText(r.DuePending)
		}
		return x.Row(r.Name, r.USCC, r.DistrictName, r.RuleSet.Label(), r.Period.String(), due, r.Status.Label(),
			first, version, monthsText(r.Missing), r.OpenEvents, breachesText(r.Breaches), remediesText(r, h.now()))
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "信息披露监测")
}
