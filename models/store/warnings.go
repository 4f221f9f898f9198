package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
	"portal/urls"
)

// DefaultWarningServiceDays is the district's service time for a warning task when
// neither its city nor its province set one: a local setting, as the seeds fix none.
const DefaultWarningServiceDays = 10

// WarningTask is one early-warning task (预警处置) with its institution.
type WarningTask struct {
	ID              int64
	InstitutionID   int64
	DistrictID      int64
	Rule            models.WarningRule
	Period          int
	Detail          string
	OpenedAt        time.Time
	DueDate         *models.Date
	PendingYear     int
	ServiceDays     int
	Status          string
	Finding         string
	ClosedBy        *int64
	ClosedName      string
	ClosedAt        *time.Time
	InstitutionName string `gorm:"->"`
	USCC            string `gorm:"->;column:uscc"`
	DistrictName    string `gorm:"->"`
}

// TableName keeps gorm on the migration's table.
func (WarningTask) TableName() string { return "warning_tasks" }

// PeriodText is the task's month as yyyy-mm.
func (t WarningTask) PeriodText() string {
	return models.Period{Year: t.Period / 100, Month: t.Period % 100}.String()
}

// WarningSettings are the thresholds and the service time in force in a division, with
// what the division itself set.
type WarningSettings struct {
	Effective   models.WarningThresholds
	Own         models.WarningThresholds
	ServiceDays int
	OwnDays     int // 0: not set here
}

// WarningSettingsFor reads the settings in force for the user's own division (a city
// inherits its province's).
func (s *Store) WarningSettingsFor(ctx context.Context, divisionID int64) (*WarningSettings, error) {
	return warningSettings(s.db.WithContext(ctx), divisionID)
}

// warningSettings lays the division's rows over its parent's (a city over its province;
// for a district, its city over the province).
func warningSettings(db *gorm.DB, divisionID int64) (*WarningSettings, error) {
	var chain []int64 // the division and its ancestors, nearest first
	if err := db.Raw(`WITH RECURSIVE up(id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM divisions WHERE id = ?
			UNION ALL SELECT d.id, d.parent_id, up.depth + 1 FROM divisions d JOIN up ON d.id = up.parent_id)
		SELECT id FROM up ORDER BY depth`, divisionID).Scan(&chain).Error; err != nil {
		return nil, err
	}
	var rows []struct {
		DivisionID int64
		Rule       string
		Threshold  int64
	}
	if err := db.Raw("SELECT division_id, rule, threshold FROM warning_thresholds WHERE division_id IN ?", append(chain, 0)).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	var days []struct {
		DivisionID  int64
		ServiceDays int
	}
	if err := db.Raw("SELECT division_id, service_days FROM warning_settings WHERE division_id IN ?", append(chain, 0)).
		Scan(&days).Error; err != nil {
		return nil, err
	}
	ws := &WarningSettings{Effective: models.WarningThresholds{}, Own: models.WarningThresholds{}, ServiceDays: DefaultWarningServiceDays}
	for i := len(chain) - 1; i >= 0; i-- { // farthest first, so the nearest wins
		layer := models.WarningThresholds{}
		for _, r := range rows {
			if r.DivisionID == chain[i] {
				layer[models.WarningRule(r.Rule)] = r.Threshold
			}
		}
		ws.Effective = models.MergeThresholds(ws.Effective, layer)
		if i == 0 {
			ws.Own = layer
		}
		for _, d := range days {
			if d.DivisionID == chain[i] {
				ws.ServiceDays = d.ServiceDays
				if i == 0 {
					ws.OwnDays = d.ServiceDays
				}
			}
		}
	}
	return ws, nil
}

// SetWarningSettings replaces a province's or city's own thresholds and service time;
// a rule left out of own falls back to the level above. Audited.
func (s *Store) SetWarningSettings(ctx context.Context, a Actor, own models.WarningThresholds, serviceDays int) error {
	u := a.User
	if u == nil || u.DivisionID == nil || (u.Role != models.RoleCity && u.Role != models.RoleProvince) {
		return models.Errorf(models.EForbidden, "只有市、省级监管人员可以设置本辖区的预警阈值")
	}
	if serviceDays < 0 || serviceDays > 60 {
		return models.Errorf(models.EInvalid, "处置时限应为 1 至 60 个工作日，留空则沿用上级设置")
	}
	div := *u.DivisionID
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM warning_thresholds WHERE division_id = ?", div).Error; err != nil {
			return err
		}
		var parts []string
		for _, r := range models.WarningRules {
			v, ok := own[r.Rule]
			if !ok {
				continue
			}
			if err := tx.Exec("INSERT INTO warning_thresholds (division_id, rule, threshold, set_by, set_at) VALUES (?, ?, ?, ?, ?)",
				div, r.Rule, v, u.ID, a.Now).Error; err != nil {
				return err
			}
			parts = append(parts, r.Name+" "+r.ThresholdText(v))
		}
		if err := tx.Exec("DELETE FROM warning_settings WHERE division_id = ?", div).Error; err != nil {
			return err
		}
		if serviceDays > 0 {
			if err := tx.Exec("INSERT INTO warning_settings (division_id, service_days, set_by, set_at) VALUES (?, ?, ?, ?)",
				div, serviceDays, u.ID, a.Now).Error; err != nil {
				return err
			}
			parts = append(parts, fmt.Sprintf("处置时限 %d 个工作日", serviceDays))
		}
		detail := strings.Join(parts, "；")
		if detail == "" {
			detail = "全部沿用上级或默认设置"
		}
		return audit(tx, a, "设置预警阈值", "辖区 "+fmt.Sprint(div), detail)
	})
}

