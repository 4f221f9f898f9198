package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/dashboard"
)

// DashboardStore is what the supervision dashboards need of the store.
type DashboardStore interface {
	AcceptanceDashboard(ctx context.Context, u *models.User, today models.Date) (*store.AcceptanceDashboard, error)
	DisclosureDashboard(ctx context.Context, u *models.User, now time.Time) (*store.DisclosureDashboard, error)
	ScoreLeaders(ctx context.Context, u *models.User, p models.Period, n int) (top, bottom []store.ScoreRow, err error)
	// the platform's own dashboard
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	FiledOn(ctx context.Context, institutionID int64) (models.Date, bool, error)
	InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error)
	ReportFirsts(ctx context.Context, institutionID int64) (map[int]time.Time, error)
	Division(ctx context.Context, id int64) (*models.Division, error)
}

// Dashboards serves the officers' overview of their jurisdiction (issue 12 §1).
type Dashboards struct {
	store DashboardStore
	now   Clock
}

// NewDashboards builds the dashboard handlers.
func NewDashboards(s DashboardStore, now Clock) *Dashboards { return &Dashboards{store: s, now: now} }

var dashboardTitles = map[models.Role]string{
	models.RoleDistrict: "辖区概览", models.RoleCity: "全市概览", models.RoleProvince: "全省概览",
}

// Show is the acceptance-workflow dashboard of the officer's jurisdiction.
func (h *Dashboards) Show(c echo.Context) error {
	p, err := h.page(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, dashboard.Dashboard(*p))
}

// XLSX exports every table of the dashboard, one row per figure.
func (h *Dashboards) XLSX(c echo.Context) error {
	p, err := h.page(c)
	if err != nil {
		return err
	}
	return sendDashboard(c, p, h.now)
}

// Disclosure is the disclosure dashboard of the officer's jurisdiction.
func (h *Dashboards) Disclosure(c echo.Context) error {
	p, err := h.disclosurePage(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, dashboard.Dashboard(*p))
}

// DisclosureXLSX exports the disclosure dashboard's tables.
func (h *Dashboards) DisclosureXLSX(c echo.Context) error {
	p, err := h.disclosurePage(c)
	if err != nil {
		return err
	}
	return sendDashboard(c, p, h.now)
}

func sendDashboard(c echo.Context, p *dashboard.Page, now Clock) error {
	x, err := NewXLSX(p.Title, []XLSXColumn{{"图表", 28}, {"项目", 24}, {"指标", 18}, {"数值", 12}})
	if err != nil {
		return err
	}
	defer x.Close()
	for _, k := range p.KPIs {
		if err := x.Row("主要指标", k.Label, "", k.Value); err != nil {
			return err
		}
	}
	for _, ch := range p.Charts {
		for _, r := range ch.Rows {
			for i, v := range r.Values {
				if err := x.Row(ch.Title, r.Label, ch.Series[i], v); err != nil {
					return err
				}
			}
		}
	}
	for _, e := range p.Ending {
		if err := x.Row("本周公示期满", e.Institution, "公示截止日", e.EndDate); err != nil {
			return err
		}
	}
	return x.Send(c, p.Title, now)
}

func dashboardTabs(current string) []dashboard.Tab {
	tabs := []dashboard.Tab{{Label: "验收进度", Href: urls.Dashboard()}, {Label: "信息披露", Href: urls.DashboardDisclosure()}}
	for i := range tabs {
		tabs[i].Current = tabs[i].Href == current
	}
	return tabs
}

func (h *Dashboards) scope(c echo.Context) string {
	u := CurrentUser(c)
	if u.DivisionID != nil {
		if div, err := h.store.Division(c.Request().Context(), *u.DivisionID); err == nil {
			return div.Name
		}
	}
	return ""
}

