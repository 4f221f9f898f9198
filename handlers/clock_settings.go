package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/city"
)

// ClockSettingsStore is what the service-time settings need of the store.
type ClockSettingsStore interface {
	ClockSettingsCities(ctx context.Context, u *models.User) ([]store.CityClockSettings, error)
	SetCityClockSettings(ctx context.Context, a store.Actor, cityID int64, days map[models.ClockRule]int, campaignEnd models.Date) error
}

// ClockSettings lets a city officer (their city) or an admin (every city) set each
// stage's service time and the campaign's end date.
type ClockSettings struct {
	store    ClockSettingsStore
	sessions Sessions
	now      Clock
}

// NewClockSettings builds the settings handlers.
func NewClockSettings(s ClockSettingsStore, sess Sessions, now Clock) *ClockSettings {
	return &ClockSettings{store: s, sessions: sess, now: now}
}

func deadlinesBase(u *models.User) string {
	if u.Role == models.RoleAdmin {
		return "/admin/deadlines"
	}
	return "/city/deadlines"
}

// Page shows a form per city.
func (h *ClockSettings) Page(c echo.Context) error {
	return h.render(c, http.StatusOK, 0, nil, nil)
}

func (h *ClockSettings) render(c echo.Context, status int, cityID int64, typed map[string]string, errs components.FieldErrors) error {
	u := CurrentUser(c)
	cities, err := h.store.ClockSettingsCities(c.Request().Context(), u)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	p := city.DeadlinesPage{Note: models.ServiceTimeNote}
	for _, cs := range cities {
		f := city.DeadlinesForm{City: cs.City.Name, Action: fmt.Sprintf("%s/%d", deadlinesBase(u), cs.City.ID),
			CampaignEnd: cs.CampaignEnd.String(), NoticeDays: strconv.Itoa(cs.NoticeDays)}
		if !cs.CampaignEnd.IsZero() {
			f.CampaignLeft = campaignLeft(cs.CampaignEnd, today)
		}
		for _, ri := range models.ServiceTimeRules() {
			n, set := cs.Days(ri)
			f.Stages = append(f.Stages, city.StageTime{Field: "days_" + string(ri.Rule), Name: ri.Name, Days: strconv.Itoa(n),
				Default: strconv.Itoa(ri.DefaultLength), Set: set, Citation: ri.Citation})
		}
		if cs.City.ID == cityID {
			f.Errors = errs
			f.CampaignEnd = typed["campaign_end"]
			for i := range f.Stages {
				f.Stages[i].Days = typed[f.Stages[i].Field]
			}
		}
		p.Forms = append(p.Forms, f)
	}
	for _, ri := range models.ClockRules {
		if ri.Length != models.LengthService {
			p.Statutory = append(p.Statutory, city.StageTime{Name: ri.Name, Days: statutoryLength(ri), Citation: ri.Citation})
		}
	}
	return Render(c, status, city.Deadlines(p))
}

func statutoryLength(ri models.ClockRuleInfo) string {
	switch ri.Length {
	case models.LengthOfficer:
		return fmt.Sprintf("审核人员退回时设定（建议 %d 个工作日，最长 %d 个工作日）", models.DefaultCorrectionDays, models.MaxCorrectionDays)
	case models.LengthCity:
		return fmt.Sprintf("本市公示天数（不少于 %d 个自然日）", models.MinNoticeDays)
	}
	return models.LengthText(ri.DayType, ri.DefaultLength)
}

// campaignLeft is how the campaign end reads on today.
func campaignLeft(end, today models.Date) string {
	switch n := end.Sub(today); {
	case n < 0:
		return fmt.Sprintf("已超过 %d 天", -n)
	case n == 0:
		return "今日截止"
	default:
		return fmt.Sprintf("还剩 %d 天", n)
	}
}

// clockSettingsForm is a city's campaign end; the stages' service times, one field
// each (days_<rule>), are read beside it in Set.
type clockSettingsForm struct {
	CampaignEnd string `form:"campaign_end"`
}

// Set saves a city's settings; bad input re-renders with everything typed.
func (h *ClockSettings) Set(c echo.Context) error {
	cityID, err := idParam(c, "city")
	if err != nil {
		return err
	}
	var f clockSettingsForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	typed := map[string]string{"campaign_end": f.CampaignEnd}
	errs := components.FieldErrors{}
	days := map[models.ClockRule]int{}
	for _, ri := range models.ServiceTimeRules() {
		// one field a stage, named by its rule: read from the form the binder parsed
		field := "days_" + string(ri.Rule)
		typed[field] = strings.TrimSpace(c.Request().Form.Get(field))
		n, err := models.ParseServiceDays(ri.Name, typed[field])
		if err != nil {
			errs[field] = models.ErrorMessage(err)
		}
		if n != 0 {
			days[ri.Rule] = n
		}
	}
	var end models.Date
	if typed["campaign_end"] != "" {
		if end, err = models.ParseDate(typed["campaign_end"]); err != nil {
			errs["campaign_end"] = models.ErrorMessage(err)
		}
	}
	if len(errs) == 0 {
		err = h.store.SetCityClockSettings(c.Request().Context(), actor(c, h.now), cityID, days, end)
		if field, ok := models.ErrorField(err); ok {
			errs[field] = models.ErrorMessage(err)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, cityID, typed, errs)
	}
	return redirectWithFlash(c, h.sessions, deadlinesBase(CurrentUser(c)), "办理时限已保存，自今后进入各环节的申请起适用")
}
