package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// Readiness is what an application's page shows about submitting it.
type Readiness struct {
	View       *ApplicationView
	File       *models.InstitutionFile
	Answers    map[int]SAAnswer
	Check      models.SubmissionCheck
	Window     *models.ApplicationWindow
	City       string
	Conditions models.Conditions
	CondErr    error // the conditions cannot be computed (no operating class yet)
	FileLock   string
}

// Readiness loads an application the user may see with everything that decides
// whether it may be submitted today.
func (s *Store) Readiness(ctx context.Context, u *models.User, appID int64, today models.Date) (*Readiness, error) {
	app, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	return readiness(s.db.WithContext(ctx), app, today)
}

func readiness(db *gorm.DB, app *models.Application, today models.Date) (*Readiness, error) {
	v, err := checklist(db, app)
	if err != nil {
		return nil, err
	}
	r := &Readiness{View: v}
	if r.File, err = loadFile(db, app.InstitutionID); err != nil {
		return nil, err
	}
	if r.Answers, err = answers(db, app.ID); err != nil {
		return nil, err
	}
	city, err := cityOf(db, app.InstitutionID)
	if err != nil {
		return nil, err
	}
	r.City = city.Name
	if r.Window, err = windowOf(db, city.ID); err != nil {
		return nil, err
	}
	if r.FileLock, err = fileLock(db, app.InstitutionID); err != nil {
		return nil, err
	}
	r.Conditions, r.CondErr = models.EvaluateFilingConditions(r.File.FilingFacts())
	custody, err := custodyCheck(db, app.InstitutionID) // hard line 6, decided by the custody bank list
	if err != nil {
		return nil, err
	}
	r.Check = models.SubmissionCheck{FileErrors: models.ValidateFile(*r.File, today), Items: v.Items,
		NeedsSA: v.Type.SelfAssessment, SelfAssessment: models.EvaluateSelfAssessmentWith(AnswerMap(r.Answers), custody)}
	if v.Type.SelfAssessment {
		r.Check.FileHardLines = models.FileHardLines(*r.File)
	}
	if v.Type.Windowed && app.State == models.StateDraft {
		r.Check.WindowErr = models.CheckSubmissionWindow(r.Window, r.City, today)
	}
	return r, nil
}

// SubmitEvent is the event that sends an application in its state to the district:
// the first submission from a draft, a resubmission after correction.
func SubmitEvent(s models.State) models.Event {
	if s == models.StateCorrection {
		return models.EventResubmit
	}
	return models.EventSubmit
}

// SubmitApplication submits (or, after a send-back, resubmits) the platform's own
// application. In one transaction it locks the application, re-checks everything
// Readiness shows, freezes the current version of every material, records the balance
// that routes it by scale, and applies the workflow event with the submitted files
// listed in the hash-chained decision.
func (s *Store) SubmitApplication(ctx context.Context, a Actor, appID int64, version int) (*models.Application, error) {
	var out *models.Application
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if a.User == nil || a.User.InstitutionID == nil {
			return models.Errorf(models.ENotFound, "申请不存在或不在您的管辖范围内")
		}
		// locked first: the materials are frozen, and the balance recorded, before the event
		app, err := lockFor(tx, a, appID)
		if err != nil {
			return err
		}
		if version != 0 && version != app.Version {
			return models.Errorf(models.EConflict, "申请已在其他页面提交或修改（当前状态：%s）。请刷新页面查看最新情况。", app.State.Label())
		}
		ev := SubmitEvent(app.State)
		r, err := readiness(tx, app, models.DateOf(a.Now))
		if err != nil {
			return err
		}
		if blockers := r.Check.Blockers(); len(blockers) > 0 {
			return models.Errorf(models.EInvalid, "%s", strings.Join(blockers, "\n"))
		}
		var inst models.Institution
		if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
			return err
		}
		app.Balance = inst.OutstandingBalance
		if err := tx.Model(app).Update("balance", app.Balance).Error; err != nil {
			return err
		}
		attachments, err := freezeMaterials(tx, a, r.View)
		if err != nil {
			return err
		}
		out, err = decideIn(tx, a, appID, ev, DecisionInput{Attachments: attachments}, decideHooks{
			before: func(_ *gorm.DB, _ *models.Application, f *models.Facts) error {
				if r.Window != nil {
					f.WindowEnd = r.Window.EndDate
				}
				return nil
			},
		})
		return err
	})
	return out, err
}

// freezeMaterials marks the current version of every file as submitted and lists them
// as "sha256 name" for the decision record.
func freezeMaterials(tx *gorm.DB, a Actor, v *ApplicationView) ([]string, error) {
	var ids []int64
	var refs []string
	for _, it := range v.Items {
		for _, s := range it.Slots {
			c := s.Current()
			if c == nil {
				continue
			}
			ids = append(ids, c.ID)
			name := it.Material.Name
			if s.Label != "" {
				name += "（" + s.Label + "）"
			}
			refs = append(refs, fmt.Sprintf("%s %s 第 %d 版：%s", c.SHA256, name, c.Version, c.Filename))
		}
	}
	if len(ids) > 0 {
		if err := tx.Model(&models.MaterialFile{}).Where("id IN ? AND frozen_at IS NULL", ids).Update("frozen_at", a.Now).Error; err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// AppFilter narrows the officers' list of applications.
type AppFilter struct {
	Query string // institution name or USCC contains
	State models.State
}

// submittedOrder is newest submission first, never submitted (视为放弃) last; the
// indexes applications_submitted_* of migration 00085 hold this key per jurisdiction.
var submittedOrder = keyset{desc: true, keys: []sortKey{
	{"COALESCE(applications.submitted_at, '-infinity'::timestamptz)", "timestamptz"},
	{"applications.id", "bigint"},
}}

func submittedKey(r *AppSummary) []string {
	return []string{timeKey(r.SubmittedAt, "-infinity"), idKey(r.ID)}
}

func (s *Store) submittedQuery(ctx context.Context, u *models.User, f AppFilter) *gorm.DB {
	q := scopeApplications(s.db.WithContext(ctx).Table("applications"), u).
		Where("applications.state <> 'draft'")
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("applications.institution_id IN (SELECT id FROM institutions WHERE name ILIKE ? OR uscc::text ILIKE ?)", like, like)
	}
	if f.State != "" {
		q = q.Where("applications.state = ?", f.State)
	}
	return q
}

func submittedRows(q *gorm.DB) *gorm.DB {
	return q.Select("applications.*, t.name AS type_name, institutions.name AS institution_name, institutions.uscc, divisions.name AS district_name").
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN application_types t ON t.code = applications.type_code").
		Joins("JOIN divisions ON divisions.id = applications.district_id")
}

// SubmittedPage is one page, at s, of the applications in the user's jurisdiction that
// have left the draft state, including those marked 视为放弃, newest first: a capped
// count and the page, both read from the jurisdiction's index in list order.
func (s *Store) SubmittedPage(ctx context.Context, u *models.User, f AppFilter, at models.Seek) ([]AppSummary, models.PageInfo, error) {
	return seekPage(s.db.WithContext(ctx), func() *gorm.DB { return s.submittedQuery(ctx, u, f) }, submittedRows, submittedOrder, at, submittedKey)
}

// SubmittedApplications is a numbered page of the same list with its exact count.
func (s *Store) SubmittedApplications(ctx context.Context, u *models.User, f AppFilter, p models.Page) ([]AppSummary, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.submittedQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []AppSummary
	err := submittedRows(s.submittedQuery(ctx, u, f)).Order(submittedOrder.order(false)).
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}
