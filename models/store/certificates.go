package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
	"portal/urls"
)

// SignoffRow is an application waiting for, or past, province sign-off.
type SignoffRow struct {
	ApplicationID   int64
	Version         int
	State           models.State
	InstitutionID   int64
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	Balance         models.Money
	NoticeStart     models.Date
	NoticeEnd       models.Date
	StateSince      models.Date
}

// SignoffQueue lists the applications in the province officer's jurisdiction whose
// notice ended without an upheld or pending complaint.
func (s *Store) SignoffQueue(ctx context.Context, u *models.User, p models.Page) ([]SignoffRow, int64, error) {
	p = p.Normalize()
	q := scopeInstitutions(s.db.WithContext(ctx).Table("applications").
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("LEFT JOIN LATERAL (SELECT start_date, end_date FROM notices WHERE application_id = applications.id ORDER BY id DESC LIMIT 1) n ON true"), u).
		Where("applications.state = ?", models.StateSignoff)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []SignoffRow
	err := q.Select(`applications.id AS application_id, applications.version, applications.state, institutions.id AS institution_id,
		institutions.name AS institution_name, institutions.uscc, d.name AS district_name, applications.balance,
		n.start_date AS notice_start, n.end_date AS notice_end, (applications.state_since AT TIME ZONE 'Asia/Shanghai')::date AS state_since`).
		Order("applications.state_since").Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// SignOff is the province's sign-off (审定): the application is certified and its
// certificate issued, serial drawn from the province's yearly sequence, in one
// transaction.
func (s *Store) SignOff(ctx context.Context, a Actor, appID int64, version int) (*models.Certificate, error) {
	var cert *models.Certificate
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if cert, err = signOff(tx, a, appID, version); err != nil || s.signer == nil {
			return err
		}
		return signCertificate(tx, s.signer, cert)
	})
	return cert, err
}

func signOff(tx *gorm.DB, a Actor, appID int64, version int) (*models.Certificate, error) {
	var cert *models.Certificate
	_, err := decideIn(tx, a, appID, models.EventSignoff, DecisionInput{Version: version, Opinion: "公示期满无异议，审定合格，签发整改验收合格证明"}, decideHooks{
		before: func(tx *gorm.DB, app *models.Application, f *models.Facts) error {
			return tx.Raw(`SELECT COALESCE((SELECT actor_id FROM decisions WHERE application_id = ? AND to_state = ?
			AND actor_id IS NOT NULL ORDER BY id DESC LIMIT 1), 0)`, app.ID, models.StatePublicNotice).Row().Scan(&f.AcceptedBy)
		},
		after: func(tx *gorm.DB, app *models.Application, _ int64) error {
			var err error
			if cert, err = issueCertificate(tx, a, app); err != nil {
				return err
			}
			// the scope-change clock (5 working days, plan 1 六(一)) started with the transition
			return audit(tx, a, "签发整改验收合格证明", cert.Serial, cert.Name)
		},
	})
	return cert, err
}

func issueCertificate(tx *gorm.DB, a Actor, app *models.Application) (*models.Certificate, error) {
	var prov struct {
		ID   int64
		Name string
		Abbr string
	}
	err := tx.Raw(`SELECT p.id, p.name, p.abbr FROM institutions i JOIN divisions d ON d.id = i.district_id
		JOIN divisions c ON c.id = d.parent_id JOIN divisions p ON p.id = c.parent_id WHERE i.id = ?`, app.InstitutionID).Scan(&prov).Error
	if err != nil {
		return nil, err
	}
	var inst models.Institution
	if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
		return nil, err
	}
	issued := models.DateOf(a.Now)
	var seq int
	err = tx.Raw(`INSERT INTO certificate_sequences (province_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (province_id, year) DO UPDATE SET last = certificate_sequences.last + 1 RETURNING last`, prov.ID, issued.Year).Row().Scan(&seq)
	if err != nil {
		return nil, err
	}
	serial, err := models.CertificateSerial(prov.Abbr, issued.Year, seq)
	if err != nil {
		return nil, err
	}
	auth := models.IssuingAuthorities(prov.Name)
	c := &models.Certificate{Serial: serial, ApplicationID: app.ID, InstitutionID: inst.ID, ProvinceID: prov.ID, Name: inst.Name,
		USCC: inst.USCC, IssueDate: issued, Authority1: auth[0], Authority2: auth[1], Status: models.CertificateValid,
		IssuedBy: a.User.ID, CreatedAt: a.Now, UpdatedAt: a.Now}
	c.Fingerprint = models.CertificateFingerprint(*c)
	return c, tx.Create(c).Error
}

