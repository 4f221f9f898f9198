package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// CityWindow is a city with its application window, nil when none is set.
type CityWindow struct {
	City   models.Division
	Window *models.ApplicationWindow
}

// settableCities are the cities whose reference data (the application window, the
// service times) the user may set: every city for an admin, their own for a city
// officer, none for anyone else.
func settableCities(db *gorm.DB, u *models.User) ([]models.Division, error) {
	q := db.Where("level = ?", models.LevelCity).Order("code")
	switch u.Role {
	case models.RoleAdmin:
	case models.RoleCity:
		q = q.Where("id = ?", models.IDOrZero(u.DivisionID))
	default:
		q = q.Where("false")
	}
	var cities []models.Division
	return cities, q.Find(&cities).Error
}

// WindowCities lists the cities whose window the user may set: every city for an admin,
// their own for a city officer.
func (s *Store) WindowCities(ctx context.Context, u *models.User) ([]CityWindow, error) {
	cities, err := settableCities(s.db.WithContext(ctx), u)
	if err != nil {
		return nil, err
	}
	out := make([]CityWindow, 0, len(cities))
	for _, c := range cities {
		w, err := windowOf(s.db.WithContext(ctx), c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, CityWindow{City: c, Window: w})
	}
	return out, nil
}

func windowOf(db *gorm.DB, cityID int64) (*models.ApplicationWindow, error) {
	var w models.ApplicationWindow
	err := db.Where("city_id = ?", cityID).First(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &w, err
}

// cityOf is the city an institution is registered in.
func cityOf(db *gorm.DB, institutionID int64) (*models.Division, error) {
	var c models.Division
	err := db.Raw(`SELECT c.* FROM institutions i JOIN divisions d ON d.id = i.district_id
		JOIN divisions c ON c.id = d.parent_id WHERE i.id = ?`, institutionID).Scan(&c).Error
	if err == nil && c.ID == 0 {
		err = models.Errorf(models.ENotFound, "机构所属城市不存在")
	}
	return &c, err
}

// InstitutionWindow is the window of the institution's city and the city's name.
func (s *Store) InstitutionWindow(ctx context.Context, institutionID int64) (*models.ApplicationWindow, string, error) {
	c, err := cityOf(s.db.WithContext(ctx), institutionID)
	if err != nil {
		return nil, "", err
	}
	w, err := windowOf(s.db.WithContext(ctx), c.ID)
	return w, c.Name, err
}

// SetWindow sets a city's window. A city officer sets their own city's; an admin any.
func (s *Store) SetWindow(ctx context.Context, a Actor, cityID int64, start, end models.Date) error {
	if err := models.ValidateWindow(start, end); err != nil {
		return models.FieldErrorf("end_date", models.EInvalid, "%s", models.ErrorMessage(err))
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var city models.Division
		q := tx.Where("id = ? AND level = ?", cityID, models.LevelCity)
		if a.User.Role != models.RoleAdmin {
			q = q.Where("id = ?", models.IDOrZero(a.User.DivisionID))
		}
		if err := q.First(&city).Error; err != nil {
			return notFound(err, "城市")
		}
		w := models.ApplicationWindow{CityID: cityID, StartDate: start, EndDate: end, UpdatedBy: a.id(), UpdatedAt: a.Now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&w).Error; err != nil {
			return err
		}
		return audit(tx, a, "设定申请受理期", city.Name, fmt.Sprintf("%s 至 %s", start, end))
	})
}

// notAbandonable: the institution submitted in this window, has an application in
// progress or filed, or was already marked as having given up in this window.
const notAbandonable = `EXISTS (SELECT 1 FROM applications a JOIN application_types t ON t.code = a.type_code
	WHERE a.institution_id = i.id AND t.windowed AND (
		a.state NOT IN ('draft', 'abandoned', 'failed_final')
		OR a.submitted_at >= @start
		OR (a.state = 'abandoned' AND a.state_since >= @start)))`

// AbandonAfterWindows is the scheduled job of SPEC §3.3: once a city's window has
// closed, every institution of the city that did not submit in it is marked 视为放弃
// through the workflow's abandon event, by the system. It is idempotent: a second run,
// even at the same time, finds nothing left to do. It returns how many it marked.
func (s *Store) AbandonAfterWindows(ctx context.Context, now time.Time) (int, error) {
	var windows []models.ApplicationWindow
	if err := s.db.WithContext(ctx).Where("end_date < ?", models.DateOf(now)).Find(&windows).Error; err != nil {
		return 0, err
	}
	marked := 0
	for _, w := range windows {
		var ids []int64
		err := s.db.WithContext(ctx).Raw(`SELECT i.id FROM institutions i JOIN divisions d ON d.id = i.district_id
			WHERE d.parent_id = @city AND NOT `+notAbandonable+` ORDER BY i.id`,
			map[string]any{"city": w.CityID, "start": w.StartDate.Start()}).Scan(&ids).Error
		if err != nil {
			return marked, err
		}
		for _, id := range ids {
			done, err := s.abandon(ctx, id, w, now)
			if err != nil {
				return marked, err
			}
			if done {
				marked++
			}
		}
	}
	return marked, nil
}

func (s *Store) abandon(ctx context.Context, institutionID int64, w models.ApplicationWindow, now time.Time) (bool, error) {
	done := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// One runner per institution at a time; the check is repeated under the lock.
		if err := tx.Exec("SELECT pg_advisory_xact_lock(8301, ?::int)", institutionID).Error; err != nil {
			return err
		}
		var still bool
		err := tx.Raw(`SELECT NOT `+notAbandonable+` FROM institutions i WHERE i.id = @id`,
			map[string]any{"id": institutionID, "start": w.StartDate.Start()}).Scan(&still).Error
		if err != nil || !still {
			return err
		}
		var app models.Application
		err = tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("institution_id = ? AND state = ? AND type_code IN (SELECT code FROM application_types WHERE windowed)", institutionID, models.StateDraft).
			Order("id").First(&app).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			var code string
			if err := tx.Raw("SELECT code FROM application_types WHERE windowed ORDER BY position, code LIMIT 1").Scan(&code).Error; err != nil || code == "" {
				return err
			}
			app = models.Application{InstitutionID: institutionID, TypeCode: code, State: models.StateDraft, Version: 1,
				StateSince: now, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&app).Error; err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		in := DecisionInput{Opinion: fmt.Sprintf("申请受理期 %s 至 %s 届满，本机构未提交整改验收申请，视为放弃申请验收及备案资格（《网贷机构整改验收方案》四(二)1）。",
			w.StartDate, w.EndDate)}
		_, err = decideIn(tx, Actor{Now: now}, app.ID, models.EventAbandon, in, decideHooks{
			before: func(_ *gorm.DB, _ *models.Application, f *models.Facts) error { f.WindowEnd = w.EndDate; return nil },
		})
		if err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}
