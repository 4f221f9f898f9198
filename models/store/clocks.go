package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// clockEntry is one row of clock_history.
type clockEntry struct {
	ID         int64
	ClockID    int64
	At         time.Time
	ActorID    *int64
	ActorName  string
	Kind       string
	OldDue     *models.Date
	NewDue     *models.Date
	OldPending int
	NewPending int
	Note       string
}

func (clockEntry) TableName() string { return "clock_history" }

func logClock(tx *gorm.DB, a Actor, c *models.Clock, kind, note string, oldDue *models.Date, oldPending int) error {
	return tx.Create(&clockEntry{ClockID: c.ID, At: a.Now, ActorID: a.id(), ActorName: a.name(), Kind: kind,
		OldDue: oldDue, NewDue: c.DueDate, OldPending: oldPending, NewPending: c.PendingYear, Note: note}).Error
}

// txCalendar reads the calendar as the transaction sees it.
func txCalendar(tx *gorm.DB) (*models.Calendar, error) {
	return (&Store{db: tx}).readCalendar(tx.Statement.Context)
}

// clockLength is how long a stage's clock runs for the application's city: the
// officer's correction period, the city's notice days, its service time, or the statute.
func clockLength(tx *gorm.DB, app *models.Application, ri models.ClockRuleInfo, in DecisionInput) (int, error) {
	switch ri.Length {
	case models.LengthOfficer:
		if in.CorrectionDays > 0 {
			return in.CorrectionDays, nil
		}
		return ri.DefaultLength, nil
	case models.LengthCity:
		return noticeDays(tx, app.InstitutionID)
	case models.LengthService:
		var days []int
		err := tx.Raw(`SELECT st.working_days FROM city_service_times st JOIN divisions d ON d.parent_id = st.city_id
			JOIN institutions i ON i.district_id = d.id WHERE i.id = ? AND st.rule = ?`, app.InstitutionID, string(ri.Rule)).
			Scan(&days).Error
		if err != nil || len(days) == 0 {
			return ri.DefaultLength, err
		}
		return days[0], nil
	}
	return ri.DefaultLength, nil
}

// advanceClocks moves the application's clocks with a transition from → to, inside the
// decision's transaction: the stage left ends its clock (met, or stopped when the stage
// was cut short), a review sent back for correction pauses instead and resumes on the
// resubmission, and the stage entered starts its own. The application's current clock
// and the due_* mirror are written last.
func advanceClocks(tx *gorm.DB, a Actor, app *models.Application, ev models.Event, from, to models.State, in DecisionInput) error {
	if from == to {
		return nil // a record within the stage (claim, assignment) moves no clock
	}
	cal, err := txCalendar(tx)
	if err != nil {
		return err
	}
	var open []*models.Clock
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("application_id = ? AND ended_at IS NULL", app.ID).
		Order("id").Find(&open).Error; err != nil {
		return err
	}
	var current *models.Clock
	for _, c := range open {
		ri, _ := models.ClockRuleOf(c.Rule)
		oldDue, oldPending := c.DueDate, c.PendingYear
		switch {
		case to == models.StateCorrection && ri.Stage == from:
			// 补正期间不计入审核办理时限
			if err := c.Pause(cal, a.Now, "等待机构补正"); err != nil {
				return err
			}
			if err := saveClock(tx, c); err != nil {
				return err
			}
			if err := logClock(tx, a, c, "pause", "退回补正，"+ri.Name+"期限暂停计算", oldDue, oldPending); err != nil {
				return err
			}
			continue
		case c.Paused && from == models.StateCorrection && ri.Stage == to:
			if err := c.Resume(cal, a.Now); err != nil {
				return err
			}
			current = c
			if err := saveClock(tx, c); err != nil {
				return err
			}
			if err := logClock(tx, a, c, "resume", "机构补正后重新提交，"+ri.Name+"期限恢复计算", oldDue, oldPending); err != nil {
				return err
			}
			continue
		case ri.Stage == from:
			outcome, note := models.ClockMet, ev.Label()
			switch ev { // the stage was cut short, not completed
			case models.EventRevoke:
				outcome, note = models.ClockStopped, "公示已撤销"
			case models.EventRevokeCertificate:
				outcome, note = models.ClockStopped, "合格证明已撤销"
			case models.EventAbandon:
				outcome = models.ClockStopped
			}
			c.End(a.Now, outcome, note)
		case c.Paused && from == models.StateCorrection:
			// a joint review sent back: the resubmission goes to district review again
			c.End(a.Now, models.ClockStopped, "补正后重新进入区级审核")
		case to.Terminal():
			c.End(a.Now, models.ClockStopped, "申请已办结："+to.Label())
		default:
			continue
		}
		if err := saveClock(tx, c); err != nil {
			return err
		}
		if err := logClock(tx, a, c, "end", c.EndNote, oldDue, oldPending); err != nil {
			return err
		}
	}
	if ri, ok := models.StageClock(to); ok && current == nil {
		n, err := clockLength(tx, app, ri, in)
		if err != nil {
			return err
		}
		if ri.Rule == models.RuleNotice && n < models.MinNoticeDays {
			return models.Errorf(models.EInvalid, "公示期为 %d 个自然日，不得少于 %d 个自然日（《网贷机构整改验收方案》四(二)5(1)）", n, models.MinNoticeDays)
		}
		c, err := models.NewClock(cal, ri, app.ID, n, a.Now)
		if err != nil {
			return err
		}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if err := logClock(tx, a, c, "start", ri.Name+"，"+models.LengthText(c.DayType, c.Length), nil, 0); err != nil {
			return err
		}
		current = c
	}
	return setCurrentClock(tx, app, current)
}

