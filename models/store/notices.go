package store

import (
	"gorm.io/gorm"

	"portal/models"
)

// onEnter runs what entering a state brings with it, inside the decision's transaction.
func onEnter(tx *gorm.DB, a Actor, app *models.Application, to models.State) error {
	if to == models.StatePublicNotice {
		return startNotice(tx, a, app)
	}
	return nil
}

// startNotice opens the public notice from today for the city's notice length.
func startNotice(tx *gorm.DB, a Actor, app *models.Application) error {
	days, err := noticeDays(tx, app.InstitutionID)
	if err != nil {
		return err
	}
	start := models.DateOf(a.Now)
	end, _, err := models.NoticePeriod(start, days)
	if err != nil {
		return err
	}
	n := models.PublicNotice{ApplicationID: app.ID, InstitutionID: app.InstitutionID, StartDate: start, EndDate: end,
		Days: days, Status: models.NoticeActive, CreatedAt: a.Now, UpdatedAt: a.Now}
	if err := tx.Create(&n).Error; err != nil {
		return err
	}
	app.DueDate, app.DueKind, app.DueLabel = &end, models.DeadlineNatural, "公示截止"
	return tx.Model(app).Select("due_date", "due_kind", "due_label").Updates(app).Error
}

// noticeDays is the institution's city's notice length, 14 by default.
func noticeDays(tx *gorm.DB, institutionID int64) (int, error) {
	var days int
	err := tx.Raw(`SELECT COALESCE((SELECT cs.notice_days FROM city_settings cs
		JOIN divisions d ON d.parent_id = cs.city_id
		JOIN institutions i ON i.district_id = d.id WHERE i.id = ?), ?)`, institutionID, models.MinNoticeDays).Row().Scan(&days)
	return days, err
}