// inScope refuses, as not found, an application outside the user's jurisdiction.
func inScope(tx *gorm.DB, u *models.User, appID int64) error {
	var ids []int64
	err := scopeInstitutions(tx.Table("applications").Joins("JOIN institutions ON institutions.id = applications.institution_id"), u).
		Where("applications.id = ?", appID).Pluck("applications.id", &ids).Error
	if err == nil && len(ids) == 0 {
		return models.Errorf(models.ENotFound, "申请不存在或不在您的管辖范围内")
	}
	return err
}

// CertificateRow is a certificate with its district, for lists.
type CertificateRow struct {
	models.Certificate
	DistrictName string
	State        models.State
}

func certificateRows(db *gorm.DB) *gorm.DB {
	return db.Table("certificates").Select("certificates.*, d.name AS district_name, applications.state").
		Joins("JOIN institutions ON institutions.id = certificates.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("JOIN applications ON applications.id = certificates.application_id")
}

// ListCertificates returns a page of the certificates the user may see, newest first.
func (s *Store) ListCertificates(ctx context.Context, u *models.User, query string, p models.Page) ([]CertificateRow, int64, error) {
	p = p.Normalize()
	q := scopeInstitutions(certificateRows(s.db.WithContext(ctx)), u)
	if query = strings.TrimSpace(query); query != "" {
		like := "%" + escapeLike(query) + "%"
		q = q.Where("certificates.name ILIKE ? OR certificates.uscc ILIKE ? OR certificates.serial ILIKE ?", like, like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []CertificateRow
	err := q.Order("certificates.id DESC").Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// Certificate loads a certificate the user may see (the platform its own, officers in
// their jurisdiction); others are 404.
func (s *Store) Certificate(ctx context.Context, u *models.User, id int64) (*CertificateRow, error) {
	return scanOne[CertificateRow](scopeInstitutions(certificateRows(s.db.WithContext(ctx)), u).Where("certificates.id = ?", id),
		models.Errorf(models.ENotFound, "合格证明不存在或不在您的管辖范围内"))
}

// Verify looks a serial up for the public verification page and logs the look-up,
// found or not. An unknown serial is ENotFound.
func (s *Store) Verify(ctx context.Context, a Actor, serial, userAgent string) (*models.Certificate, error) {
	var c models.Certificate
	err := s.db.WithContext(ctx).Where("serial = ?", serial).First(&c).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	v := models.Verification{At: a.Now, Serial: truncate(serial, 64), Result: models.VerifyNotFound, IP: truncate(a.IP, 64),
		UserAgent: truncate(userAgent, 300), Hits: 1, Bucket: a.Now.Truncate(models.VerificationWindow), LastAt: a.Now}
	if found {
		v.CertificateID, v.Result = &c.ID, models.VerifyValid
		if c.Revoked() {
			v.Result = models.VerifyRevoked
		}
	}
	if err := s.countVerification(ctx, v); err != nil {
		return nil, err
	}
	if !found {
		return nil, models.Errorf(models.ENotFound, "未查询到编号为「%s」的整改验收合格证明。请核对编号；如编号无误，该证明可能系伪造，请向发证机关反映", serial)
	}
	return &c, nil
}

// countVerification records one look-up as a count on the row of (serial, client,
// window), so anonymous GETs grow the table by at most one row per client and serial an
// hour, and by at most VerificationSerialsPerClient+1 rows per client an hour (§2.9).
func (s *Store) countVerification(ctx context.Context, v models.Verification) error {
	db := s.db.WithContext(ctx)
	var itemised int64
	if err := db.Model(&models.Verification{}).Where("ip = ? AND bucket = ? AND serial <> ?", v.IP, v.Bucket, models.VerificationOverflowSerial).
		Where("serial <> ?", v.Serial).Count(&itemised).Error; err != nil {
		return err
	}
	if itemised >= models.VerificationSerialsPerClient {
		var exists int64
		if err := db.Model(&models.Verification{}).Where("ip = ? AND bucket = ? AND serial = ?", v.IP, v.Bucket, v.Serial).Count(&exists).Error; err != nil {
			return err
		}
		if exists == 0 {
			v.Serial, v.CertificateID, v.Result = models.VerificationOverflowSerial, nil, models.VerifyNotFound
		}
	}
	return db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "serial"}, {Name: "ip"}, {Name: "bucket"}},
		DoUpdates: clause.Assignments(map[string]any{
			"hits": gorm.Expr("verifications.hits + 1"), "last_at": v.LastAt, "result": v.Result,
			"certificate_id": v.CertificateID, "user_agent": v.UserAgent,
		}),
	}).Create(&v).Error
}

