package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// SuperviseStore is what the officers' pages of one institution need.
type SuperviseStore interface {
	Institution(ctx context.Context, u *models.User, id int64) (*models.Institution, error)
	InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error)
	LatestReport(ctx context.Context, institutionID int64, p models.Period) (*models.MonthlyReport, error)
	LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error)
	ReportVersions(ctx context.Context, institutionID int64, p models.Period) ([]models.MonthlyReport, error)
	DisclosureScore(ctx context.Context, u *models.User, instID int64, p models.Period) (models.ScoreBreakdown, error)
	ScoreRanking(ctx context.Context, u *models.User, f store.ScoreFilter, pg models.Page) ([]store.ScoreRow, int64, bool, error)
	EachScore(ctx context.Context, u *models.User, f store.ScoreFilter, fn func(store.ScoreRow) error) error
	InstitutionClass(ctx context.Context, instID int64) (models.OperatingClass, error)
	InstitutionFile(ctx context.Context, u *models.User, institutionID int64) (*models.InstitutionFile, error)
	InstitutionFilingNotice(ctx context.Context, institutionID int64) (models.Date, error)
	BankStatementsOf(ctx context.Context, u *models.User, institutionID int64, limit int) ([]store.BankStatementRow, error)
	CompareLatestStatement(ctx context.Context, institutionID int64) (*store.BankStatementComparison, error)
}

func (h *DisclosureMonitor) periodParam(c echo.Context, name string) models.Period {
	p, err := models.ParsePeriod(c.QueryParam(name))
	if err != nil {
		return models.PeriodOf(models.DateOf(h.now())).Prev()
	}
	return p
}

