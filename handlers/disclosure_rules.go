package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// RuleSettingStore is what the rule-set setting page needs.
type RuleSettingStore interface {
	RuleSetting(ctx context.Context, divisionID int64) (models.RuleSetID, error)
	SetRuleSetting(ctx context.Context, a store.Actor, rs models.RuleSetID) error
	Division(ctx context.Context, id int64) (*models.Division, error)
}

// Rules is /disclosure/rules: a province or city officer chooses which guideline binds the
// platforms of their division (SPEC §5); national by default, a city's choice first.
func (h *DisclosureMonitor) Rules(c echo.Context) error {
	return h.renderRules(c, http.StatusOK, nil)
}

func (h *DisclosureMonitor) renderRules(c echo.Context, status int, errs components.FieldErrors) error {
	u := CurrentUser(c)
	if u.Role != models.RoleCity && u.Role != models.RoleProvince {
		return models.Errorf(models.EForbidden, "只有省、市金融工作部门可以选择信息披露规则")
	}
	ctx := c.Request().Context()
	d, err := h.store.Division(ctx, models.IDOrZero(u.DivisionID))
	if err != nil {
		return err
	}
	own, err := h.store.RuleSetting(ctx, d.ID)
	if err != nil {
		return err
	}
	eff := own
	if u.Role == models.RoleCity && d.ParentID != nil {
		prov, err := h.store.RuleSetting(ctx, *d.ParentID)
		if err != nil {
			return err
		}
		eff = models.EffectiveRuleSet(prov, own)
	} else {
		eff = models.EffectiveRuleSet(own, "")
	}
	level := "市"
	if u.Role == models.RoleProvince {
		level = "省"
	}
	page := disclosure.RulesPage{Division: d.Name, Level: level, Current: string(own), Effective: eff.Label(), Errors: errs,
		Options: []components.Option{{Value: "", Label: "未设置（市从省，省默认全国指引）"},
			{Value: string(models.RuleSetNational), Label: models.RuleSetNational.Label()},
			{Value: string(models.RuleSetShanghai), Label: models.RuleSetShanghai.Label()}}}
	return Render(c, status, disclosure.Rules(page))
}

// SetRules saves the choice.
func (h *DisclosureMonitor) SetRules(c echo.Context) error {
	err := h.store.SetRuleSetting(c.Request().Context(), actor(c, h.now), models.RuleSetID(c.FormValue("rule_set")))
	if models.ErrorCode(err) == models.EInvalid {
		return h.renderRules(c, http.StatusUnprocessableEntity, components.FieldErrors{"rule_set": models.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.DisclosureRuleSettings, "已保存信息披露适用规则")
}
