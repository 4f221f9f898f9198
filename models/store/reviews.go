package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// lockScoped locks the application FOR UPDATE if the user's jurisdiction covers it;
// anything else is ENotFound, so a decision cannot reach outside the jurisdiction.
func lockScoped(tx *gorm.DB, u *models.User, id int64) (*models.Application, error) {
	var app models.Application
	q := scopeInstitutions(tx.Table("applications").Joins("JOIN institutions ON institutions.id = applications.institution_id"), u)
	err := q.Where("applications.id = ?", id).Select("applications.*").
		Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "applications"}}).Take(&app).Error
	if err != nil {
		return nil, notFound(err, "申请")
	}
	return &app, nil
}

// Act applies an event that needs nothing beyond the workflow's own rules: the city's
// pass, disagreement and confirmation (four-eyes), the province's joint-review pass,
// and the platform's resubmission.
func (s *Store) Act(ctx context.Context, a Actor, appID int64, ev models.Event, opinion string, version int) (*models.Application, error) {
	if a.User != nil && a.User.Role == models.RoleDistrict && ev == models.EventPass {
		return s.DistrictPass(ctx, a, appID, opinion, false, "", version) // with the materials rule, no override
	}
	return s.decide(ctx, a, appID, ev, DecisionInput{Opinion: opinion, Version: version}, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			if a.User.Role == models.RoleDistrict {
				return s.districtReady(tx, a, app, ev)
			}
			return nil
		},
		after: func(tx *gorm.DB, app *models.Application, decisionID int64) error {
			if a.User.Role == models.RoleDistrict && ev == models.EventPass {
				return writeOpinion(tx, a, app, decisionID, true, opinion)
			}
			return nil
		},
	})
}

// districtReady applies the district's own rule: claimed by the actor, and the on-site
// check recorded before a pass or fail. An officer who lost the case is told who holds it
// and since when.
func (s *Store) districtReady(tx *gorm.DB, a Actor, app *models.Application, ev models.Event) error {
	if app.State != models.StateDistrictReview {
		return nil // the workflow refuses it with the state's own message
	}
	var checks int64
	if err := tx.Table("onsite_checks").Where("application_id = ?", app.ID).Count(&checks).Error; err != nil {
		return err
	}
	c := models.DistrictDecisionCheck{Event: ev, ActorID: a.User.ID, AssigneeID: models.IDOrZero(app.AssigneeID), OnsiteCheck: checks > 0}
	if c.AssigneeID != 0 && c.AssigneeID != c.ActorID {
		var holder struct {
			Name string
			At   *time.Time
		}
		err := tx.Raw(`SELECT u.display_name AS name, (SELECT max(at) FROM decisions WHERE application_id = ? AND event IN ?) AS at
			FROM users u WHERE u.id = ?`, app.ID, []models.Event{models.EventClaim, models.EventAssign}, c.AssigneeID).Scan(&holder).Error
		if err != nil {
			return err
		}
		c.AssigneeName = holder.Name
		if holder.At != nil {
			c.AssignedAt = *holder.At
		}
	}
	return models.CheckDistrictDecision(c)
}

// DistrictPass is the district's pass: besides the district's own rule, every required
// material must have been accepted, or the officer overrides that with a reason, which
// goes into the history as its own row just before the pass.
func (s *Store) DistrictPass(ctx context.Context, a Actor, appID int64, opinion string, override bool, reason string, version int) (*models.Application, error) {
	var pending []models.PendingMaterial
	return s.decide(ctx, a, appID, models.EventPass, DecisionInput{Opinion: opinion, Version: version}, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			if err := s.districtReady(tx, a, app, models.EventPass); err != nil {
				return err
			}
			if app.State != models.StateDistrictReview {
				return nil
			}
			v, err := checklist(tx, app)
			if err != nil {
				return err
			}
			pending = models.PendingRequired(v.Items)
			if err := models.CheckPassMaterials(pending, override, reason); err != nil {
				return err
			}
			if len(pending) == 0 {
				return nil
			}
			d := models.Decision{ApplicationID: app.ID, At: a.Now, ActorID: a.id(), ActorName: a.name(), Role: string(a.User.Role),
				Event: models.EventMaterialOverride, FromState: app.State, ToState: app.State, Opinion: models.OverrideOpinion(pending, reason)}
			if err := appendDecision(tx, &d); err != nil {
				return err
			}
			return auditDecision(tx, a, &d)
		},
		after: func(tx *gorm.DB, app *models.Application, decisionID int64) error {
			return writeOpinion(tx, a, app, decisionID, true, opinion)
		},
	})
}

