package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// CreateApplication opens a draft application for the institution; only one may be open
// per institution and type, and none after the latest one was certified, filed, finally
// failed or given up (models.CheckNewApplication).
func (s *Store) CreateApplication(ctx context.Context, a Actor, institutionID int64, typeCode string) (*models.Application, error) {
	app := &models.Application{InstitutionID: institutionID, TypeCode: typeCode, State: models.StateDraft, Version: 1,
		StateSince: a.Now, CreatedAt: a.Now, UpdatedAt: a.Now}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Serialise creations for the institution, so two at once see each other's row.
		if err := tx.Exec("SELECT 1 FROM institutions WHERE id = ? FOR UPDATE", institutionID).Error; err != nil {
			return err
		}
		var latest []models.State
		if err := tx.Model(&models.Application{}).Where("institution_id = ? AND type_code = ?", institutionID, typeCode).
			Order("id DESC").Limit(1).Pluck("state", &latest).Error; err != nil {
			return err
		}
		if len(latest) == 1 {
			if err := models.CheckNewApplication(latest[0]); err != nil {
				return err
			}
		}
		if err := tx.Create(app).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.Errorf(models.EConflict, "本机构已有一件进行中的申请，不能重复创建")
			}
			return err
		}
		return audit(tx, a, "创建申请", fmt.Sprintf("申请 %d", app.ID), typeCode)
	})
	if err != nil {
		return nil, err
	}
	return app, nil
}

// Application loads an application whose institution the user may see; others are 404.
func (s *Store) Application(ctx context.Context, u *models.User, id int64) (*models.Application, error) {
	var app models.Application
	q := scopeInstitutions(s.db.WithContext(ctx).Model(&models.Application{}).
		Joins("JOIN institutions ON institutions.id = applications.institution_id"), u)
	if err := q.Where("applications.id = ?", id).Select("applications.*").First(&app).Error; err != nil {
		return nil, notFound(err, "申请")
	}
	return &app, nil
}

// OpenApplication is the institution's open application of the type, or nil.
func (s *Store) OpenApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error) {
	var app models.Application
	err := s.db.WithContext(ctx).Where("institution_id = ? AND type_code = ? AND state NOT IN ?", institutionID, typeCode,
		models.ClosedStates).Order("id DESC").First(&app).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &app, err
}

// lockApplication loads the application FOR UPDATE, so concurrent decisions queue.
func lockApplication(tx *gorm.DB, id int64) (*models.Application, error) {
	var app models.Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&app, id).Error; err != nil {
		return nil, notFound(err, "申请")
	}
	return &app, nil
}

// DecisionInput is what an officer or platform sends with an event.
type DecisionInput struct {
	Opinion     string
	Attachments []string // "sha256 name" references of files already stored
	// Version is the application version the user's form showed; a different current
	// version means someone else acted first (or the form was sent twice).
	Version int
	// CorrectionDays is the correction period (补正期限) in working days set with a
	// return; the other stages' clocks take their length from the rules and the city.
	CorrectionDays int
	// NoticeBody adds details to the decision's notifications, e.g. the objection deadline.
	NoticeBody string
}

// decideHooks let a step add facts for the guards and check its own rule on the locked
// application (before), and write its records once the decision is in the history (after).
type decideHooks struct {
	before func(tx *gorm.DB, app *models.Application, f *models.Facts) error
	after  func(tx *gorm.DB, app *models.Application, decisionID int64) error
}

// ApplyEvent runs one workflow event on an application in its own transaction; facts may
// add what a feature's guards need. It is decideIn, the one way a decision is made.
func (s *Store) ApplyEvent(ctx context.Context, a Actor, appID int64, ev models.Event, in DecisionInput, facts func(tx *gorm.DB, app *models.Application, f *models.Facts) error) (*models.Application, error) {
	return s.decide(ctx, a, appID, ev, in, decideHooks{before: facts})
}

// decide runs decideIn in a transaction of its own.
func (s *Store) decide(ctx context.Context, a Actor, appID int64, ev models.Event, in DecisionInput, h decideHooks) (*models.Application, error) {
	var out *models.Application
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = decideIn(tx, a, appID, ev, in, h)
		return err
	})
	return out, err
}

