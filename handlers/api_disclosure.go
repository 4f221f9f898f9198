package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
)

// APIDisclosureStore is what the public disclosure endpoint needs of the store.
type APIDisclosureStore interface {
	FiledInstitutionByUSCC(ctx context.Context, uscc string) (*models.Institution, error)
	InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error)
	LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error)
	InstitutionEvents(ctx context.Context, institutionID int64, limit int) ([]models.EventReport, error)
}

// APIFigure is one monthly item (seeds/003 §8): amounts in 元 with two decimals, shares
// in percent with two decimals, counts as integers written as text, so no figure loses
// precision in a JSON number.
type APIFigure struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind"` // amount | count | share
	Value string `json:"value"`
}

// APIDisclosurePeriod is the latest version of one month's report.
type APIDisclosurePeriod struct {
	Period      string      `json:"period"`
	Version     int         `json:"version"`
	SubmittedOn string      `json:"submitted_on"`
	FeeSchedule string      `json:"fee_schedule"`
	Figures     []APIFigure `json:"figures"`
}

// APIDisclosureEvent is an event report as the public sees it: what and when, without
// who filed it.
type APIDisclosureEvent struct {
	Kind       string  `json:"kind"` // major | change
	Category   string  `json:"category"`
	Title      string  `json:"title"`
	OccurredAt string  `json:"occurred_at"`
	ReportedAt string  `json:"reported_at"`
	Late       bool    `json:"late"`
	ClosedOn   *string `json:"closed_on"`
}

// APIDisclosure is a filed institution's public disclosure figures.
type APIDisclosure struct {
	USCC    string                `json:"uscc"`
	Name    string                `json:"name"`
	RuleSet string                `json:"rule_set"`
	Periods []APIDisclosurePeriod `json:"periods"`
	Events  []APIDisclosureEvent  `json:"events"`
}

func apiFigureValue(ff models.MonthlyFigureField, v int64) string {
	switch ff.Kind {
	case models.FigureAmount:
		return models.Money(v).Yuan()
	case models.FigureShare:
		return models.Ratio(v).Percent()
	}
	return strconv.FormatInt(v, 10)
}

// Disclosure is GET /api/v1/register/{uscc}/disclosure: the last twelve months of a filed
// institution's monthly figures (latest version of each) and its event reports, as on its
// public disclosure page. Personal data never appears.
func (h *API) Disclosure(s APIDisclosureStore) echo.HandlerFunc {
	return func(c echo.Context) error {
		uscc := strings.ToUpper(strings.TrimSpace(c.Param("uscc")))
		if err := models.ValidateUSCC(uscc); err != nil {
			return jsonError(c, http.StatusBadRequest, "统一社会信用代码不正确：%s", models.ErrorMessage(err))
		}
		ctx := c.Request().Context()
		inst, err := s.FiledInstitutionByUSCC(ctx, uscc)
		if status, msg, ok := refused(err, models.ENotFound); ok {
			return jsonError(c, status, "%s", msg)
		}
		if err != nil {
			return err
		}
		rs, err := s.InstitutionRuleSet(ctx, inst.ID)
		if err != nil {
			return err
		}
		out := APIDisclosure{USCC: inst.USCC, Name: inst.Name, RuleSet: string(rs), Periods: []APIDisclosurePeriod{}, Events: []APIDisclosureEvent{}}
		reports, err := s.LatestReports(ctx, inst.ID, publicPeriods)
		if err != nil {
			return err
		}
		for _, r := range reports {
			p := APIDisclosurePeriod{Period: r.Figures.Period.String(), Version: r.Version,
				SubmittedOn: models.DateOf(r.SubmittedAt).String(), FeeSchedule: r.Figures.FeeSchedule}
			for _, ff := range models.MonthlyFigureFields {
				p.Figures = append(p.Figures, APIFigure{Key: ff.Key, Label: ff.Label, Kind: string(ff.Kind), Value: apiFigureValue(ff, ff.Value(r.Figures))})
			}
			out.Periods = append(out.Periods, p)
		}
		evs, err := s.InstitutionEvents(ctx, inst.ID, eventHistory)
		if err != nil {
			return err
		}
		for _, e := range evs {
			ev := APIDisclosureEvent{Kind: string(e.Kind), Category: string(e.Category), Title: e.Title,
				OccurredAt: e.OccurredAt.In(models.ChinaTime).Format("2006-01-02T15:04:05+08:00"),
				ReportedAt: e.FiledAt.In(models.ChinaTime).Format("2006-01-02T15:04:05+08:00"), Late: e.Late()}
			if e.ClosedAt != nil {
				d := models.DateOf(*e.ClosedAt).String()
				ev.ClosedOn = &d
			}
			out.Events = append(out.Events, ev)
		}
		return writeJSON(c, out)
	}
}
