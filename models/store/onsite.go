package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// OnsiteCheck is the application's on-site check record, or nil when none is recorded.
func (s *Store) OnsiteCheck(ctx context.Context, appID int64) (*models.OnsiteCheck, error) {
	var c models.OnsiteCheck
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &c, err
}

// SaveOnsiteCheck records (or updates) the on-site check of an application under
// district review; only the officer who has claimed it may.
func (s *Store) SaveOnsiteCheck(ctx context.Context, a Actor, appID int64, c models.OnsiteCheck) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := s.checkable(tx, a, appID)
		if err != nil {
			return err
		}
		c.ApplicationID, c.RecordedBy, c.CreatedAt, c.UpdatedAt = app.ID, a.id(), a.Now, a.Now
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "application_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"check_date", "methods", "participants", "third_parties", "findings", "recorded_by", "updated_at"})}).
			Create(&c).Error
		if err != nil {
			return err
		}
		return audit(tx, a, "登记现场核查", fmt.Sprintf("申请 %d", app.ID), c.CheckDate.String()+" "+strings.ReplaceAll(c.Methods, "\n", "、"))
	})
}

// checkable locks an application whose on-site check the acting district officer may
// record: in district review and claimed by them.
func (s *Store) checkable(tx *gorm.DB, a Actor, appID int64) (*models.Application, error) {
	if a.User == nil || a.User.Role != models.RoleDistrict {
		return nil, models.Errorf(models.EForbidden, "现场核查由区金融工作部门登记")
	}
	app, err := lockScoped(tx, a.User, appID)
	if err != nil {
		return nil, err
	}
	if app.State != models.StateDistrictReview {
		return nil, models.Errorf(models.EConflict, "本件当前状态为「%s」，不在区级审核环节，不能登记现场核查", app.State.Label())
	}
	if err := models.CheckDistrictDecision(models.DistrictDecisionCheck{Event: models.EventReturn, ActorID: a.User.ID,
		AssigneeID: models.IDOrZero(app.AssigneeID)}); err != nil {
		return nil, err
	}
	return app, nil
}

// ReviewFile is a working paper or a piece of evidence.
type ReviewFile struct {
	ID            int64
	ApplicationID int64
	Kind          string
	ObjectionID   *int64
	Name          string
	SHA256        string `gorm:"column:sha256"`
	Size          int64
	ContentType   string
	Stored        bool
	UploadedBy    *int64
	UploadedAt    time.Time
}

// Review file kinds.
const (
	FileWorkingPaper = "working_paper"
	FileEvidence     = "evidence"
)

// reviewFile is the row of an uploaded working paper or piece of evidence.
func reviewFile(f FileRef, a Actor, appID int64, kind string, objectionID *int64) ReviewFile {
	return ReviewFile{ApplicationID: appID, Kind: kind, ObjectionID: objectionID, Name: f.Name, SHA256: f.SHA256, Size: f.Size,
		ContentType: f.ContentType, Stored: true, UploadedBy: a.id(), UploadedAt: a.Now}
}

// AddWorkingPaper records a working paper of the on-site check.
func (s *Store) AddWorkingPaper(ctx context.Context, a Actor, appID int64, ref FileRef) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := s.checkable(tx, a, appID)
		if err != nil {
			return err
		}
		f := reviewFile(ref, a, app.ID, FileWorkingPaper, nil)
		if err := tx.Create(&f).Error; err != nil {
			return err
		}
		return audit(tx, a, "上传核查工作底稿", fmt.Sprintf("申请 %d", app.ID), f.Name+" "+f.SHA256)
	})
}

// ReviewFiles lists an application's files of a kind, oldest first.
func (s *Store) ReviewFiles(ctx context.Context, appID int64, kind string) ([]ReviewFile, error) {
	var fs []ReviewFile
	err := s.db.WithContext(ctx).Where("application_id = ? AND kind = ?", appID, kind).Order("id").Find(&fs).Error
	return fs, err
}

// ReviewOpinion is the snapshot behind a district decision's two documents.
type ReviewOpinion struct {
	ID              int64
	ApplicationID   int64
	DecisionID      int64
	Passed          bool
	Opinion         string
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	Authority       string
	OfficerName     string
	Balance         models.Money
	AppliedOn       models.Date
	CheckDate       models.Date
	Methods         string
	Participants    string
	ThirdParties    string
	Findings        string
	IssuedOn        models.Date
	CreatedAt       time.Time
}

// writeOpinion stores the snapshot of a district decision for its documents.
func writeOpinion(tx *gorm.DB, a Actor, app *models.Application, decisionID int64, passed bool, opinion string) error {
	var chk models.OnsiteCheck
	if err := tx.Where("application_id = ?", app.ID).Take(&chk).Error; err != nil {
		return notFound(err, "现场核查记录")
	}
	var inst models.Institution
	if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
		return err
	}
	names, err := divisionNames(tx, app.InstitutionID)
	if err != nil {
		return err
	}
	applied := models.DateOf(a.Now)
	if app.SubmittedAt != nil {
		applied = models.DateOf(*app.SubmittedAt)
	}
	op := ReviewOpinion{ApplicationID: app.ID, DecisionID: decisionID, Passed: passed, Opinion: opinion,
		InstitutionName: inst.Name, USCC: inst.USCC, DistrictName: names.District,
		Authority: models.DistrictAuthority(names.City, names.District), OfficerName: a.User.DisplayName,
		Balance: app.Balance, AppliedOn: applied, CheckDate: chk.CheckDate, Methods: chk.Methods,
		Participants: chk.Participants, ThirdParties: chk.ThirdParties, Findings: chk.Findings,
		IssuedOn: models.DateOf(a.Now), CreatedAt: a.Now}
	return tx.Create(&op).Error
}

// ReviewOpinions lists an application's district documents, oldest first.
func (s *Store) ReviewOpinions(ctx context.Context, appID int64) ([]ReviewOpinion, error) {
	var ops []ReviewOpinion
	err := s.db.WithContext(ctx).Where("application_id = ?", appID).Order("id").Find(&ops).Error
	return ops, err
}

// ReviewOpinion loads one document snapshot of an application the user may see.
func (s *Store) ReviewOpinion(ctx context.Context, u *models.User, appID, id int64) (*ReviewOpinion, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	var op ReviewOpinion
	if err := s.db.WithContext(ctx).Where("application_id = ? AND id = ?", appID, id).Take(&op).Error; err != nil {
		return nil, notFound(err, "审核意见")
	}
	return &op, nil
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

// ReviewFileFor loads one working paper or piece of evidence of an application the user
// may see: officers see both, the platform only the evidence it filed.
func (s *Store) ReviewFileFor(ctx context.Context, u *models.User, appID, fileID int64) (*ReviewFile, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Where("application_id = ? AND id = ?", appID, fileID)
	if u.Role == models.RolePlatform {
		q = q.Where("kind = ?", FileEvidence)
	}
	var f ReviewFile
	if err := q.Take(&f).Error; err != nil {
		return nil, notFound(err, "文件")
	}
	return &f, nil
}
