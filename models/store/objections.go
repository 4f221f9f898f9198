package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// FailureNotice is the notice a failed application's platform receives.
type FailureNotice struct {
	ID                int64
	ApplicationID     int64
	DecisionID        int64
	Problems          string // one a line
	Remarks           string
	Authority         string
	NotifiedOn        models.Date
	ObjectionDeadline models.Date // zero while the objection clock waits for a calendar year
	ClockID           *int64      // the objection window clock (models.RuleObjectionWindow)
	CreatedAt         time.Time
}

// ProblemList is Problems as a list.
func (f FailureNotice) ProblemList() []string { return strings.Split(f.Problems, "\n") }

// Objection is a platform's objection to a failure notice.
type Objection struct {
	ID                int64
	ApplicationID     int64
	FailureNoticeID   int64
	DecisionID        int64
	Reasons           string
	SubmittedBy       *int64
	SubmittedAt       time.Time
	Outcome           string // "", upheld, rejected
	OutcomeDecisionID *int64
}

// Objection outcomes.
const (
	ObjectionUpheld   = "upheld"
	ObjectionRejected = "rejected"
)

// LatestFailureNotice is the application's most recent failure notice, or nil.
func (s *Store) LatestFailureNotice(ctx context.Context, appID int64) (*FailureNotice, error) {
	return latestFailureNotice(s.db.WithContext(ctx), appID)
}

func latestFailureNotice(db *gorm.DB, appID int64) (*FailureNotice, error) {
	var fn FailureNotice
	err := db.Where("application_id = ?", appID).Order("id DESC").Take(&fn).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &fn, err
}

// ObjectionTo is the objection filed against a failure notice, or nil.
func (s *Store) ObjectionTo(ctx context.Context, noticeID int64) (*Objection, error) {
	var o Objection
	err := s.db.WithContext(ctx).Where("failure_notice_id = ?", noticeID).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &o, err
}