// WarningFilter narrows the task list.
type WarningFilter struct {
	Status string // open, closed, or "" for both
	Rule   models.WarningRule
	Query  string // institution name or USCC contains
}

func (s *Store) warningQuery(ctx context.Context, u *models.User, f WarningFilter) *gorm.DB {
	q := scopeInstitutions(s.db.WithContext(ctx).Table("warning_tasks").
		Joins("JOIN institutions ON institutions.id = warning_tasks.institution_id"), u)
	if f.Status != "" {
		q = q.Where("warning_tasks.status = ?", f.Status)
	}
	if f.Rule != "" {
		q = q.Where("warning_tasks.rule = ?", f.Rule)
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	return q
}

const warningColumns = `warning_tasks.*, institutions.name AS institution_name, institutions.uscc, divisions.name AS district_name`

// ListWarningTasks is one page of the tasks in the user's jurisdiction: open before
// closed, the nearest due date first, then the newest.
func (s *Store) ListWarningTasks(ctx context.Context, u *models.User, f WarningFilter, p models.Page) ([]WarningTask, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.warningQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []WarningTask
	err := s.warningQuery(ctx, u, f).Select(warningColumns).
		Joins("JOIN divisions ON divisions.id = warning_tasks.district_id").
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "warning_tasks.status = 'closed', warning_tasks.due_date NULLS LAST, warning_tasks.id DESC"}}).
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// EachWarningTask calls fn for every task matching f, for exports.
func (s *Store) EachWarningTask(ctx context.Context, u *models.User, f WarningFilter, fn func(WarningTask) error) error {
	for page := 1; ; page++ {
		rows, _, err := s.ListWarningTasks(ctx, u, f, models.Page{Number: page, Size: 500})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < 500 {
			return nil
		}
	}
}

// WarningTaskByID loads a task in the user's jurisdiction.
func (s *Store) WarningTaskByID(ctx context.Context, u *models.User, id int64) (*WarningTask, error) {
	var rows []WarningTask
	err := s.warningQuery(ctx, u, WarningFilter{}).Select(warningColumns).
		Joins("JOIN divisions ON divisions.id = warning_tasks.district_id").
		Where("warning_tasks.id = ?", id).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, models.Errorf(models.ENotFound, "预警任务不存在或不在您的辖区")
	}
	return &rows[0], nil
}

// CloseWarningTask records the district officer's finding and evidence and closes the
// task, in one transaction: lock it in the officer's district, write, audit, and tell the
// city.
func (s *Store) CloseWarningTask(ctx context.Context, a Actor, id int64, finding string, files []FileRef) error {
	u := a.User
	if u == nil || u.Role != models.RoleDistrict {
		return models.Errorf(models.EForbidden, "预警任务由机构所在区(县)的监管人员处置")
	}
	if err := models.ValidateWarningFinding(finding); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t WarningTask
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ? AND district_id = ?", id, models.IDOrZero(u.DivisionID)).First(&t).Error
		if err != nil {
			return notFound(err, "预警任务")
		}
		if t.Status != "open" {
			return models.Errorf(models.EConflict, "该预警任务已于 %s 由 %s 处置完毕", models.DateTimeCN(*t.ClosedAt), t.ClosedName)
		}
		now := a.Now
		if err := tx.Model(&WarningTask{}).Where("id = ?", id).Updates(map[string]any{
			"status": "closed", "finding": finding, "closed_by": u.ID, "closed_name": u.DisplayName, "closed_at": now,
		}).Error; err != nil {
			return err
		}
		if err := attachFiles(tx, FilesWarningTask, id, files, now); err != nil {
			return err
		}
		var inst models.Institution
		if err := tx.First(&inst, t.InstitutionID).Error; err != nil {
			return err
		}
		info, _ := models.WarningRuleOf(t.Rule)
		if err := audit(tx, a, "处置预警", fmt.Sprintf("预警 %d（%s）", id, inst.Name), info.Name+"："+clip(finding, 200)); err != nil {
			return err
		}
		return notifyWarning(tx, &inst, models.NotifyCity, now, "预警已处置", inst.Name+"："+info.Name+"。处置意见："+clip(finding, 200), id)
	})
}

