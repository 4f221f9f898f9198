package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/pages/dashboard"
)

// DashboardStore is what the supervision dashboards need of the store.
type DashboardStore interface {
	AcceptanceDashboard(ctx context.Context, u *models.User, today models.Date) (*store.AcceptanceDashboard, error)
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
	return Render(c, http.StatusOK, dashboard.Acceptance(*p))
}

// XLSX exports every table of the dashboard, one row per figure.
func (h *Dashboards) XLSX(c echo.Context) error {
	p, err := h.page(c)
	if err != nil {
		return err
	}
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
	return x.Send(c, p.Title, h.now)
}

func (h *Dashboards) page(c echo.Context) (*dashboard.AcceptancePage, error) {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	now := h.now()
	today := models.DateOf(now)
	d, err := h.store.AcceptanceDashboard(ctx, u, today)
	if err != nil {
		return nil, err
	}
	scope := ""
	if u.DivisionID != nil {
		if div, err := h.store.Division(ctx, *u.DivisionID); err == nil {
			scope = div.Name
		}
	}
	mon, sun := models.Week(today)
	p := &dashboard.AcceptancePage{
		Title: dashboardTitles[u.Role], Scope: scope, AsOf: models.DateTimeCN(now),
		Week: mon.String() + " 至 " + sun.String(), Export: urls.DashboardXLSX(),
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