// Object files the platform's objection with its evidence, before the deadline of the
// latest failure notice (the workflow's guard refuses it after).
func (s *Store) Object(ctx context.Context, a Actor, appID int64, reasons string, evidence []FileRef, version int) (*models.Application, error) {
	refs := make([]string, len(evidence))
	for i, f := range evidence {
		refs[i] = f.Attachment()
	}
	var notice *FailureNotice
	return s.decide(ctx, a, appID, models.EventObject, DecisionInput{Opinion: reasons, Attachments: refs, Version: version}, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			var err error
			if notice, err = latestFailureNotice(tx, app.ID); err != nil || notice == nil {
				return err // no notice: the guard says the deadline is unknown
			}
			f.ObjectionDeadline = notice.ObjectionDeadline
			if notice.ClockID != nil {
				var c models.Clock
				if err := tx.Take(&c, *notice.ClockID).Error; err != nil {
					return err
				}
				f.ObjectionPending = c.PendingYear
			}
			return nil
		},
		after: func(tx *gorm.DB, app *models.Application, decisionID int64) error {
			o := Objection{ApplicationID: app.ID, FailureNoticeID: notice.ID, DecisionID: decisionID, Reasons: reasons,
				SubmittedBy: a.id(), SubmittedAt: a.Now}
			if err := tx.Create(&o).Error; err != nil {
				return err
			}
			for _, f := range evidence {
				row := reviewFile(f, a, app.ID, FileEvidence, &o.ID)
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// ResolveObjection upholds (the application continues: city confirmation, or the joint
// review for a large platform) or rejects (failed_final) the pending objection.
func (s *Store) ResolveObjection(ctx context.Context, a Actor, appID int64, ev models.Event, opinion string, version int) (*models.Application, error) {
	if ev != models.EventUphold && ev != models.EventReject {
		return nil, models.Errorf(models.EInvalid, "异议复核只能认定异议成立或不成立")
	}
	return s.decide(ctx, a, appID, ev, DecisionInput{Opinion: opinion, Version: version}, decideHooks{
		after: func(tx *gorm.DB, app *models.Application, decisionID int64) error {
			outcome := ObjectionUpheld
			if ev == models.EventReject {
				outcome = ObjectionRejected
			}
			return tx.Model(&Objection{}).Where("application_id = ? AND outcome = ''", app.ID).
				Updates(map[string]any{"outcome": outcome, "outcome_decision_id": decisionID}).Error
		},
	})
}

// ExitFacts are what deciding the exit classification depends on, as of today.
func (s *Store) ExitFacts(ctx context.Context, app *models.Application, today models.Date) (models.ExitFacts, error) {
	f := models.ExitFacts{State: app.State, Today: today}
	fn, err := s.LatestFailureNotice(ctx, app.ID)
	if fn != nil {
		f.ObjectionDeadline = fn.ObjectionDeadline
	}
	return f, err
}

// RecordExit records how a finally failed institution exits, and keeps the institution's
// classification; a later record replaces the current values and keeps the old row.
func (s *Store) RecordExit(ctx context.Context, a Actor, appID int64, e models.ExitClass, c models.InstitutionClass, note string) error {
	if a.User == nil || !a.User.Role.IsOfficer() {
		return models.Errorf(models.EForbidden, "退出分类由监管部门工作人员登记")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockScoped(tx, a.User, appID)
		if err != nil {
			return err
		}
		f := models.ExitFacts{State: app.State, Today: models.DateOf(a.Now)}
		if fn, err := latestFailureNotice(tx, app.ID); err != nil {
			return err
		} else if fn != nil {
			f.ObjectionDeadline = fn.ObjectionDeadline
		}
		if errs := models.ValidateExit(f, e, c); len(errs) > 0 {
			for _, k := range []string{"_form", "exit_class", "institution_class"} {
				if errs[k] != "" {
					return models.Errorf(models.EInvalid, "%s", errs[k])
				}
			}
		}
		rec := models.ExitRecord{ApplicationID: app.ID, ExitClass: e, InstitutionClass: c, Note: strings.TrimSpace(note),
			RecordedBy: a.id(), RecordedName: a.User.DisplayName, RecordedAt: f.Today, CreatedAt: a.Now}
		if err := tx.Create(&rec).Error; err != nil {
			return err
		}
		if err := tx.Model(app).Update("exit_class", e).Error; err != nil {
			return err
		}
		if err := reclassify(tx, a, app.InstitutionID, c); err != nil {
			return err
		}
		if err := refreshInstitutionDistrict(tx, app.InstitutionID); err != nil {
			return err
		}
		return audit(tx, a, "登记退出分类", fmt.Sprintf("申请 %d", app.ID), e.Label()+"；"+c.Label())
	})
}

// ExitRecords lists an application's exit classifications, oldest first.
func (s *Store) ExitRecords(ctx context.Context, appID int64) ([]models.ExitRecord, error) {
	var rs []models.ExitRecord
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Order("id").Find(&rs).Error
	return rs, err
}

// reclassify keeps the institution's classification in its file, with the file's
// history of who changed what (the platform side's institution_file_changes).
func reclassify(tx *gorm.DB, a Actor, institutionID int64, c models.InstitutionClass) error {
	var old models.InstitutionClass
	if err := tx.Raw("SELECT classification FROM institutions WHERE id = ? FOR UPDATE", institutionID).Row().Scan(&old); err != nil {
		return err
	}
	if old == c {
		return nil
	}
	if err := tx.Table("institutions").Where("id = ?", institutionID).Update("classification", c).Error; err != nil {
		return err
	}
	oldLabel := old.Label()
	if old == "" {
		oldLabel = ""
	}
	rec := FileChangeRecord{InstitutionID: institutionID, At: a.Now, ActorID: a.id(), ActorName: personName(a), Role: roleOf(a),
		Fields: []FileChangeField{{Position: 1, Field: classificationLabel(), OldValue: oldLabel, NewValue: c.Label()}}}
	return tx.Create(&rec).Error
}

// classificationLabel is the file form's label of the classification field.
func classificationLabel() string {
	for _, f := range models.FileFields {
		if f.Name == "classification" {
			return f.Label
		}
	}
	return "专项整治分类"
}
