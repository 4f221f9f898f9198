package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// Row tables of the file's repeated parts, ordered by position.
type shareholderRow struct {
	ID, InstitutionID  int64
	Position           int
	models.Shareholder `gorm:"embedded"`
}

type personRow struct {
	ID, InstitutionID int64
	Position          int
	models.Person     `gorm:"embedded"`
}

type branchRow struct {
	ID, InstitutionID int64
	Position          int
	models.Branch     `gorm:"embedded"`
}

type channelRow struct {
	ID, InstitutionID int64
	Position          int
	models.Channel    `gorm:"embedded"`
}

func (shareholderRow) TableName() string { return "institution_shareholders" }
func (personRow) TableName() string      { return "institution_people" }
func (branchRow) TableName() string      { return "institution_branches" }
func (channelRow) TableName() string     { return "institution_channels" }

// FileChangeRecord is one save of the file with the fields it changed.
type FileChangeRecord struct {
	ID            int64
	InstitutionID int64
	At            time.Time
	ActorID       *int64
	ActorName     string
	Role          string
	Fields        []FileChangeField `gorm:"foreignKey:ChangeID"`
}

// FileChangeField is one field of a change, old → new.
type FileChangeField struct {
	ID       int64
	ChangeID int64
	Position int
	Field    string
	OldValue string
	NewValue string
}

func (FileChangeRecord) TableName() string { return "institution_file_changes" }
func (FileChangeField) TableName() string  { return "institution_file_change_fields" }

// InstitutionFile loads the whole file of an institution the user may see.
func (s *Store) InstitutionFile(ctx context.Context, u *models.User, institutionID int64) (*models.InstitutionFile, error) {
	if _, err := s.Institution(ctx, u, institutionID); err != nil {
		return nil, err
	}
	return loadFile(s.db.WithContext(ctx), institutionID)
}

func loadFile(db *gorm.DB, id int64) (*models.InstitutionFile, error) {
	var f models.InstitutionFile
	if err := db.First(&f, id).Error; err != nil {
		return nil, notFound(err, "机构")
	}
	var sh []shareholderRow
	var pe []personRow
	var br []branchRow
	var ch []channelRow
	for _, q := range []any{&sh, &pe, &br, &ch} {
		if err := db.Where("institution_id = ?", id).Order("position").Find(q).Error; err != nil {
			return nil, err
		}
	}
	for _, r := range sh {
		f.Shareholders = append(f.Shareholders, r.Shareholder)
	}
	for _, r := range pe {
		f.People = append(f.People, r.Person)
	}
	for _, r := range br {
		f.Branches = append(f.Branches, r.Branch)
	}
	for _, r := range ch {
		f.Channels = append(f.Channels, r.Channel)
	}
	return &f, nil
}

// FileLock is why the file cannot change now, or "" when it can.
func (s *Store) FileLock(ctx context.Context, institutionID int64) (string, error) {
	return fileLock(s.db.WithContext(ctx), institutionID)
}

func fileLock(db *gorm.DB, institutionID int64) (string, error) {
	var states []models.State
	if err := db.Model(&models.Application{}).Where("institution_id = ?", institutionID).Distinct().Pluck("state", &states).Error; err != nil {
		return "", err
	}
	for _, st := range states {
		if models.FileLockedIn(st) {
			return fmt.Sprintf("本机构的申请正在审核中（%s），机构档案已随申请冻结，审核期间不能修改。如需更正，请待退回补正后修改。", st.Label()), nil
		}
	}
	return "", nil
}

