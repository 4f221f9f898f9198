package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// UploadTarget is the material a platform is about to upload to.
type UploadTarget struct {
	App        models.Application
	Material   models.MaterialType
	SlotLabels []string
}

// editableApplication loads an application of the platform user's own institution that
// may still change: a draft, or one sent back for correction.
func editableApplication(db *gorm.DB, u *models.User, appID int64, lock bool) (*models.Application, error) {
	var app models.Application
	q := db.Model(&models.Application{})
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if u == nil || u.Role != models.RolePlatform || u.InstitutionID == nil {
		return nil, models.Errorf(models.ENotFound, "申请不存在或不在您的管辖范围内")
	}
	if err := q.Where("id = ? AND institution_id = ?", appID, *u.InstitutionID).First(&app).Error; err != nil {
		return nil, notFound(err, "申请")
	}
	if !app.State.PlatformMayEdit() {
		return nil, models.Errorf(models.EConflict, "申请当前状态为「%s」，已提交的材料已冻结，不能修改。如需更正，须待审核部门退回补正。", app.State.Label())
	}
	return &app, nil
}

// MaterialUploadTarget checks, before a byte of the upload is read, that the user may
// upload to this slot of this material now.
func (s *Store) MaterialUploadTarget(ctx context.Context, u *models.User, appID, materialID int64, slot int) (*UploadTarget, error) {
	return uploadTarget(s.db.WithContext(ctx), u, appID, materialID, slot, false)
}

func uploadTarget(db *gorm.DB, u *models.User, appID, materialID int64, slot int, lock bool) (*UploadTarget, error) {
	app, err := editableApplication(db, u, appID, lock)
	if err != nil {
		return nil, err
	}
	var m models.MaterialType
	if err := db.Where("id = ? AND type_code = ?", materialID, app.TypeCode).First(&m).Error; err != nil {
		return nil, notFound(err, "材料")
	}
	t := &UploadTarget{App: *app, Material: m, SlotLabels: m.SlotLabels(models.DateOf(app.CreatedAt).Year)}
	if slot < 1 || slot > len(t.SlotLabels) {
		return nil, models.Errorf(models.ENotFound, "材料「%s」没有第 %d 份文件", m.Name, slot)
	}
	return t, nil
}

// AddMaterialFile records an uploaded file as the next version of the slot.
func (s *Store) AddMaterialFile(ctx context.Context, a Actor, appID, materialID int64, slot int, f FileRef) (*models.MaterialFile, error) {
	var out models.MaterialFile
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, err := uploadTarget(tx, a.User, appID, materialID, slot, true)
		if err != nil {
			return err
		}
		var last int
		if err := tx.Model(&models.MaterialFile{}).Where("application_id = ? AND material_id = ? AND slot = ?", appID, materialID, slot).
			Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
			return err
		}
		out = models.MaterialFile{ApplicationID: appID, MaterialID: materialID, Slot: slot, Version: last + 1, SHA256: f.SHA256,
			Size: f.Size, Kind: f.Kind, Filename: f.Name, UploadedBy: a.id(), UploaderName: a.User.DisplayName, UploadedAt: a.Now}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		name := t.Material.Name
		if l := t.SlotLabels[slot-1]; l != "" {
			name += "（" + l + "）"
		}
		return audit(tx, a, "上传材料", fmt.Sprintf("申请 %d", appID), fmt.Sprintf("%s 第 %d 版：%s，SHA-256 %s", name, out.Version, f.Name, f.SHA256))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// MaterialFile loads one uploaded version whose application the user may see; any
// other is not found, so another platform learns nothing.
func (s *Store) MaterialFile(ctx context.Context, u *models.User, fileID int64) (*models.MaterialFile, error) {
	var f models.MaterialFile
	q := scopeInstitutions(s.db.WithContext(ctx).Model(&models.MaterialFile{}).
		Joins("JOIN applications ON applications.id = material_files.application_id").
		Joins("JOIN institutions ON institutions.id = applications.institution_id"), u)
	if err := q.Where("material_files.id = ?", fileID).Select("material_files.*").First(&f).Error; err != nil {
		return nil, notFound(err, "文件")
	}
	return &f, nil
}
