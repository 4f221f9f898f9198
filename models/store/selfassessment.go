package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// SAAnswer is the stored answer to one self-assessment item.
type SAAnswer struct {
	ApplicationID  int64 `gorm:"primaryKey;autoIncrement:false"`
	ItemNo         int   `gorm:"primaryKey;autoIncrement:false"`
	Answer         models.Answer
	Explanation    string
	EvidenceSHA256 *string `gorm:"column:evidence_sha256"`
	EvidenceName   string
	EvidenceSize   int64
	EvidenceKind   models.FileKind
	UpdatedBy      *int64
	UpdatedAt      time.Time
}

func (SAAnswer) TableName() string { return "self_assessment_answers" }

// SAInput is one item as the platform saves it; Evidence nil keeps the file it had.
type SAInput struct {
	No          int
	Answer      models.Answer
	Explanation string
	Evidence    *FileRef
}

// SelfAssessment returns the answers of an application the user may see, by item.
func (s *Store) SelfAssessment(ctx context.Context, u *models.User, appID int64) (map[int]SAAnswer, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	return answers(s.db.WithContext(ctx), appID)
}

func answers(db *gorm.DB, appID int64) (map[int]SAAnswer, error) {
	var rows []SAAnswer
	if err := db.Where("application_id = ?", appID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int]SAAnswer{}
	for _, r := range rows {
		out[r.ItemNo] = r
	}
	return out, nil
}

// AnswerMap is the answers as EvaluateSelfAssessment takes them.
func AnswerMap(as map[int]SAAnswer) map[int]models.Answer {
	out := map[int]models.Answer{}
	for no, a := range as {
		out[no] = a.Answer
	}
	return out
}

// SaveSelfAssessment writes the given items of the platform's own editable application.
// Answers are checked with models.ValidateAnswer; the caller has checked explanations.
func (s *Store) SaveSelfAssessment(ctx context.Context, a Actor, appID int64, items []SAInput) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		app, err := editableApplication(tx, a.User, appID, true)
		if err != nil {
			return err
		}
		t, _, err := applicationType(tx, app.TypeCode)
		if err != nil {
			return err
		}
		if !t.SelfAssessment {
			return models.Errorf(models.ENotFound, "「%s」无需自评", t.Name)
		}
		old, err := answers(tx, appID)
		if err != nil {
			return err
		}
		for _, in := range items {
			if in.Answer != "" {
				if err := models.ValidateAnswer(in.No, in.Answer); err != nil {
					return err
				}
			} else if _, ok := models.SelfAssessmentItemByNo(in.No); !ok {
				return models.Errorf(models.EInvalid, "自评第 %d 项不存在", in.No)
			}
			row := old[in.No]
			row.ApplicationID, row.ItemNo, row.Answer, row.Explanation = appID, in.No, in.Answer, in.Explanation
			row.UpdatedBy, row.UpdatedAt = a.id(), a.Now
			if e := in.Evidence; e != nil {
				sum := e.SHA256
				row.EvidenceSHA256, row.EvidenceName, row.EvidenceSize, row.EvidenceKind = &sum, e.Name, e.Size, e.Kind
			}
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, "保存自评", fmt.Sprintf("申请 %d", appID), fmt.Sprintf("保存 %d 项", len(items)))
	})
}

// Evidence is the evidence file of one item of an application the user may see.
func (s *Store) Evidence(ctx context.Context, u *models.User, appID int64, no int) (*SAAnswer, error) {
	if _, err := s.Application(ctx, u, appID); err != nil {
		return nil, err
	}
	var a SAAnswer
	err := s.db.WithContext(ctx).Where("application_id = ? AND item_no = ? AND evidence_sha256 IS NOT NULL", appID, no).First(&a).Error
	if err != nil {
		return nil, notFound(err, "佐证材料")
	}
	return &a, nil
}
