package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// ApplicationTypes lists the types a platform may open, in order.
func (s *Store) ApplicationTypes(ctx context.Context) ([]models.ApplicationType, error) {
	var ts []models.ApplicationType
	err := s.db.WithContext(ctx).Where("active").Order("position, code").Find(&ts).Error
	return ts, err
}

// ApplicationType loads a type and its checklist.
func (s *Store) ApplicationType(ctx context.Context, code string) (*models.ApplicationType, []models.MaterialType, error) {
	return applicationType(s.db.WithContext(ctx), code)
}

func applicationType(db *gorm.DB, code string) (*models.ApplicationType, []models.MaterialType, error) {
	var t models.ApplicationType
	if err := db.Where("code = ?", code).First(&t).Error; err != nil {
		return nil, nil, notFound(err, "申请类型")
	}
	var ms []models.MaterialType
	err := db.Where("type_code = ?", code).Order("position, id").Find(&ms).Error
	return &t, ms, err
}

// ApplicationView is an application with everything its pages show.
type ApplicationView struct {
	App         models.Application
	Type        models.ApplicationType
	Institution models.Institution
	Items       []models.ChecklistItem
}

// Checklist loads an application the user may see with its checklist.
func (s *Store) Checklist(ctx context.Context, u *models.User, appID int64) (*ApplicationView, error) {
	app, err := s.Application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	return checklist(s.db.WithContext(ctx), app)
}

func checklist(db *gorm.DB, app *models.Application) (*ApplicationView, error) {
	t, ms, err := applicationType(db, app.TypeCode)
	if err != nil {
		return nil, err
	}
	v := &ApplicationView{App: *app, Type: *t}
	if err := db.First(&v.Institution, app.InstitutionID).Error; err != nil {
		return nil, err
	}
	var files []models.MaterialFile
	if err := db.Where("application_id = ?", app.ID).Find(&files).Error; err != nil {
		return nil, err
	}
	var reviews []models.MaterialReview
	if err := db.Where("application_id = ?", app.ID).Find(&reviews).Error; err != nil {
		return nil, err
	}
	v.Items = models.BuildChecklist(ms, files, reviews, models.DateOf(app.CreatedAt).Year)
	return v, nil
}

// AppSummary is one application in a list.
type AppSummary struct {
	models.Application
	TypeName        string
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
}

// InstitutionApplications lists an institution's applications, newest first.
func (s *Store) InstitutionApplications(ctx context.Context, u *models.User, institutionID int64) ([]AppSummary, error) {
	var rows []AppSummary
	q := scopeInstitutions(s.db.WithContext(ctx).Table("applications").
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN application_types t ON t.code = applications.type_code").
		Joins("JOIN divisions ON divisions.id = institutions.district_id"), u)
	err := q.Where("applications.institution_id = ?", institutionID).
		Select("applications.*, t.name AS type_name, institutions.name AS institution_name, institutions.uscc, divisions.name AS district_name").
		Order("applications.id DESC").Scan(&rows).Error
	return rows, err
}

// ReviewMaterialInDistrictReview records the district officer's verdict on one material:
// only while the application is under district review, and only by the officer who has
// claimed it. The state and the assignee are checked on the locked application, and the
// verdict goes into the decision history, in the same transaction, so a material cannot be
// reviewed after a concurrent return or reassignment has taken the case away.
func (s *Store) ReviewMaterialInDistrictReview(ctx context.Context, a Actor, appID, materialID int64, state, comment string) error {
	if a.User == nil || a.User.Role != models.RoleDistrict {
		return models.Errorf(models.EForbidden, "材料由区金融工作部门审核")
	}
	if err := models.ValidateMaterialReview(state, comment); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockScoped(tx, a.User, appID)
		if err != nil {
			return err
		}
		if app.State != models.StateDistrictReview {
			return models.Errorf(models.EConflict, "本件当前状态为「%s」，不在区级审核环节，不能审核材料", app.State.Label())
		}
		if err := models.CheckDistrictDecision(models.DistrictDecisionCheck{Event: models.EventReturn, ActorID: a.User.ID,
			AssigneeID: models.IDOrZero(app.AssigneeID)}); err != nil {
			return err
		}
		var m models.MaterialType
		if err := tx.Where("id = ? AND type_code = ?", materialID, app.TypeCode).First(&m).Error; err != nil {
			return notFound(err, "材料")
		}
		r := models.MaterialReview{ApplicationID: appID, MaterialID: materialID, ReviewState: state,
			ReviewComment: strings.TrimSpace(comment), ReviewedBy: a.id(), ReviewerName: a.name(), ReviewedAt: &a.Now}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&r).Error; err != nil {
			return err
		}
		opinion := models.MaterialReviewOpinion(m.Name, state, r.ReviewComment)
		d := models.Decision{ApplicationID: app.ID, At: a.Now, ActorID: a.id(), ActorName: a.name(), Role: string(a.User.Role),
			Event: models.EventMaterialReview, FromState: app.State, ToState: app.State, Opinion: opinion}
		if err := appendDecision(tx, &d); err != nil {
			return err
		}
		return audit(tx, a, "审核材料", fmt.Sprintf("申请 %d", appID), opinion)
	})
}