// VerificationCount is how often a serial has been looked up, for officers.
func (s *Store) VerificationCount(ctx context.Context, serial string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Verification{}).Select("coalesce(sum(hits), 0)").Where("serial = ?", serial).Scan(&n).Error
	return n, err
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// RevokeCertificate revokes a certificate with a public reason; the platform is told.
// The application moves to certificate_revoked and its filing, if any, leaves the
// default public register (Register), though it stays on record.
func (s *Store) RevokeCertificate(ctx context.Context, a Actor, id int64, reason string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		err := scopeInstitutions(tx.Table("certificates").Joins("JOIN institutions ON institutions.id = certificates.institution_id"), a.User).
			Where("certificates.id = ?", id).Pluck("certificates.id", &ids).Error
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return models.Errorf(models.ENotFound, "合格证明不存在或不在您的管辖范围内")
		}
		var c models.Certificate
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&c, id).Error; err != nil {
			return err
		}
		if c.Revoked() {
			return models.Errorf(models.EConflict, "该证明已于 %s 撤销", models.DateOf(*c.RevokedAt))
		}
		reason = strings.TrimSpace(reason)
		// The application leaves certified / scope changed / filed through the workflow,
		// so the revocation is in its hash-chained history and its state says so.
		_, err = decideIn(tx, a, c.ApplicationID, models.EventRevokeCertificate, DecisionInput{
			Opinion: fmt.Sprintf("撤销整改验收合格证明 %s：%s", c.Serial, reason)}, decideHooks{
			before: func(_ *gorm.DB, _ *models.Application, f *models.Facts) error {
				f.Opinion = reason // the guard asks for the reason itself
				return nil
			},
		})
		if err != nil {
			return err
		}
		if err := tx.Model(&c).Updates(map[string]any{"status": models.CertificateRevoked, "revoked_at": a.Now,
			"revoked_reason": reason, "revoked_by": a.id(), "updated_at": a.Now}).Error; err != nil {
			return err
		}
		var inst models.Institution
		if err := tx.First(&inst, c.InstitutionID).Error; err != nil {
			return err
		}
		ids, err = recipients(tx, models.NotifyPlatform, &inst)
		if err != nil {
			return err
		}
		for _, uid := range ids {
			row := Notification{UserID: uid, ApplicationID: &c.ApplicationID, At: a.Now, Kind: "certificate_revoked",
				Title: fmt.Sprintf("整改验收合格证明 %s 已被撤销：%s", c.Serial, reason), Body: "撤销理由：" + reason, Link: urls.Certificate(c.ID)}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return audit(tx, a, "撤销整改验收合格证明", c.Serial, reason)
	})
}