func saveClock(tx *gorm.DB, c *models.Clock) error {
	return tx.Model(c).Select("pauses", "paused", "due_date", "due_at", "pending_year", "ended_at", "outcome", "end_note", "updated_at").
		Updates(c).Error
}

// setCurrentClock points the application at its stage's clock and mirrors the due date
// (none while pending or paused) into the due_* columns.
func setCurrentClock(tx *gorm.DB, app *models.Application, c *models.Clock) error {
	app.ClockID, app.DueDate, app.DueKind, app.DueLabel = nil, nil, "", ""
	if c != nil {
		app.ClockID, app.DueLabel = &c.ID, c.Label
		if c.DueDate != nil && c.DayType != models.ClockHours {
			app.DueDate, app.DueKind = c.DueDate, models.DeadlineKind(c.DayType)
		}
	}
	return tx.Model(app).Select("clock_id", "due_date", "due_kind", "due_label").Updates(app).Error
}

// recomputeClocks works out again every clock the calendar change of year may move,
// records each change and updates the applications that run on it. It returns how many
// clocks changed.
func recomputeClocks(tx *gorm.DB, a Actor, cal *models.Calendar, year int, why string) (int, error) {
	var cs []*models.Clock
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("day_type = 'working' AND (pending_year <> 0 OR due_date >= ?) AND started_at < ?",
			fmt.Sprintf("%d-01-01", year), models.NewDate(year+1, 1, 1).Start()).
		Order("id").Find(&cs).Error
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, c := range cs {
		oldDue, oldPending := c.DueDate, c.PendingYear
		moved, err := c.Recompute(cal)
		if err != nil {
			return 0, err
		}
		if !moved {
			continue
		}
		changed++
		c.UpdatedAt = a.Now
		if err := saveClock(tx, c); err != nil {
			return 0, err
		}
		if err := logClock(tx, a, c, "recompute", why, oldDue, oldPending); err != nil {
			return 0, err
		}
		var kind models.DeadlineKind
		if c.DueDate != nil {
			kind = models.DeadlineWorking
		}
		if err := tx.Model(&models.Application{}).Where("clock_id = ?", c.ID).
			Updates(map[string]any{"due_date": c.DueDate, "due_kind": kind}).Error; err != nil {
			return 0, err
		}
		if c.Open() {
			if err := notifyClockChange(tx, a, c, oldDue, oldPending, why); err != nil {
				return 0, err
			}
		}
		// the failure notice keeps the objection deadline it announced
		if c.Rule == models.RuleObjectionWindow {
			if err := tx.Table("failure_notices").Where("clock_id = ?", c.ID).Update("objection_deadline", c.DueDate).Error; err != nil {
				return 0, err
			}
		}
	}
	return changed, nil
}