// ReturnForCorrection sends the application back for correction (补正) with a period
// of days working days from today, counted on the official calendar by the correction
// clock; a period reaching a year without calendar data is recorded as pending, never
// refused. The review clock stands still until the platform resubmits.
func (s *Store) ReturnForCorrection(ctx context.Context, a Actor, appID int64, opinion string, days, version int) (*models.Application, error) {
	if err := models.ValidateCorrectionDays(days); err != nil {
		return nil, err
	}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	ri, _ := models.ClockRuleOf(models.RuleCorrection)
	preview, err := models.NewClock(cal, ri, appID, days, a.Now)
	if err != nil {
		return nil, err
	}
	returned, err := s.returnedMaterials(ctx, appID)
	if err != nil {
		return nil, err
	}
	if len(returned) > 0 && strings.TrimSpace(opinion) != "" {
		opinion += "\n退回的材料：\n" + strings.Join(returned, "\n")
	}
	in := DecisionInput{Opinion: opinion, Version: version, CorrectionDays: days,
		NoticeBody: fmt.Sprintf("补正期限：%s（%d 个工作日）。退回意见：%s", dueWords(preview), days, opinion)}
	return s.decide(ctx, a, appID, models.EventReturn, in, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			if a.User.Role == models.RoleDistrict {
				return s.districtReady(tx, a, app, models.EventReturn)
			}
			return nil
		},
	})
}

// Fail decides that the application did not pass: the failure notice lists the
// problems, orders the platform to stop new business and gives the objection deadline,
// 5 working days from today on the official calendar (the objection window clock,
// pending when it needs an unpublished year).
func (s *Store) Fail(ctx context.Context, a Actor, appID int64, problems []string, remarks string, version int) (*models.Application, error) {
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	today := models.DateOf(a.Now)
	ri, _ := models.ClockRuleOf(models.RuleObjectionWindow)
	window, err := models.NewClock(cal, ri, appID, 0, a.Now)
	if err != nil {
		return nil, err
	}
	text, err := models.FailureNoticeText(problems, window, remarks)
	if err != nil {
		return nil, err
	}
	in := DecisionInput{Opinion: text, Version: version,
		NoticeBody: fmt.Sprintf("异议截止日期：%s（自被告知之日起 %d 个工作日内）。%s", dueWords(window), models.ObjectionWorkingDays, models.StopBusinessOrder)}
	return s.decide(ctx, a, appID, models.EventFail, in, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			if a.User.Role == models.RoleDistrict {
				return s.districtReady(tx, a, app, models.EventFail)
			}
			return nil
		},
		after: func(tx *gorm.DB, app *models.Application, decisionID int64) error {
			names, err := divisionNames(tx, app.InstitutionID)
			if err != nil {
				return err
			}
			authority := models.ProvinceAuthority(names.Province)
			if a.User.Role == models.RoleDistrict {
				authority = models.DistrictAuthority(names.City, names.District)
				if err := writeOpinion(tx, a, app, decisionID, false, text); err != nil {
					return err
				}
			}
			fn := FailureNotice{ApplicationID: app.ID, DecisionID: decisionID, Problems: joinLines(problems), Remarks: remarks,
				Authority: authority, NotifiedOn: today, ClockID: app.ClockID, CreatedAt: a.Now}
			if window.DueDate != nil {
				fn.ObjectionDeadline = *window.DueDate
			}
			return tx.Create(&fn).Error
		},
	})
}