func (h *Dashboards) page(c echo.Context) (*dashboard.Page, error) {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	now := h.now()
	today := models.DateOf(now)
	d, err := h.store.AcceptanceDashboard(ctx, u, today)
	if err != nil {
		return nil, err
	}
	mon, sun := models.Week(today)
	p := &dashboard.Page{
		Title: dashboardTitles[u.Role], Tabs: dashboardTabs(urls.Dashboard()), Scope: h.scope(c), AsOf: models.DateTimeCN(now),
		ShowEnding: true, Week: mon.String() + " 至 " + sun.String(), Export: urls.DashboardXLSX(),
	}
	var inProgress, overdue int64
	for _, a := range d.ByArea {
		if !a.State.Terminal() {
			inProgress += a.N
		}
	}
	for _, o := range d.Overdue {
		overdue += o.Overdue
	}
	p.KPIs = []dashboard.KPI{
		{Label: "在办申请", Value: itoa64(inProgress), Href: "", Warn: false},
		{Label: "超过办理时限", Value: itoa64(overdue), Href: "", Warn: overdue > 0},
		{Label: "公示中", Value: itoa64(d.Notices.Running), Href: urls.Notices(), Warn: false},
		{Label: "本周公示期满", Value: itoa64(d.Notices.EndingWeek), Href: "", Warn: false},
		{Label: "待核查举报", Value: itoa64(d.Complaint.Open), Href: complaintsHref(u), Warn: d.Complaint.Overdue > 0},
		{Label: "待处置预警", Value: itoa64(d.Warnings.Open), Href: urls.Warnings() + "?status=open", Warn: d.Warnings.Overdue > 0},
	}
	p.Charts = append(p.Charts, byStateChart(d), byAreaChart(d), funnelChart(d), overdueChart(d),
		stageDaysChart(d), classChart(d), exitChart(d), windDownChart(d))
	for _, e := range d.Ending {
		p.Ending = append(p.Ending, dashboard.EndingRow{Institution: e.Institution, EndDate: e.EndDate.String()})
	}
	return p, nil
}

func complaintsHref(u *models.User) string {
	switch u.Role {
	case models.RoleCity:
		return urls.CityComplaints()
	case models.RoleProvince:
		return urls.ProvinceComplaints()
	}
	return ""
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func countRow(label string, ns ...int64) dashboard.ChartRow {
	r := dashboard.ChartRow{Label: label}
	for _, n := range ns {
		r.Values = append(r.Values, float64(n))
		r.Text = append(r.Text, itoa64(n))
	}
	return r
}

func byStateChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "by-state", Kind: "bar", Title: "各环节申请数", RowHead: "环节", Series: []string{"申请数"},
		Note: "按申请当前所处环节统计，不含草稿。"}
	totals := map[models.State]int64{}
	for _, a := range d.ByArea {
		totals[a.State] += a.N
	}
	for _, st := range models.AllStates {
		if n, ok := totals[st]; ok {
			c.Rows = append(c.Rows, countRow(st.Label(), n))
		}
	}
	return c
}

// byAreaChart stacks, for each sub-area, its applications in progress, passed and not
// passed.
func byAreaChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "by-area", Kind: "stacked", Title: "各" + d.AreaLevel + "申请情况", RowHead: d.AreaLevel,
		Series: []string{"在办", "已发合格证明或备案", "未通过或放弃"}}
	type tally struct{ open, passed, out int64 }
	var order []string
	byArea := map[string]*tally{}
	for _, a := range d.ByArea {
		t, ok := byArea[a.Area]
		if !ok {
			t = &tally{}
			byArea[a.Area] = t
			order = append(order, a.Area)
		}
		switch a.State {
		case models.StateCertified, models.StateScopeChanged, models.StateFiled:
			t.passed += a.N
		case models.StateFailedFinal, models.StateAbandoned, models.StateCertificateRevoked:
			t.out += a.N
		default:
			t.open += a.N
		}
	}
	for _, area := range order {
		t := byArea[area]
		c.Rows = append(c.Rows, countRow(area, t.open, t.passed, t.out))
	}
	return c
}

func funnelChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "funnel", Kind: "funnel", Title: "从提交到备案", RowHead: "环节", Series: []string{"曾到达的申请数"},
		Note: "到达过该环节的申请数（含之后被退回或未通过的），依整改验收工作方案的流程顺序。"}
	for _, f := range d.Funnel {
		c.Rows = append(c.Rows, countRow(f.Label, f.N))
	}
	return c
}

func overdueChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "overdue", Kind: "stacked", Title: "办理时限", RowHead: "时限", Series: []string{"期限内", "已超期"},
		Note: "正在计时的各环节时限；超期指已过期限仍未办结（各市办理时限见“办理时限”设置）。"}
	for _, o := range d.Overdue {
		c.Rows = append(c.Rows, countRow(o.Label, o.Open-o.Overdue, o.Overdue))
	}
	return c
}

func stageDaysChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "stage-days", Kind: "bar", Title: "各环节平均用时（自然日）", RowHead: "环节", Series: []string{"平均天数", "已完成次数"},
		Note: "只计已结束的停留：从进入该环节的决定到下一决定。"}
	for _, s := range d.StageDays {
		c.Rows = append(c.Rows, dashboard.ChartRow{Label: s.State.Label(), Values: []float64{s.Days, float64(s.Stays)},
			Text: []string{strconv.FormatFloat(s.Days, 'f', 1, 64), itoa64(s.Stays)}})
	}
	return c
}

func classChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "classes", Kind: "pie", Title: "机构分类", RowHead: "分类", Series: []string{"机构数"},
		Note: "合规类、整改类、取缔类（整改验收工作方案 三(二)）。"}
	byClass := map[string]int64{}
	for _, k := range d.Classes {
		byClass[k.Class] += k.N
	}
	for _, k := range models.InstitutionClasses {
		c.Rows = append(c.Rows, countRow(k.Label(), byClass[string(k)]))
	}
	if n := byClass[""]; n > 0 {
		c.Rows = append(c.Rows, countRow("未分类", n))
	}
	return c
}

func exitChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "exits", Kind: "bar", Title: "未通过验收机构的退出分类", RowHead: "退出方式", Series: []string{"机构数"},
		Note: "逐步清退、依法处置、取缔（整改验收工作方案 六(二)）。"}
	byClass := map[string]int64{}
	for _, k := range d.Exits {
		byClass[k.Class] = k.N
	}
	for _, e := range models.ExitClasses {
		c.Rows = append(c.Rows, countRow(e.Label(), byClass[string(e)]))
	}
	return c
}

func windDownChart(d *store.AcceptanceDashboard) dashboard.Chart {
	c := dashboard.Chart{ID: "wind-down", Kind: "line", Title: "逐步清退进度（近12个月）", RowHead: "月份", Series: []string{"当月认定", "近12个月累计"}}
	var total int64
	for _, m := range d.WindDown {
		total += m.N
		c.Rows = append(c.Rows, countRow(m.Month, m.N, total))
	}
	return c
}