// notifyClockChange tells the platform and the district officer holding the case that
// a running deadline now has its due date, or a new one.
func notifyClockChange(tx *gorm.DB, a Actor, c *models.Clock, oldDue *models.Date, oldPending int, why string) error {
	var app models.Application
	if err := tx.Take(&app, c.ApplicationID).Error; err != nil {
		return err
	}
	var inst models.Institution
	if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
		return err
	}
	ids, err := recipients(tx, models.NotifyPlatform, &inst)
	if err != nil {
		return err
	}
	if app.AssigneeID != nil {
		ids = append(ids, *app.AssigneeID)
	}
	due := "待定"
	switch {
	case c.DueDate != nil:
		due = c.DueDate.String()
	case c.PendingYear != 0:
		due = models.PendingCalendarText(c.PendingYear)
	}
	title := fmt.Sprintf("%s 的%s已确定：%s", inst.Name, c.Label, due)
	if oldPending == 0 && oldDue != nil {
		title = fmt.Sprintf("%s 的%s已由 %s 调整为 %s", inst.Name, c.Label, oldDue, due)
	}
	body := why + "。依据：" + c.Citation
	for _, uid := range ids {
		n := Notification{UserID: uid, ApplicationID: &app.ID, At: a.Now, Kind: models.NotifyDeadline, Title: title, Body: body,
			Link: fmt.Sprintf("/applications/%d", app.ID)}
		if err := tx.Create(&n).Error; err != nil {
			return err
		}
	}
	return nil
}

// Clocks lists an application's clocks, oldest first.
func (s *Store) Clocks(ctx context.Context, appID int64) ([]models.Clock, error) {
	var cs []models.Clock
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Order("id").Find(&cs).Error
	return cs, err
}

// ClockByID loads one clock.
func (s *Store) ClockByID(ctx context.Context, id int64) (*models.Clock, error) {
	var c models.Clock
	if err := s.db.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, notFound(err, "期限")
	}
	return &c, nil
}

// ClockHistoryRow is one change of a clock, for the application page.
type ClockHistoryRow struct {
	ClockID    int64
	At         time.Time
	ActorName  string
	Kind       string
	OldDue     *models.Date
	NewDue     *models.Date
	OldPending int
	NewPending int
	Note       string
}

// ClockHistory lists the changes of an application's clocks, oldest first.
func (s *Store) ClockHistory(ctx context.Context, appID int64) ([]ClockHistoryRow, error) {
	var rows []ClockHistoryRow
	err := s.db.WithContext(ctx).Table("clock_history h").Joins("JOIN clocks c ON c.id = h.clock_id").
		Joins("LEFT JOIN users u ON u.id = h.actor_id").
		Where("c.application_id = ?", appID).Select(`h.clock_id, h.at, COALESCE(u.display_name, h.actor_name) AS actor_name,
			h.kind, h.old_due, h.new_due, h.old_pending, h.new_pending, h.note`).
		Order("h.id").Scan(&rows).Error
	return rows, err
}

// PendingYear is an unpublished year open clocks wait for.
type PendingYear struct {
	Year   int
	Clocks int
}

// PendingCalendarYears lists the years that open clocks wait for, with how many; the
// admin is told to add them.
func (s *Store) PendingCalendarYears(ctx context.Context) ([]PendingYear, error) {
	var out []PendingYear
	err := s.db.WithContext(ctx).Raw(`SELECT pending_year AS year, count(*) AS clocks FROM clocks
		WHERE pending_year <> 0 AND ended_at IS NULL GROUP BY pending_year ORDER BY pending_year`).Scan(&out).Error
	return out, err
}

// currentClock is the clock of the application's current stage, or nil.
func currentClock(tx *gorm.DB, app *models.Application) (*models.Clock, error) {
	if app.ClockID == nil {
		return nil, nil
	}
	var c models.Clock
	if err := tx.Take(&c, *app.ClockID).Error; err != nil {
		return nil, err
	}
	return &c, nil
}

// objectionClock is the objection window started with a failure notice.
func objectionClock(tx *gorm.DB, app *models.Application) (*models.Clock, error) {
	var c models.Clock
	err := tx.Where("application_id = ? AND rule = ?", app.ID, string(models.RuleObjectionWindow)).Order("id DESC").Take(&c).Error
	if err != nil {
		return nil, err
	}
	return &c, nil
}
