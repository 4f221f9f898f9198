package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// CityClockSettings are a city's stage service times (办理时限) and the campaign's end.
type CityClockSettings struct {
	City        models.Division
	ServiceDays map[models.ClockRule]int // set by the city; a missing rule takes the default
	CampaignEnd models.Date              // zero when not set
	NoticeDays  int
}

// Days is the service time of rule for the city, its default when the city set none.
func (c CityClockSettings) Days(ri models.ClockRuleInfo) (int, bool) {
	if n, ok := c.ServiceDays[ri.Rule]; ok {
		return n, true
	}
	return ri.DefaultLength, false
}

// ClockSettingsCities lists the cities whose settings the user may see and set: their
// own for a city officer, every city for an admin.
func (s *Store) ClockSettingsCities(ctx context.Context, u *models.User) ([]CityClockSettings, error) {
	cities, err := settableCities(s.db.WithContext(ctx), u)
	if err != nil {
		return nil, err
	}
	out := make([]CityClockSettings, 0, len(cities))
	for _, c := range cities {
		cs, err := cityClockSettings(s.db.WithContext(ctx), c)
		if err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, nil
}

func cityClockSettings(db *gorm.DB, c models.Division) (CityClockSettings, error) {
	cs := CityClockSettings{City: c, ServiceDays: map[models.ClockRule]int{}, NoticeDays: models.MinNoticeDays}
	var rows []struct {
		Rule        string
		WorkingDays int
	}
	if err := db.Raw("SELECT rule, working_days FROM city_service_times WHERE city_id = ?", c.ID).Scan(&rows).Error; err != nil {
		return cs, err
	}
	for _, r := range rows {
		cs.ServiceDays[models.ClockRule(r.Rule)] = r.WorkingDays
	}
	var set []struct {
		NoticeDays  int
		CampaignEnd models.Date
	}
	if err := db.Raw("SELECT notice_days, campaign_end FROM city_settings WHERE city_id = ?", c.ID).Scan(&set).Error; err != nil {
		return cs, err
	}
	if len(set) > 0 {
		cs.NoticeDays, cs.CampaignEnd = set[0].NoticeDays, set[0].CampaignEnd
	}
	return cs, nil
}

// CampaignEndFor is the campaign end date of the user's city (a district officer's
// city, a city officer's own), or zero when none is set or the user has no city.
func (s *Store) CampaignEndFor(ctx context.Context, u *models.User) (models.Date, error) {
	var ends []models.Date
	err := s.db.WithContext(ctx).Raw(`SELECT cs.campaign_end FROM city_settings cs JOIN divisions c ON c.id = cs.city_id
		LEFT JOIN divisions d ON d.parent_id = c.id
		WHERE cs.campaign_end IS NOT NULL AND (c.id = ? OR d.id = ?) LIMIT 1`, models.IDOrZero(u.DivisionID), models.IDOrZero(u.DivisionID)).
		Scan(&ends).Error
	if err != nil || len(ends) == 0 {
		return models.Date{}, err
	}
	return ends[0], nil
}

// SetCityClockSettings saves a city's service times and campaign end. Clocks already
// running keep the length they started with; the new times apply to stages entered from
// now on. The old and new values go to the audit log.
func (s *Store) SetCityClockSettings(ctx context.Context, a Actor, cityID int64, days map[models.ClockRule]int, campaignEnd models.Date) error {
	if a.User == nil || (a.User.Role != models.RoleAdmin && (a.User.Role != models.RoleCity || models.IDOrZero(a.User.DivisionID) != cityID)) {
		return models.Errorf(models.EForbidden, "只能设定本市的办理时限")
	}
	for _, ri := range models.ServiceTimeRules() {
		if n, ok := days[ri.Rule]; ok {
			if err := models.ValidateServiceDays(ri.Name, n); err != nil {
				return models.FieldErrorf("days_"+string(ri.Rule), models.EInvalid, "%s", models.ErrorMessage(err))
			}
		}
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var city models.Division
		if err := tx.Where("id = ? AND level = ?", cityID, models.LevelCity).Take(&city).Error; err != nil {
			return notFound(err, "城市")
		}
		old, err := cityClockSettings(tx, city)
		if err != nil {
			return err
		}
		var changes []string
		for _, ri := range models.ServiceTimeRules() {
			n, ok := days[ri.Rule]
			if !ok {
				continue
			}
			was, _ := old.Days(ri)
			if err := tx.Exec(`INSERT INTO city_service_times (city_id, rule, working_days, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (city_id, rule) DO UPDATE SET working_days = EXCLUDED.working_days, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
				cityID, string(ri.Rule), n, a.id(), a.Now).Error; err != nil {
				return err
			}
			if was != n {
				changes = append(changes, fmt.Sprintf("%s %d→%d 个工作日", ri.Name, was, n))
			}
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "city_id"}}, DoUpdates: clause.Assignments(map[string]any{"campaign_end": campaignEnd})}).
			Table("city_settings").Create(map[string]any{"city_id": cityID, "notice_days": models.MinNoticeDays, "campaign_end": campaignEnd}).Error; err != nil {
			return err
		}
		if old.CampaignEnd != campaignEnd {
			changes = append(changes, fmt.Sprintf("整体完成时间 %s→%s", orDash(old.CampaignEnd.String()), orDash(campaignEnd.String())))
		}
		if len(changes) == 0 {
			return nil
		}
		return audit(tx, a, "设定办理时限", city.Name, strings.Join(changes, "；"))
	})
}

func orDash(s string) string {
	if s == "" {
		return "未设定"
	}
	return s
}