func (h *Dashboards) disclosurePage(c echo.Context) (*dashboard.Page, error) {
	u := CurrentUser(c)
	now := h.now()
	d, err := h.store.DisclosureDashboard(c.Request().Context(), u, now)
	if err != nil {
		return nil, err
	}
	p := &dashboard.Page{
		Title: dashboardTitles[u.Role] + "：信息披露", Tabs: dashboardTabs(urls.DashboardDisclosure()), Scope: h.scope(c),
		AsOf: models.DateTimeCN(now), Export: urls.DashboardDisclosureXLSX(),
		Intro: "报送期 " + d.Period.String() + "（月度数据按机构适用的信息披露指引计算报送期限）。",
	}
	late := d.ByStatus[models.ReportLate] + d.ByStatus[models.ReportOverdue]
	p.KPIs = []dashboard.KPI{
		{Label: "已备案机构", Value: strconv.Itoa(d.Filed), Href: urls.DisclosureMonitor},
		{Label: d.Period.String() + " 按时报送", Value: strconv.Itoa(d.ByStatus[models.ReportOnTime]), Href: urls.DisclosureMonitor + "?status=on_time"},
		{Label: d.Period.String() + " 逾期", Value: strconv.Itoa(late), Href: urls.DisclosureMonitor + "?status=overdue", Warn: late > 0},
		{Label: "有缺报月份", Value: strconv.Itoa(d.Missing), Href: urls.DisclosureMonitor + "?missing=1", Warn: d.Missing > 0},
		{Label: "未结重大事项", Value: strconv.Itoa(d.OpenEvents), Href: urls.DisclosureEvents, Warn: d.OpenEvents > 0},
	}
	onTime := dashboard.Chart{ID: "on-time", Kind: "line", Title: "月度披露按时率（%）", RowHead: "报送期", Series: []string{"按时率（%）"},
		Note: "按时机构 ÷ 应报机构；按时指首次报送不晚于报送期限（" + models.DisclosureRules(models.RuleSetNational).Monthly.Clause + "）。"}
	counts := dashboard.Chart{ID: "report-counts", Kind: "bar", Title: "月度披露报送机构数", RowHead: "报送期", Series: []string{"应报", "已报", "按时"},
		Note: "应报为当月末已备案的机构。"}
	balance := dashboard.Chart{ID: "balance", Kind: "bar", Title: "借贷余额合计（亿元）", RowHead: "报送期", Series: []string{"借贷余额（亿元）"},
		Note: "各机构该月最新一版申报的借贷余额之和。"}
	for _, m := range d.Trend {
		rate := 0.0
		if m.Expected > 0 {
			rate = float64(m.OnTime) * 100 / float64(m.Expected)
		}
		onTime.Rows = append(onTime.Rows, dashboard.ChartRow{Label: m.Period, Values: []float64{round1(rate)},
			Text: []string{strconv.FormatFloat(rate, 'f', 1, 64)}})
		counts.Rows = append(counts.Rows, countRow(m.Period, m.Expected, m.Reported, m.OnTime))
		yi := float64(m.Balance) / float64(models.OneYi)
		balance.Rows = append(balance.Rows, dashboard.ChartRow{Label: m.Period, Values: []float64{round2(yi)}, Text: []string{strconv.FormatFloat(yi, 'f', 2, 64)}})
	}
	status := dashboard.Chart{ID: "report-status", Kind: "pie", Title: d.Period.String() + " 报送情况", RowHead: "状态", Series: []string{"机构数"}}
	for _, st := range []models.ReportStatus{models.ReportOnTime, models.ReportLate, models.ReportPending, models.ReportOverdue, models.ReportNotRequired} {
		if n := d.ByStatus[st]; n > 0 {
			status.Rows = append(status.Rows, countRow(st.Label(), int64(n)))
		}
	}
	m90 := dashboard.Chart{ID: "m90", Kind: "bar", Title: "90天以上逾期率分布", RowHead: "逾期率", Series: []string{"机构数"},
		Note: "M90+ 金额 ÷ 借贷余额，按机构适用的口径申报（SPEC §5）。"}
	for i, b := range models.M90Bands {
		m90.Rows = append(m90.Rows, countRow(b.Label, int64(d.M90Rates[i])))
	}
	short := dashboard.Chart{ID: "shortfalls", Kind: "bar", Title: "指标异常与备案条件不足", RowHead: "指标", Series: []string{"机构数"},
		Note: "风险准备金、风险补偿金不足（" + "有条件备案试点工作方案 二(三)(四)）及借贷余额上升等。"}
	for _, s := range d.Shortfalls {
		short.Rows = append(short.Rows, countRow(s.Class, s.N))
	}
	top, bottom, err := h.scoreCharts(c, d.Period)
	if err != nil {
		return nil, err
	}
	p.Charts = []dashboard.Chart{onTime, counts, status, balance, m90, short, top, bottom}
	return p, nil
}