func notifyWarning(tx *gorm.DB, inst *models.Institution, scope models.NotifyScope, at time.Time, title, body string, taskID int64) error {
	ids, err := recipients(tx, scope, inst)
	if err != nil {
		return err
	}
	for _, uid := range ids {
		row := Notification{UserID: uid, At: at, Kind: models.NotifyWarning, Title: title, Body: body, Link: urls.WarningTask(taskID)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

// RunEarlyWarning evaluates every institution that reports monthly figures, for its
// latest reported month, and opens a task for each new breach. It returns how many tasks
// it opened. Safe to run again: a task is opened once per institution, rule and month.
func (s *Store) RunEarlyWarning(ctx context.Context, now time.Time) (int, error) {
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return 0, err
	}
	var ids []int64
	if err := s.db.WithContext(ctx).Raw("SELECT DISTINCT institution_id FROM disclosure_reports ORDER BY 1").Scan(&ids).Error; err != nil {
		return 0, err
	}
	opened := 0
	for _, id := range ids {
		n, err := s.warnInstitution(ctx, cal, id, now)
		if err != nil {
			return opened, fmt.Errorf("early warning for institution %d: %w", id, err)
		}
		opened += n
	}
	return opened, nil
}

// warnInstitution gathers one institution's facts and opens its tasks in one transaction.
func (s *Store) warnInstitution(ctx context.Context, cal *models.Calendar, instID int64, now time.Time) (int, error) {
	filed, err := s.IsFiled(ctx, instID)
	if err != nil {
		return 0, err
	}
	opened := 0
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var inst struct {
			models.Institution
			OperatingClass models.OperatingClass
		}
		if err := tx.Table("institutions").Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", instID).Scan(&inst).Error; err != nil {
			return err
		}
		rs, err := institutionRuleSet(tx, instID)
		if err != nil {
			return err
		}
		var periods []int
		if err := tx.Raw("SELECT DISTINCT period FROM disclosure_reports WHERE institution_id = ? ORDER BY period", instID).Scan(&periods).Error; err != nil {
			return err
		}
		if len(periods) == 0 {
			return nil
		}
		latest := periodOfKey(periods[len(periods)-1])
		cur, err := latestReport(tx, instID, latest)
		if err != nil || cur == nil {
			return err
		}
		var prevFigures *models.MonthlyFigures
		if prev, err := latestReport(tx, instID, latest.Prev()); err != nil {
			return err
		} else if prev != nil {
			prevFigures = &prev.Figures
		}
		facts := models.WarningFacts{Declared: cur.Figures, LatePeriods: latePeriods(cal, rs, periods, models.DateOf(now))}
		facts.Indicators = models.ComputeIndicatorsFor(models.IndicatorInput{Class: inst.OperatingClass, Cur: cur.Figures,
			Prev: prevFigures, CapViolations: -1, Filed: filed})
		var open int64
		if err := tx.Raw("SELECT count(*) FROM disclosure_events WHERE institution_id = ? AND kind = 'major' AND closed_at IS NULL", instID).
			Scan(&open).Error; err != nil {
			return err
		}
		facts.OpenEvents = int(open)
		if facts.Bank, err = bankFacts(tx, instID, latest); err != nil { // custody.go
			return err
		}
		ws, err := warningSettings(tx, inst.DistrictID)
		if err != nil {
			return err
		}
		for _, b := range models.EvaluateWarnings(ws.Effective, facts) {
			due, pending, err := models.WarningTaskDue(cal, models.DateOf(now), ws.ServiceDays)
			if err != nil {
				return err
			}
			res := tx.Exec(`INSERT INTO warning_tasks (institution_id, district_id, rule, period, detail, opened_at, due_date, pending_year, service_days)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (institution_id, rule, period) DO NOTHING`,
				instID, inst.DistrictID, b.Rule, latest.Key(), b.Detail, now, due, pending, ws.ServiceDays)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue
			}
			opened++
			var taskID int64
			if err := tx.Raw("SELECT id FROM warning_tasks WHERE institution_id = ? AND rule = ? AND period = ?", instID, b.Rule, latest.Key()).
				Scan(&taskID).Error; err != nil {
				return err
			}
			info, _ := models.WarningRuleOf(b.Rule)
			if err := audit(tx, Actor{Now: now}, "开启预警任务", fmt.Sprintf("预警 %d（%s）", taskID, inst.Name), b.Detail); err != nil {
				return err
			}
			if err := notifyWarning(tx, &inst.Institution, models.NotifyDistrict, now, "风险预警："+info.Name,
				b.Detail+"。请核查处置并上传佐证材料（"+info.Clause+"）", taskID); err != nil {
				return err
			}
		}
		return nil
	})
	return opened, err
}

// latePeriods are the months after the first reported one, up to last month, whose report
// is missing although its due date has passed (at most the last twelve).
func latePeriods(cal *models.Calendar, rs models.RuleSetID, reported []int, today models.Date) []models.Period {
	have := map[int]bool{}
	for _, k := range reported {
		have[k] = true
	}
	var out []models.Period
	last := models.PeriodOf(today).Prev()
	for p := periodOfKey(reported[0]).Next(); p.Key() <= last.Key(); p = p.Next() {
		if have[p.Key()] {
			continue
		}
		due, err := models.MonthlyReportDue(cal, rs, p)
		if err != nil || !today.After(due) {
			continue // not due yet, or its due date waits for a calendar
		}
		out = append(out, p)
	}
	if len(out) > 12 {
		out = out[len(out)-12:]
	}
	return out
}
