package store

import "portal/models"

// PENDING(drules): these three stand in for the pure rules branch drules writes in
// models/ (EffectiveRuleSet, MonthlyReportDue, CheckMonthlyFigures). They are replaced
// by calls to those as soon as it is merged; no rule is decided here.

func effectiveRuleSet(province, city models.RuleSetID) models.RuleSetID {
	if city != "" {
		return city
	}
	if province != "" {
		return province
	}
	return models.RuleSetNational
}

func monthlyReportDue(cal *models.Calendar, rs models.RuleSetID, p models.Period) (models.Date, error) {
	first := p.Next().MonthEnd().AddDays(-p.Next().MonthEnd().Day + 1)
	if rs == models.RuleSetShanghai {
		return first.AddDays(8), nil
	}
	return cal.AddWorkingDays(first.AddDays(-1), 5)
}

func checkMonthlyFigures(cur models.MonthlyFigures, prev *models.MonthlyFigures) []models.FieldError {
	return nil
}
