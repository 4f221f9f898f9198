package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
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
	ScoreRanking(ctx context.Context, u *models.User, p models.Period, now time.Time) ([]store.ScoreRow, error)
	InstitutionClass(ctx context.Context, instID int64) (models.OperatingClass, error)
	InstitutionFile(ctx context.Context, u *models.User, institutionID int64) (*models.InstitutionFile, error)
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
		st, err := models.FilingConditionsStatus(models.FilingStatusInput{Facts: file.FilingFacts(), Figures: cur.Figures, CrossProvinceBalance: -1})
		if err != nil {
			page.CondErr = models.ErrorMessage(err)
		} else {
			page.Conditions = st.Conditions
		}
		for _, it := range models.MonthlyItems {
			page.Figures = append(page.Figures, disclosure.FigureLine{Label: it.Label, Value: it.Display(cur.Figures), Citation: it.Citation})
		}
	}
	return Render(c, http.StatusOK, disclosure.Indicators(page))
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

// Ranking is /disclosure/scores: the jurisdiction's filed platforms by score, per city.
func (h *DisclosureMonitor) Ranking(c echo.Context) error {
	p := h.periodParam(c, "period")
	rows, err := h.store.ScoreRanking(c.Request().Context(), CurrentUser(c), p, h.now())
	if err != nil {
		return err
	}
	// every institution is ranked (a rank is within its city); the page shows its share
	pg := pageFrom(c)
	page := disclosure.RankingPage{Period: p.String(), Export: exportOf(c, urls.DisclosureScores), Pager: pager(c, pg, int64(len(rows)))}
	from := min(pg.Offset(), len(rows))
	for _, r := range rows[from:min(from+pg.Size, len(rows))] {
		page.Rows = append(page.Rows, disclosure.RankingRow{Rank: r.Rank, Name: r.Name, District: r.District, City: r.City,
			Total: r.Score.Total.String(), Href: urls.InstitutionScore(r.InstitutionID) + "?period=" + p.String()})
	}
	return Render(c, http.StatusOK, disclosure.Ranking(page))
}

// RankingXLSX is /disclosure/scores.xlsx.
func (h *DisclosureMonitor) RankingXLSX(c echo.Context) error {
	p := h.periodParam(c, "period")
	rows, err := h.store.ScoreRanking(c.Request().Context(), CurrentUser(c), p, h.now())
	if err != nil {
		return err
	}
	cols := []XLSXColumn{{"市", 10}, {"名次", 6}, {"机构名称", 44}, {"所属区", 10}, {"报告期", 10}, {"得分", 8}}
	for _, cat := range models.CompletenessScore(nil).Categories {
		cols = append(cols, XLSXColumn{cat.Category + "（" + cat.Weight.String() + "）", 14})
	}
	x, err := NewXLSX("披露完整度排名", cols)
	if err != nil {
		return err
	}
	for _, r := range rows {
		cells := []any{r.City, r.Rank, r.Name, r.District, p.String(), r.Score.Total.String()}
		for _, cat := range r.Score.Categories {
			cells = append(cells, cat.Score.String())
		}
		if err := x.Row(cells...); err != nil {
			x.Close()
			return err
		}
	}
	return exportList(c, h.store, h.now, x, fmt.Sprintf("披露完整度排名-%s", p))
}