// Institution is /institutions/:id/disclosure: the reports and events of one institution.
func (h *DisclosureMonitor) Institution(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inst, err := h.store.Institution(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	rs, err := h.store.InstitutionRuleSet(ctx, id)
	if err != nil {
		return err
	}
	page := disclosure.InstitutionPage{ID: id, Name: inst.Name, RuleSet: rs.Label(), ScoreHref: urls.InstitutionScore(id)}
	reports, err := h.store.LatestReports(ctx, id, reportHistory)
	if err != nil {
		return err
	}
	for _, r := range reports {
		page.Reports = append(page.Reports, reportRow(r, urls.InstitutionIndicators(id, r.Figures.Period.String())))
	}
	evs, err := h.store.InstitutionEvents(ctx, id, eventHistory)
	if err != nil {
		return err
	}
	for _, e := range evs {
		page.Events = append(page.Events, eventRow(e))
	}
	// the custody bank's statements and the latest one's comparison (issue 12 §3)
	stmts, err := h.store.BankStatementsOf(ctx, CurrentUser(c), id, reportHistory)
	if err != nil {
		return err
	}
	page.Statements = statementRows(stmts)
	cmp, err := h.store.CompareLatestStatement(ctx, id)
	if err != nil {
		return err
	}
	page.BankCheck = bankComparison(cmp)
	return Render(c, http.StatusOK, disclosure.Institution(page))
}

// Indicators is /institutions/:id/disclosure/:period: drules' indicators of the month from
// the latest version (and the month before), with the declared figures.
func (h *DisclosureMonitor) Indicators(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := models.ParsePeriod(c.Param("period"))
	if err != nil {
		return models.Errorf(models.ENotFound, "页面不存在")
	}
	ctx := c.Request().Context()
	inst, err := h.store.Institution(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	page := disclosure.IndicatorsPage{Name: inst.Name, Period: p.String(), Back: urls.InstitutionDisclosure(id),
		Versions: urls.InstitutionIndicators(id, p.String()) + "/versions"}
	cur, err := h.store.LatestReport(ctx, id, p)
	if err != nil {
		return err
	}
	if cur != nil {
		page.Reported = true
		var prev *models.MonthlyFigures
		if pr, err := h.store.LatestReport(ctx, id, p.Prev()); err != nil {
			return err
		} else if pr != nil {
			prev = &pr.Figures
		}
		class, err := h.store.InstitutionClass(ctx, id)
		if err != nil {
			return err
		}
		is := models.ComputeIndicatorsFor(models.IndicatorInput{Class: class, Cur: cur.Figures, Prev: prev,
			CapViolations: -1, Filed: true})
		page.Indicators = is.Items
		file, err := h.store.InstitutionFile(ctx, CurrentUser(c), id)
		if err != nil {
			return err
		}
		notice, err := h.store.InstitutionFilingNotice(ctx, id)
		if err != nil {
			return err
		}
		page.Notice = filingNoticeText(notice)
		st, err := models.FilingConditionsStatus(models.FilingStatusInput{Facts: file.FilingFacts(), Figures: cur.Figures,
			CrossProvinceBalance: -1, Notice: notice})
		if err != nil {
			page.CondErr = models.ErrorMessage(err)
		} else {
			for _, c := range st.Conditions {
				page.Conditions = append(page.Conditions, disclosure.ConditionLine{ConditionStatus: c,
					Deadline: components.ViewDeadline(c.RemedyView(notice, p.MonthEnd(), h.now()))})
			}
		}
		for _, it := range models.MonthlyItems {
			page.Figures = append(page.Figures, disclosure.FigureLine{Label: it.Label, Value: it.Display(cur.Figures), Citation: it.Citation})
		}
	}
	return Render(c, http.StatusOK, disclosure.Indicators(page))
}

// filingNoticeText says from which date the periods of seeds/001 二 run.
func filingNoticeText(notice models.Date) string {
	if notice.IsZero() {
		return "本省尚未设定有条件备案试点通知印发日期：补足期限（《网络借贷信息中介机构有条件备案试点工作方案》二）尚未起算。"
	}
	return "补足期限自本省设定的通知印发日期 " + notice.String() + " 起算（《网络借贷信息中介机构有条件备案试点工作方案》二：注册资本金 6 个月，存量业务一般风险准备金、出借人风险补偿金 12 个月，单一省级区域经营机构跨省级区域存量业务 18 个月）。"
}

// Versions is /institutions/:id/disclosure/:period/versions.
func (h *DisclosureMonitor) Versions(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := models.ParsePeriod(c.Param("period"))
	if err != nil {
		return models.Errorf(models.ENotFound, "页面不存在")
	}
	ctx := c.Request().Context()
	inst, err := h.store.Institution(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	vs, err := h.store.ReportVersions(ctx, id, p)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return models.Errorf(models.ENotFound, "%s 尚未报送", p)
	}
	page := versionsPage(inst.Name, p, vs)
	page.BackHref = urls.InstitutionIndicators(id, p.String())
	return Render(c, http.StatusOK, disclosure.Versions(page))
}

// Score is /institutions/:id/disclosure/score?period=: the completeness score with its breakdown.
func (h *DisclosureMonitor) Score(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	inst, err := h.store.Institution(ctx, CurrentUser(c), id)
	if err != nil {
		return err
	}
	p := h.periodParam(c, "period")
	b, err := h.store.DisclosureScore(ctx, CurrentUser(c), id, p)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, disclosure.Score(disclosure.ScorePage{Name: inst.Name, Period: p.String(), Score: b, Back: urls.InstitutionDisclosure(id)}))
}

// rankingFilter reads the ranking's month and search; a month it cannot rank is a
// message, and the month now due is shown instead.
func (h *DisclosureMonitor) rankingFilter(c echo.Context) (store.ScoreFilter, string) {
	today := models.DateOf(h.now())
	f := store.ScoreFilter{Period: models.PeriodOf(today).Prev(), Query: strings.TrimSpace(c.QueryParam("q"))}
	t := strings.TrimSpace(c.QueryParam("period"))
	if t == "" {
		return f, ""
	}
	p, err := models.ParsePeriod(t)
	if err == nil {
		err = models.ValidateRankedPeriod(p, today)
	}
	if err != nil {
		return f, models.ErrorMessage(err) + "；现显示 " + f.Period.String() + " 的排名。"
	}
	f.Period = p
	return f, ""
}

// Ranking is /disclosure/scores: the jurisdiction's filed platforms by score, per city.
func (h *DisclosureMonitor) Ranking(c echo.Context) error {
	f, perr := h.rankingFilter(c)
	pg := pageFrom(c)
	rows, total, capped, err := h.store.ScoreRanking(c.Request().Context(), CurrentUser(c), f, pg)
	if err != nil {
		return err
	}
	page := disclosure.RankingPage{Period: f.Period.String(), Query: f.Query, PeriodErr: perr, Export: exportOf(c, urls.DisclosureScores),
		Pager: pager(c, pg, total)}
	page.Pager.Capped = capped
	for _, r := range rows {
		page.Rows = append(page.Rows, disclosure.RankingRow{Rank: r.Rank, Name: r.Name, District: r.District, City: r.City,
			Total: r.Score.Total.String(), Href: urls.InstitutionScore(r.InstitutionID) + "?period=" + f.Period.String()})
	}
	return Render(c, http.StatusOK, disclosure.Ranking(page))
}

// RankingXLSX is /disclosure/scores.xlsx: every row of the ranking, streamed.
func (h *DisclosureMonitor) RankingXLSX(c echo.Context) error {
	f, _ := h.rankingFilter(c)
	cols := []XLSXColumn{{"市", 10}, {"名次", 6}, {"机构名称", 44}, {"所属区", 10}, {"报告期", 10}, {"得分", 8}}
	for _, cat := range models.CompletenessScore(nil).Categories {
		cols = append(cols, XLSXColumn{cat.Category + "（" + cat.Weight.String() + "）", 14})
	}
	x, err := NewXLSX("披露完整度排名", cols)
	if err != nil {
		return err
	}
	err = h.store.EachScore(c.Request().Context(), CurrentUser(c), f, func(r store.ScoreRow) error {
		cells := []any{r.City, r.Rank, r.Name, r.District, f.Period.String(), r.Score.Total.String()}
		for _, cat := range r.Score.Categories {
			cells = append(cells, cat.Score.String())
		}
		return x.Row(cells...)
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, fmt.Sprintf("披露完整度排名-%s", f.Period))
}
