package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/pages/disclosure"
)

// PublicDisclosureStore is what the public disclosure page needs.
type PublicDisclosureStore interface {
	IsFiled(ctx context.Context, institutionID int64) (bool, error)
	PublicInstitution(ctx context.Context, id int64) (*models.Institution, error)
	InstitutionRuleSet(ctx context.Context, institutionID int64) (models.RuleSetID, error)
	LatestReports(ctx context.Context, institutionID int64, limit int) ([]models.MonthlyReport, error)
	InstitutionEvents(ctx context.Context, institutionID int64, limit int) ([]models.EventReport, error)
}

// publicPeriods is how many months the public page shows.
const publicPeriods = 12

// PublicDisclosure is /register/:id/disclosure, reached from the register: a filed
// institution's latest figures, their history and its event reports; no personal data
// (no submitter, no officer). An institution not filed is not found.
func PublicDisclosure(s PublicDisclosureStore) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		ok, err := s.IsFiled(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return models.Errorf(models.ENotFound, "备案名录中没有该机构")
		}
		inst, err := s.PublicInstitution(ctx, id)
		if err != nil {
			return err
		}
		rs, err := s.InstitutionRuleSet(ctx, id)
		if err != nil {
			return err
		}
		page := disclosure.PublicPage{Name: inst.Name, USCC: inst.USCC, RuleSet: rs.Label(), Items: models.MonthlyItems, Register: "/register"}
		reports, err := s.LatestReports(ctx, id, publicPeriods)
		if err != nil {
			return err
		}
		for _, r := range reports {
			pp := disclosure.PublicPeriod{Period: r.Figures.Period.String(), Version: r.Version}
			for _, it := range models.MonthlyItems {
				pp.Values = append(pp.Values, it.Display(r.Figures))
			}
			page.Periods = append(page.Periods, pp)
		}
		evs, err := s.InstitutionEvents(ctx, id, eventHistory)
		if err != nil {
			return err
		}
		for _, e := range evs {
			page.Events = append(page.Events, eventRow(e))
		}
		return Render(c, http.StatusOK, disclosure.Public(page))
	}
}