// decideIn is the one way a workflow event is applied, inside tx: lock the application
// within the actor's jurisdiction (the system acts on every one), check the version the
// user's form showed, let the step add facts and check its own rule, apply the pure
// transition rule, write the new state, the hash-chained history row, the clocks and the
// notifications, then the step's own records. A step that decides twice (a revocation
// and the re-acceptance) calls it twice in one transaction.
func decideIn(tx *gorm.DB, a Actor, appID int64, ev models.Event, in DecisionInput, h decideHooks) (*models.Application, error) {
	if err := models.ValidateOpinion(in.Opinion); err != nil {
		return nil, err
	}
	app, err := lockFor(tx, a, appID)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != app.Version {
		// checked before the step's own rules, so a form sent twice is told it was
		// already handled rather than something about the new state
		return nil, staleVersion(app)
	}
	f := models.Facts{State: app.State, Balance: app.Balance, Opinion: in.Opinion, Evidence: len(in.Attachments)}
	if app.EnteredBy != nil {
		f.EnteredBy = *app.EnteredBy
	}
	if h.before != nil {
		if err := h.before(tx, app, &f); err != nil {
			return nil, err
		}
	}
	id, err := transition(tx, a, app, ev, f, in)
	if err != nil {
		return nil, err
	}
	if h.after != nil {
		if err := h.after(tx, app, id); err != nil {
			return nil, err
		}
	}
	// the dashboards' figures of the district, after the step's own records (a filing)
	if err := refreshInstitutionDistrict(tx, app.InstitutionID); err != nil {
		return nil, err
	}
	// a filing adds the institution to the ranking, leaving the filed state takes it off (00122)
	if f.State == models.StateFiled || app.State == models.StateFiled {
		if err := refreshInstitutionScores(tx, app.InstitutionID); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// lockFor locks the application for a decision by a: a user's only within their
// jurisdiction (anything else is ENotFound), the system's (a.User nil) anywhere.
func lockFor(tx *gorm.DB, a Actor, id int64) (*models.Application, error) {
	if a.User == nil {
		return lockApplication(tx, id)
	}
	return lockScoped(tx, a.User, id)
}

func staleVersion(app *models.Application) error {
	return models.Errorf(models.EConflict, "该申请已被他人处理或页面已过期（当前状态：%s）。请刷新页面查看最新情况，您的操作未生效。", app.State.Label())
}

// transition applies ev to the application decideIn has locked and writes everything that
// goes with it; it returns the history row's id.
func transition(tx *gorm.DB, a Actor, app *models.Application, ev models.Event, f models.Facts, in DecisionInput) (int64, error) {
	actor := models.Actor{System: a.User == nil}
	if a.User != nil {
		actor.UserID, actor.Role = a.User.ID, a.User.Role
	}
	to, err := models.Transition(f, ev, actor, a.Now)
	if err != nil {
		return 0, err
	}
	from := app.State
	if ev == models.EventSubmit {
		app.SubmittedAt = &a.Now
	}
	if ev == models.EventSubmit || ev == models.EventResubmit {
		// Scale routing uses the balance the institution file states when it applies.
		if err := tx.Raw("SELECT outstanding_balance FROM institutions WHERE id = ?", app.InstitutionID).Row().Scan(&app.Balance); err != nil {
			return 0, err
		}
	}
	app.State, app.Version, app.StateSince, app.UpdatedAt = to, app.Version+1, a.Now, a.Now
	app.EnteredBy = a.id()
	if err := tx.Model(app).Select("state", "version", "state_since", "updated_at", "entered_by", "submitted_at", "balance").Updates(app).Error; err != nil {
		return 0, err
	}
	role := "system"
	if a.User != nil {
		role = string(a.User.Role)
	}
	d := models.Decision{ApplicationID: app.ID, At: a.Now, ActorID: a.id(), ActorName: a.name(), Role: role, Event: ev,
		FromState: from, ToState: to, Opinion: in.Opinion, Attachments: models.JoinAttachments(in.Attachments)}
	if err := appendDecision(tx, &d); err != nil {
		return 0, err
	}
	if err := auditDecision(tx, a, &d); err != nil {
		return 0, err
	}
	if err := advanceClocks(tx, a, app, ev, from, to, in); err != nil {
		return 0, err
	}
	if err := onEnter(tx, a, app, to); err != nil {
		return 0, err
	}
	body := in.NoticeBody
	if body == "" {
		body = in.Opinion // the notification carries its reason
	}
	return d.ID, notify(tx, app, ev, to, a, body)
}

// appendDecision links the row to the chain's last hash. transition writes the decision's
// audit row beside it; another caller writes one itself (auditDecision or audit). An advisory lock keeps the chain
// linear when decisions on different applications commit at the same time.
func appendDecision(tx *gorm.DB, d *models.Decision) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(7301)").Error; err != nil {
		return err
	}
	var last models.Decision
	err := tx.Order("id DESC").Limit(1).Find(&last).Error
	if err != nil {
		return err
	}
	d.PrevHash = models.GenesisHash
	if last.ID != 0 {
		d.PrevHash = last.Hash
	}
	if err := tx.Raw("SELECT nextval('decisions_id_seq')").Scan(&d.ID).Error; err != nil {
		return err
	}
	d.Hash = models.DecisionHash(*d)
	return tx.Create(d).Error
}

// History lists an application's decisions, oldest first.
func (s *Store) History(ctx context.Context, appID int64) ([]models.Decision, error) {
	var ds []models.Decision
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Order("id").Find(&ds).Error
	return ds, err
}

// VerifyDecisionChain walks the whole chain from the first row, in keyset batches
// (chain.go), and returns the first break, if any, with the number of rows read. It
// neither reads nor moves the checkpoint: a restored backup is checked with it.
func (s *Store) VerifyDecisionChain(ctx context.Context) (*models.ChainBreak, int, error) {
	v := models.NewChainVerifier(models.GenesisHash)
	_, _, brk, err := s.walkDecisions(ctx, 0, ChainBatch, v)
	n := int(v.Verified())
	if brk != nil {
		n++ // the broken row was read too
	}
	return brk, n, err
}

// LatestApplication is the institution's most recent application of the type, open or
// closed, or nil: the platform's home shows where its path ended.
func (s *Store) LatestApplication(ctx context.Context, institutionID int64, typeCode string) (*models.Application, error) {
	var app models.Application
	err := s.db.WithContext(ctx).Where("institution_id = ? AND type_code = ?", institutionID, typeCode).Order("id DESC").First(&app).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &app, err
}
