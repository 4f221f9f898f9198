package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"portal/models"
	"portal/urls"
)

// ReminderDays is how many natural days before a due day the platform is reminded.
const ReminderDays = 3

// obligation is one due report of a filed institution on a day.
type obligation struct {
	key   string // disclosure_reminders.obligation
	what  string
	due   models.Date
	done  bool
	link  string
	scope []models.NotifyScope // who hears of a miss besides the platform
}

// SendDisclosureReminders finds every filed institution's due and missed obligations on
// now's day (the monthly figures, under the Shanghai set the quarterly ones, the yearly
// basic information and audit) and writes inbox notifications: a reminder within ReminderDays before the due
// day, a notice the day after it passed (to the platform and its district). Each
// obligation and stage is written once (disclosure_reminders), so the job may run any
// number of times. It returns how many notifications were written.
func (s *Store) SendDisclosureReminders(ctx context.Context, now time.Time) (int, error) {
	db := s.db.WithContext(ctx)
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return 0, err
	}
	today := models.DateOf(now)
	insts, err := s.filedInScope(db, &models.User{Role: models.RoleAdmin}, 0, "")
	if err != nil {
		return 0, err
	}
	written := 0
	for _, in := range insts {
		rs := models.EffectiveRuleSet(models.RuleSetID(in.Province), models.RuleSetID(in.City))
		var obs []obligation
		for _, p := range []models.Period{models.PeriodOf(today).Prev(), models.PeriodOf(today).Prev().Prev()} {
			if p.Key() < models.PeriodOf(in.FilingDate).Key() {
				continue
			}
			due, err := models.MonthlyReportDue(cal, rs, p)
			if err != nil {
				continue // a calendar year not yet published: no reminder rather than a guess
			}
			r, err := latestReport(db, in.ID, p)
			if err != nil {
				return written, err
			}
			obs = append(obs, obligation{key: "monthly:" + p.String(), what: p.String() + " 月度信息披露数据", due: due, done: r != nil,
				link: urls.PlatformMonthlyForm(p.String()), scope: []models.NotifyScope{models.NotifyDistrict}})
			if qr := models.DisclosureRules(rs).Quarterly; qr != nil && models.IsQuarterEnd(p) {
				// the quarter-end month's report is the quarterly report (QuarterlyReportStatus), due
				// 30 natural days after the quarter (seeds/002 §9(三)–(五))
				qdue, err := models.QuarterlyReportDue(rs, p)
				if err != nil {
					return written, err
				}
				obs = append(obs, obligation{key: "quarterly:" + p.String(), what: models.QuarterLabel(p) + " " + qr.Name, due: qdue,
					done: r != nil, link: urls.PlatformMonthlyForm(p.String()), scope: []models.NotifyScope{models.NotifyDistrict}})
			}
		}
		for _, k := range []models.AnnualDocKind{models.DocBasic, models.DocAudit} {
			due, err := s.AnnualDocDue(ctx, in.ID, k, today.Year)
			if err != nil {
				return written, err
			}
			if k == models.DocBasic && due == models.AnnualAuditDue(rs, today.Year) || due.Before(in.FilingDate) {
				continue // no separate basic-information date in the rule set; or due before the filing
			}
			var n int64
			if err := db.Table("disclosure_annual_docs").Where("institution_id = ? AND kind = ? AND year = ?", in.ID, k, today.Year).
				Count(&n).Error; err != nil {
				return written, err
			}
			obs = append(obs, obligation{key: fmt.Sprintf("annual-%s:%d", k, today.Year), what: fmt.Sprintf("%d 年%s", today.Year, k.Label()),
				due: due, done: n > 0, link: urls.PlatformAnnualDocs})
		}
		for _, o := range obs {
			if o.done {
				continue
			}
			var stage, title string
			var scopes []models.NotifyScope
			switch {
			case today.After(o.due):
				stage, title, scopes = "missed", "已逾期未报送："+o.what, append([]models.NotifyScope{models.NotifyPlatform}, o.scope...)
			case !today.Before(o.due.AddDays(-ReminderDays)):
				stage, title, scopes = "due_soon", "即将到期："+o.what, []models.NotifyScope{models.NotifyPlatform}
			default:
				continue
			}
			n, err := s.remind(db, in, o, stage, title, scopes, now)
			if err != nil {
				return written, err
			}
			written += n
		}
	}
	return written, nil
}

// remind writes one obligation's notifications once: the reminder row is the lock.
func (s *Store) remind(db *gorm.DB, in filedInstitution, o obligation, stage, title string, scopes []models.NotifyScope, now time.Time) (int, error) {
	written := 0
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO disclosure_reminders (institution_id, obligation, stage, at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, in.ID, o.key, stage, now)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		var inst models.Institution
		if err := tx.First(&inst, in.ID).Error; err != nil {
			return err
		}
		body := fmt.Sprintf("报送截止日 %s。", o.due)
		for _, sc := range scopes {
			ids, err := recipients(tx, sc, &inst)
			if err != nil {
				return err
			}
			for _, uid := range ids {
				n := Notification{UserID: uid, At: now, Kind: "disclosure_" + stage, Title: title, Body: body, Link: o.link}
				if sc != models.NotifyPlatform {
					n.Title, n.Link = inst.Name+" "+title, urls.InstitutionDisclosure(inst.ID)
				}
				if err := tx.Create(&n).Error; err != nil {
					return err
				}
				written++
			}
		}
		return nil
	})
	return written, err
}