// dueWords is a clock's due date for a message: the date, or why it is not known yet.
func dueWords(c *models.Clock) string {
	if c.DueDate != nil {
		return c.DueDate.String() + " 前"
	}
	if c.PendingYear != 0 {
		return models.PendingCalendarText(c.PendingYear)
	}
	return "待定"
}

type divisionNameSet struct{ District, City, Province string }

func divisionNames(tx *gorm.DB, institutionID int64) (divisionNameSet, error) {
	var n divisionNameSet
	err := tx.Raw(`SELECT d.name, c.name, p.name FROM institutions i JOIN divisions d ON d.id = i.district_id
		JOIN divisions c ON c.id = d.parent_id JOIN divisions p ON p.id = c.parent_id WHERE i.id = ?`, institutionID).
		Row().Scan(&n.District, &n.City, &n.Province)
	return n, err
}

// DecisionByID loads one row of the decision history, for the chain check's report.
func (s *Store) DecisionByID(ctx context.Context, id int64) (*models.Decision, error) {
	var d models.Decision
	if err := s.db.WithContext(ctx).Take(&d, id).Error; err != nil {
		return nil, notFound(err, "决定记录")
	}
	return &d, nil
}

// RoundChanges is what changed between an application's two latest submissions.
type RoundChanges struct {
	Prev, Last time.Time
	Materials  []models.MaterialChange
	Fields     []models.FileChange
}

// ApplicationRoundChanges compares the last two submissions of an application the user
// may see: the materials submitted each time, and the institution file's fields saved in
// between. It is nil before the first resubmission.
func (s *Store) ApplicationRoundChanges(ctx context.Context, u *models.User, appID int64) (*RoundChanges, error) {
	app, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	return roundChanges(s.db.WithContext(ctx), app, nil)
}

// roundChanges compares the last two submissions of app; v is its checklist when the
// caller has loaded it already (nil: loaded here, only when there are two rounds).
func roundChanges(db *gorm.DB, app *models.Application, v *ApplicationView) (*RoundChanges, error) {
	var times []time.Time
	if err := db.Table("decisions").Where("application_id = ? AND event IN ?", app.ID,
		[]models.Event{models.EventSubmit, models.EventResubmit}).Pluck("at", &times).Error; err != nil {
		return nil, err
	}
	prev, last, ok := models.LastRound(times)
	if !ok {
		return nil, nil
	}
	if v == nil {
		var err error
		if v, err = checklist(db, app); err != nil {
			return nil, err
		}
	}
	var edits []models.FieldEdit
	err := db.Table("institution_file_change_fields f").Joins("JOIN institution_file_changes c ON c.id = f.change_id").
		Where("c.institution_id = ? AND c.at > ? AND c.at <= ?", app.InstitutionID, prev, last).
		Select("c.at, f.field, f.old_value AS old, f.new_value AS new").Order("c.id, f.position").Scan(&edits).Error
	if err != nil {
		return nil, err
	}
	return &RoundChanges{Prev: prev, Last: last, Materials: models.MaterialChanges(v.Items, prev, last),
		Fields: models.FieldChanges(edits, prev, last)}, nil
}

// returnedMaterials lists, numbered, the materials returned with a comment since the
// application was last submitted, for the send-back's opinion.
func (s *Store) returnedMaterials(ctx context.Context, appID int64) ([]string, error) {
	var rows []struct{ Name, ReviewComment string }
	err := s.db.WithContext(ctx).Raw(`SELECT m.name, am.review_comment FROM application_materials am
		JOIN material_types m ON m.id = am.material_id
		WHERE am.application_id = ? AND am.review_state = 'returned' AND am.reviewed_at >= COALESCE(
			(SELECT max(at) FROM decisions WHERE application_id = ? AND event IN ('submit', 'resubmit')), '-infinity')
		ORDER BY m.position, m.id`, appID, appID).Scan(&rows).Error
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%d. %s：%s", i+1, r.Name, r.ReviewComment)
	}
	return out, err
}