// scoreCharts are the completeness ranking of the month (the stored scores, 00122): each
// city's best (a province's three per city, a city's or district's ten) and the lowest ten.
func (h *Dashboards) scoreCharts(c echo.Context, period models.Period) (top, bottom dashboard.Chart, err error) {
	u := CurrentUser(c)
	n := 10
	if u.Role == models.RoleProvince {
		n = 3
	}
	best, worst, err := h.store.ScoreLeaders(c.Request().Context(), u, period, n)
	if err != nil {
		return top, bottom, err
	}
	note := "按上海市网络借贷信息披露指引附件规范表的权重计分（满分 100）；名次为在本市已备案机构中的名次。完整排名见“披露完整度排名”。"
	top = dashboard.Chart{ID: "score-top", Kind: "hbar", Title: period.String() + " 信息披露完整度排名（各市前 " + strconv.Itoa(n) + " 名）",
		RowHead: "名次 · 机构", Series: []string{"得分"}, Note: note}
	if u.Role != models.RoleProvince {
		top.Title = period.String() + " 信息披露完整度排名（前 " + strconv.Itoa(n) + " 名）"
	}
	for _, r := range best {
		top.Rows = append(top.Rows, scoreRow(fmt.Sprintf("%s 第%d名 %s", r.City, r.Rank, r.Name), r.Score.Total))
	}
	bottom = dashboard.Chart{ID: "score-bottom", Kind: "hbar", Title: period.String() + " 信息披露完整度得分最低的 10 家",
		RowHead: "机构", Series: []string{"得分"}, Note: "得分由低到高。"}
	for _, r := range worst {
		bottom.Rows = append(bottom.Rows, scoreRow(r.City+" "+r.Name, r.Score.Total))
	}
	return top, bottom, nil
}