// SaveInstitutionFile writes the file and, in the same transaction, the history of what
// changed. It returns the changes; none means nothing was written.
func (s *Store) SaveInstitutionFile(ctx context.Context, a Actor, institutionID int64, f models.InstitutionFile) ([]models.FileChange, error) {
	var changes []models.FileChange
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var inst models.Institution
		q := scopeInstitutions(tx.Model(&models.Institution{}), a.User).Clauses(clause.Locking{Strength: "UPDATE"})
		if err := q.Where("institutions.id = ?", institutionID).First(&inst).Error; err != nil {
			return notFound(err, "机构")
		}
		if why, err := fileLock(tx, institutionID); err != nil || why != "" {
			if err != nil {
				return err
			}
			return models.Errorf(models.EConflict, "%s", why)
		}
		old, err := loadFile(tx, institutionID)
		if err != nil {
			return err
		}
		changes = models.DiffFiles(*old, f)
		if len(changes) == 0 {
			return nil
		}
		f.ID, f.DistrictID = institutionID, old.DistrictID
		err = tx.Model(&models.InstitutionFile{ID: institutionID}).Select("*").Omit("id", "district_id").Updates(&f).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return models.FieldErrorf("uscc", models.EInvalid, "统一社会信用代码 %s 已登记为其他机构的代码，请核对", f.USCC)
		} else if err != nil {
			return err
		}
		if err := tx.Exec("UPDATE institutions SET updated_at = ? WHERE id = ?", a.Now, institutionID).Error; err != nil {
			return err
		}
		if err := replaceRows(tx, institutionID, &f); err != nil {
			return err
		}
		if old.Classification != f.Classification || old.OperatingClass != f.OperatingClass {
			// the dashboards count classes, and the shortfalls depend on the operating class
			if err := refreshInstitutionFacts(tx, institutionID); err != nil {
				return err
			}
			if err := refreshDistrictFigures(tx, old.DistrictID); err != nil {
				return err
			}
		}
		// the file and its parts are most of the completeness score (00122)
		if err := refreshInstitutionScores(tx, institutionID); err != nil {
			return err
		}
		rec := FileChangeRecord{InstitutionID: institutionID, At: a.Now, ActorID: a.id(), ActorName: personName(a), Role: roleOf(a)}
		for i, c := range changes {
			rec.Fields = append(rec.Fields, FileChangeField{Position: i + 1, Field: c.Field, OldValue: c.Old, NewValue: c.New})
		}
		if err := tx.Create(&rec).Error; err != nil {
			return err
		}
		return audit(tx, a, "修改机构档案", inst.Name, fmt.Sprintf("修改 %d 项", len(changes)))
	})
	return changes, err
}

func replaceRows(tx *gorm.DB, id int64, f *models.InstitutionFile) error {
	for _, model := range []any{&shareholderRow{}, &personRow{}, &branchRow{}, &channelRow{}} {
		if err := tx.Where("institution_id = ?", id).Delete(model).Error; err != nil {
			return err
		}
	}
	var rows []any
	for i, r := range f.Shareholders {
		rows = append(rows, &shareholderRow{InstitutionID: id, Position: i + 1, Shareholder: r})
	}
	for i, r := range f.People {
		rows = append(rows, &personRow{InstitutionID: id, Position: i + 1, Person: r})
	}
	for i, r := range f.Branches {
		rows = append(rows, &branchRow{InstitutionID: id, Position: i + 1, Branch: r})
	}
	for i, r := range f.Channels {
		rows = append(rows, &channelRow{InstitutionID: id, Position: i + 1, Channel: r})
	}
	for _, r := range rows {
		if err := tx.Create(r).Error; err != nil {
			return err
		}
	}
	return nil
}

// personName is how history pages name who did something: 姓名（用户名）.
func personName(a Actor) string {
	if a.User == nil {
		return "系统"
	}
	return a.User.DisplayName + "（" + a.User.Username + "）"
}

func roleOf(a Actor) string {
	if a.User == nil {
		return "system"
	}
	return string(a.User.Role)
}

// FileHistory lists the saves of an institution's file the user may see, newest first.
func (s *Store) FileHistory(ctx context.Context, u *models.User, institutionID int64, p models.Page) ([]FileChangeRecord, int64, error) {
	if _, err := s.Institution(ctx, u, institutionID); err != nil {
		return nil, 0, err
	}
	p = p.Normalize()
	q := s.db.WithContext(ctx).Model(&FileChangeRecord{}).Where("institution_id = ?", institutionID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var recs []FileChangeRecord
	err := q.Preload("Fields", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Order("id DESC").Limit(p.Size).Offset(p.Offset()).Find(&recs).Error
	return recs, total, err
}
