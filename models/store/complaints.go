package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
	"portal/urls"
)

// Owner kinds of public_files.
const (
	FilesComplaint   = "complaint"
	FilesScopeChange = "scope_change"
	FilesWarningTask = "warning_task"
)

// FileComplaint records a complaint against a running notice, with its attachments, and
// tells the city's officers. The complainant is anonymous: a carries only IP and time.
func (s *Store) FileComplaint(ctx context.Context, a Actor, noticeID int64, in models.ComplaintInput, files []FileRef) (*models.Complaint, error) {
	var c *models.Complaint
	err := s.tx(ctx, func(tx *gorm.DB) error {
		n, err := lockNotice(tx, noticeID)
		if err != nil {
			return err
		}
		today := models.DateOf(a.Now)
		if err := n.TakesComplaints(today); err != nil {
			return err
		}
		random := make([]byte, 6)
		if _, err := rand.Read(random); err != nil {
			return err
		}
		c = &models.Complaint{Ref: models.ComplaintRef(today, random), NoticeID: n.ID, ApplicationID: n.ApplicationID,
			InstitutionID: n.InstitutionID, ComplainantType: models.ComplainantType(in.Type),
			ComplainantName: strings.TrimSpace(in.Name), Contact: strings.TrimSpace(in.Contact),
			Content: strings.TrimSpace(in.Content), Status: models.ComplaintPending, IP: a.IP, CreatedAt: a.Now, UpdatedAt: a.Now}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if err := attachFiles(tx, FilesComplaint, c.ID, files, a.Now); err != nil {
			return err
		}
		var inst models.Institution
		if err := tx.First(&inst, n.InstitutionID).Error; err != nil {
			return err
		}
		ids, err := recipients(tx, models.NotifyCity, &inst)
		if err != nil {
			return err
		}
		for _, uid := range ids {
			row := Notification{UserID: uid, ApplicationID: &n.ApplicationID, At: a.Now, Kind: "complaint",
				Title: fmt.Sprintf("公示期间收到对 %s 的举报（%s），请核查", inst.Name, c.Ref),
				Body:  fmt.Sprintf("举报人类型：%s；公示截止：%s。经核查属实的，先行撤销初验合格意见并重新验收（%s）", c.ComplainantType.Label(), n.EndDate, citeNotice),
				Link:  urls.CityComplaint(c.ID)}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, "收到举报", c.Ref, fmt.Sprintf("公示 %d，附件 %d 个", n.ID, len(files)))
	})
	return c, err
}

// lockNotice locks a notice's application, then the notice (the order of every decision
// that ends or revokes a notice), so a complaint cannot slip in beside a notice's end or
// revocation.
func lockNotice(tx *gorm.DB, id int64) (*models.PublicNotice, error) {
	var n models.PublicNotice
	if err := tx.Select("application_id").First(&n, id).Error; err != nil {
		return nil, notFound(err, "公示")
	}
	if _, err := lockApplication(tx, n.ApplicationID); err != nil {
		return nil, err
	}
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&n, id).Error; err != nil {
		return nil, notFound(err, "公示")
	}
	return &n, nil
}

// ComplaintRow is a complaint with its institution, for lists and pages.
type ComplaintRow struct {
	models.Complaint
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	NoticeStatus    string
	NoticeEnd       models.Date
	HandlerName     string
}

func complaintRows(db *gorm.DB) *gorm.DB {
	return db.Table("complaints").
		Select("complaints.*, institutions.name AS institution_name, institutions.uscc, n.status AS notice_status, n.end_date AS notice_end, COALESCE(u.display_name, '') AS handler_name").
		Joins("JOIN institutions ON institutions.id = complaints.institution_id").
		Joins("JOIN notices n ON n.id = complaints.notice_id").
		Joins("LEFT JOIN users u ON u.id = complaints.handled_by")
}

// ComplaintByRef is what the complainant's status page shows. Public; the page masks
// the personal details.
func (s *Store) ComplaintByRef(ctx context.Context, ref string) (*ComplaintRow, error) {
	return scanOne[ComplaintRow](complaintRows(s.db.WithContext(ctx)).Where("complaints.ref = ?", strings.ToUpper(strings.TrimSpace(ref))),
		models.Errorf(models.ENotFound, "未找到编号为「%s」的举报，请核对受理编号", ref))
}

// ComplaintFilter narrows the officers' complaint list.
type ComplaintFilter struct {
	Query  string // institution, reference or content contains
	Status string
}