func scoreRow(label string, total models.Points) dashboard.ChartRow {
	return dashboard.ChartRow{Label: label, Values: []float64{float64(total) / 100}, Text: []string{total.String()}}
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Platform is the platform's own dashboard: its submission calendar for the year, each
// due date with its status, and the trend of its declared figures.
func (h *Dashboards) Platform(c echo.Context) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	inst, err := h.store.Institution(ctx, u, models.IDOrZero(u.InstitutionID))
	if err != nil {
		return err
	}
	now := h.now()
	today := models.DateOf(now)
	p := dashboard.Page{Title: "信息披露看板", Scope: inst.Name, AsOf: models.DateTimeCN(now), Year: today.Year}
	filedOn, filed, err := h.store.FiledOn(ctx, inst.ID)
	if err != nil {
		return err
	}
	if !filed {
		p.Intro = "本机构尚未完成备案登记；备案后按月报送信息披露数据，此处显示全年报送日历与指标趋势。"
		return Render(c, http.StatusOK, dashboard.Dashboard(p))
	}
	rs, err := h.store.InstitutionRuleSet(ctx, inst.ID)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	obligations, err := models.DisclosureObligations(cal, rs, today.Year)
	if err != nil {
		return err
	}
	firsts, err := h.store.ReportFirsts(ctx, inst.ID)
	if err != nil {
		return err
	}
	p.Intro = "适用" + rs.Label() + "，" + filedOn.String() + " 备案登记。"
	monthly := models.DisclosureRules(rs).Monthly.Kind
	for _, o := range obligations {
		row := dashboard.CalendarRow{Name: o.Name, Covers: o.Covers, Rule: o.Rule, Clause: o.Clause}
		if o.PendingYear != 0 {
			row.Deadline = &components.Deadline{Label: "期限", Text: o.DueText()}
		} else {
			row.Deadline = components.MakeDeadline(cal, "期限", o.DayKind, &o.Due, today)
		}
		switch {
		case o.Kind != monthly && o.PendingYear == 0 && o.Due.Before(filedOn):
			row.Status, row.Deadline = models.ReportNotRequired.Label(), nil
		case o.Kind == models.DisclosureQuarterly:
			// the quarter-end month's report carries the quarter's items (QuarterlyReportStatus)
			var first *time.Time
			if t, ok := firsts[o.Period.Key()]; ok {
				first = &t
			}
			st := models.QuarterlyReportStatus(o.Period, filedOn, first, o.Due, today)
			row.Status, row.Href = st.Label()+"（随 "+o.Period.String()+" 月度数据报送）", urls.PlatformMonthlyForm(o.Period.String())
			switch st {
			case models.ReportOnTime:
				row.Tone, row.Href = "ok", urls.PlatformMonthlyVersions(o.Period.String())
			case models.ReportLate:
				row.Tone, row.Href = "warn", urls.PlatformMonthlyVersions(o.Period.String())
			case models.ReportOverdue:
				row.Tone = "danger"
			}
		case o.Kind != monthly:
			row.Status, row.Href = "见年度材料", urls.PlatformAnnualDocs
		default:
			var first *time.Time
			if t, ok := firsts[o.Period.Key()]; ok {
				first = &t
			}
			st := models.ReportPending
			if o.PendingYear == 0 {
				st = models.MonthlyReportStatus(o.Period, filedOn, first, o.Due, today)
			}
			row.Status, row.Href = st.Label(), urls.PlatformMonthlyForm(o.Covers)
			switch st {
			case models.ReportOnTime:
				row.Tone, row.Href = "ok", urls.PlatformMonthlyVersions(o.Covers)
			case models.ReportLate:
				row.Tone, row.Href = "warn", urls.PlatformMonthlyVersions(o.Covers)
			case models.ReportOverdue:
				row.Tone = "danger"
			case models.ReportNotRequired:
				row.Href, row.Deadline = "", nil
			}
		}
		p.Calendar = append(p.Calendar, row)
	}
	reports, err := h.store.LatestReports(ctx, inst.ID, 12)
	if err != nil {
		return err
	}
	balance := dashboard.Chart{ID: "my-balance", Kind: "bar", Title: "借贷余额（万元）", RowHead: "报送期", Series: []string{"借贷余额（万元）"}}
	rates := dashboard.Chart{ID: "my-rates", Kind: "line", Title: "逾期率与集中度（%）", RowHead: "报送期",
		Series: []string{"90天以上逾期率", "最大单一借款人占比", "前十大借款人占比"},
		Note:   "90天以上逾期率 = M90+ 金额 ÷ 借贷余额（SPEC §5）；占比为待还金额占比（" + "信息披露指引第八条(五)）。"}
	for i := len(reports) - 1; i >= 0; i-- { // oldest first
		f := reports[i].Figures
		wan := float64(f.Balance) / float64(10_000*models.OneYuan)
		balance.Rows = append(balance.Rows, dashboard.ChartRow{Label: f.Period.String(), Values: []float64{round2(wan)},
			Text: []string{strconv.FormatFloat(wan, 'f', 2, 64)}})
		m90, _ := models.RatioOver(f.Overdue90Amount, f.Balance)
		rates.Rows = append(rates.Rows, dashboard.ChartRow{Label: f.Period.String(),
			Values: []float64{pct(m90), pct(f.LargestBorrowerShare), pct(f.Top10Share)},
			Text:   []string{m90.String(), f.LargestBorrowerShare.String(), f.Top10Share.String()}})
	}
	p.Charts = []dashboard.Chart{balance, rates}
	return Render(c, http.StatusOK, dashboard.Dashboard(p))
}

func pct(r models.Ratio) float64 { return float64(r) / 100 }