// ListComplaints returns a page of complaints in the officer's jurisdiction, pending first.
func (s *Store) ListComplaints(ctx context.Context, u *models.User, f ComplaintFilter, p models.Page) ([]ComplaintRow, int64, error) {
	p = p.Normalize()
	q := scopeInstitutions(complaintRows(s.db.WithContext(ctx)), u)
	if f.Query != "" {
		like := "%" + escapeLike(strings.TrimSpace(f.Query)) + "%"
		q = q.Where("institutions.name ILIKE ? OR complaints.ref ILIKE ? OR complaints.content ILIKE ?", like, like, like)
	}
	if f.Status != "" {
		q = q.Where("complaints.status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []ComplaintRow
	err := q.Order("complaints.status = 'pending' DESC, complaints.id DESC").Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// Complaint loads one complaint in the officer's jurisdiction; others are 404.
func (s *Store) Complaint(ctx context.Context, u *models.User, id int64) (*ComplaintRow, error) {
	return scanOne[ComplaintRow](scopeInstitutions(complaintRows(s.db.WithContext(ctx)), u).Where("complaints.id = ?", id),
		models.Errorf(models.ENotFound, "举报不存在或不在您的管辖范围内"))
}

// VerifyComplaint records the city's verification (核查). Upheld, during the running
// notice: the pass is revoked (the notice shows as revoked with the public reason) and
// the application returns to re-acceptance, city review or the joint review by scale,
// all in this one transaction; the decisions notify the platform.
func (s *Store) VerifyComplaint(ctx context.Context, a Actor, id int64, v models.ComplaintVerification) (*models.Complaint, error) {
	var c models.Complaint
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := s.complaintInScope(tx, a.User, id); err != nil {
			return err
		}
		if err := tx.First(&c, id).Error; err != nil {
			return err
		}
		app, err := lockApplication(tx, c.ApplicationID) // the application first, like every decision
		if err != nil {
			return err
		}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&c, id).Error; err != nil {
			return err
		}
		if c.Status != models.ComplaintPending {
			return models.Errorf(models.EConflict, "该举报已于 %s 核查完毕（%s），不能重复核查", models.DateOf(*c.HandledAt), models.ComplaintStatusLabel(c.Status))
		}
		c.Status, c.Finding, c.PublicReason = models.ComplaintNotUpheld, strings.TrimSpace(v.Finding), strings.TrimSpace(v.PublicReason)
		if v.Upheld {
			c.Status = models.ComplaintUpheld
		}
		c.HandledBy, c.HandledAt, c.UpdatedAt = a.id(), &a.Now, a.Now
		if err := tx.Model(&c).Select("status", "finding", "public_reason", "handled_by", "handled_at", "updated_at").Updates(&c).Error; err != nil {
			return err
		}
		if err := audit(tx, a, "核查举报", c.Ref, models.ComplaintStatusLabel(c.Status)+"："+c.Finding); err != nil {
			return err
		}
		var n models.PublicNotice
		if err := tx.First(&n, c.NoticeID).Error; err != nil {
			return err
		}
		if !v.Upheld || n.Status != models.NoticeActive || app.State != models.StatePublicNotice {
			return nil // recorded; a notice already revoked or ended is not revoked again
		}
		opinion := fmt.Sprintf("公示期间举报（%s）经核查属实：%s", c.Ref, c.Finding)
		if _, err := decideIn(tx, a, app.ID, models.EventRevoke, DecisionInput{Opinion: opinion}, decideHooks{before: noticeFacts}); err != nil {
			return err
		}
		if err := tx.Model(&n).Updates(map[string]any{"status": models.NoticeRevoked, "revoked_at": a.Now,
			"revoked_reason": c.PublicReason, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		_, err = decideIn(tx, a, app.ID, models.EventReaccept, DecisionInput{Opinion: "初验合格意见撤销后重新验收（" + citeNotice + "）"}, decideHooks{})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

const citeNotice = "整改验收工作方案四(二)5(1)"

// complaintInScope checks the complaint lies in the user's jurisdiction.
func (s *Store) complaintInScope(tx *gorm.DB, u *models.User, id int64) (int64, error) {
	var ids []int64
	err := scopeInstitutions(tx.Table("complaints").Joins("JOIN institutions ON institutions.id = complaints.institution_id"), u).
		Where("complaints.id = ?", id).Pluck("complaints.id", &ids).Error
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, models.Errorf(models.ENotFound, "举报不存在或不在您的管辖范围内")
	}
	return ids[0], nil
}
