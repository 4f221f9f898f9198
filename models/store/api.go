package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// The open data API (issue 14 §3) reads only public columns: no complainant, officer or
// lender ever appears in these rows. Lists are keyset-paginated on id ascending: after
// is the last id the client saw.

// APINotice is a public notice as the API gives it.
type APINotice struct {
	ID              int64
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	District        string
	City            string
	StartDate       models.Date
	EndDate         models.Date
	Days            int
	Status          string
	RevokedAt       *time.Time
	RevokedReason   string
}

// APINoticeFilter narrows the notice list.
type APINoticeFilter struct {
	Status string // "", active, ended, revoked
	City   string // city name
	Query  string // name or USCC contains
	After  int64
	Limit  int
}

func apiNotices(db *gorm.DB) *gorm.DB {
	return db.Table("notices").Select(`notices.id, i.name AS institution_name, i.uscc, d.name AS district, c.name AS city,
		notices.start_date, notices.end_date, notices.days, notices.status, notices.revoked_at, notices.revoked_reason`).
		Joins("JOIN institutions i ON i.id = notices.institution_id").
		Joins("JOIN divisions d ON d.id = i.district_id").
		Joins("JOIN divisions c ON c.id = d.parent_id")
}

// APINotices lists notices after a cursor; it returns Limit+1 rows at most, so the
// caller knows whether there is a next page.
func (s *Store) APINotices(ctx context.Context, f APINoticeFilter) ([]APINotice, error) {
	q := apiNotices(s.db.WithContext(ctx)).Where("notices.id > ?", f.After)
	if f.Status != "" {
		q = q.Where("notices.status = ?", f.Status)
	}
	if f.City != "" {
		q = q.Where("c.name = ?", f.City)
	}
	if f.Query = strings.TrimSpace(f.Query); f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("i.name ILIKE ? OR i.uscc ILIKE ?", like, like)
	}
	var rows []APINotice
	err := q.Order("notices.id").Limit(f.Limit + 1).Scan(&rows).Error
	return rows, err
}

// APIRegisterEntry is a filing as the API gives it, keyed by institution.
type APIRegisterEntry struct {
	models.RegisterEntry
	Serial   string
	FilingID int64
}

// APIRegisterFilter narrows the register.
type APIRegisterFilter struct {
	Status   models.RegisterStatus
	District string
	Query    string
	After    int64 // filings.id
	Limit    int
}

func apiRegister(db *gorm.DB, st models.RegisterStatus) *gorm.DB {
	q := db.Table("filings").
		Joins("JOIN institutions ON institutions.id = filings.institution_id").
		Joins("JOIN divisions d ON d.id = institutions.district_id").
		Joins("JOIN certificates c ON c.application_id = filings.application_id")
	switch st {
	case models.RegisterValid:
		q = q.Where("c.status <> ?", models.CertificateRevoked)
	case models.RegisterRevoked:
		q = q.Where("c.status = ?", models.CertificateRevoked)
	}
	return q.Select(`filings.id AS filing_id, institutions.id AS institution_id, institutions.name, institutions.uscc,
		d.name AS district, filings.filing_number, filings.filing_date, institutions.custody_bank,
		COALESCE((SELECT ch.address FROM institution_channels ch WHERE ch.institution_id = institutions.id
			AND ch.kind = 'website' ORDER BY ch.position LIMIT 1), '') AS website,
		c.status = 'revoked' AS revoked, c.revoked_at, COALESCE(c.revoked_reason, '') AS revoked_reason, c.serial`)
}

// APIRegister lists register entries after a cursor (Limit+1 rows at most).
func (s *Store) APIRegister(ctx context.Context, f APIRegisterFilter) ([]APIRegisterEntry, error) {
	q := apiRegister(s.db.WithContext(ctx), f.Status).Where("filings.id > ?", f.After)
	if f.District != "" {
		q = q.Where("d.name = ?", f.District)
	}
	if f.Query = strings.TrimSpace(f.Query); f.Query != "" {
		like := "%" + escapeLike(f.Query) + "%"
		q = q.Where("institutions.name ILIKE ? OR institutions.uscc ILIKE ? OR filings.filing_number ILIKE ?", like, like, like)
	}
	var rows []APIRegisterEntry
	err := q.Order("filings.id").Limit(f.Limit + 1).Scan(&rows).Error
	return rows, err
}

// APICertificate is a certificate's public status by serial; ENotFound when unknown.
func (s *Store) APICertificate(ctx context.Context, serial string) (*models.Certificate, error) {
	var c models.Certificate
	err := s.db.WithContext(ctx).Where("serial = ?", serial).First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.Errorf(models.ENotFound, "未查询到编号为「%s」的整改验收合格证明", serial)
	}
	return &c, err
}

// APIChange is one row of the change feed.
type APIChange struct {
	Seq      int64
	At       time.Time
	Kind     string
	ObjectID int64
	Op       string
}

// APIChanges lists changes after seq (Limit+1 rows at most).
func (s *Store) APIChanges(ctx context.Context, since int64, limit int) ([]APIChange, error) {
	var rows []APIChange
	err := s.db.WithContext(ctx).Table("api_changes").Where("seq > ?", since).Order("seq").Limit(limit + 1).Scan(&rows).Error
	return rows, err
}

// APINoticesByID, APICertificatesByID and APIRegisterByInstitution load the current
// state of changed objects for the feed.
func (s *Store) APINoticesByID(ctx context.Context, ids []int64) (map[int64]APINotice, error) {
	var rows []APINotice
	out := map[int64]APINotice{}
	if len(ids) == 0 {
		return out, nil
	}
	err := apiNotices(s.db.WithContext(ctx)).Where("notices.id IN ?", ids).Scan(&rows).Error
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, err
}

func (s *Store) APICertificatesByID(ctx context.Context, ids []int64) (map[int64]models.Certificate, error) {
	var rows []models.Certificate
	out := map[int64]models.Certificate{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, err
}

func (s *Store) APIRegisterByInstitution(ctx context.Context, ids []int64) (map[int64]APIRegisterEntry, error) {
	var rows []APIRegisterEntry
	out := map[int64]APIRegisterEntry{}
	if len(ids) == 0 {
		return out, nil
	}
	err := apiRegister(s.db.WithContext(ctx), models.RegisterAll).Where("institutions.id IN ?", ids).Scan(&rows).Error
	for _, r := range rows {
		out[r.InstitutionID] = r
	}
	return out, err
}

// APIKey is an issued key, without its secret.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string
	Hash       string
	CreatedBy  int64
	CreatedAt  time.Time
	RevokedAt  *time.Time
	RevokedBy  *int64
	LastUsedAt *time.Time
}

// HashAPIKey is the stored form of a key: hex SHA-256 (the key has 256 bits of entropy,
// so no slow hash is needed).
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// CreateAPIKey stores a new key's hash, audited.
func (s *Store) CreateAPIKey(ctx context.Context, a Actor, name, key string) (*APIKey, error) {
	k := &APIKey{Name: strings.TrimSpace(name), Prefix: key[:10], Hash: HashAPIKey(key), CreatedBy: a.User.ID, CreatedAt: a.Now}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(k).Error; err != nil {
			return err
		}
		return audit(tx, a, "创建开放数据接口密钥", k.Prefix+"…", k.Name)
	})
	return k, err
}

// RevokeAPIKey ends a key, audited.
func (s *Store) RevokeAPIKey(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var k APIKey
		if err := tx.First(&k, id).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return models.Errorf(models.ENotFound, "接口密钥不存在")
		} else if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return models.Errorf(models.EConflict, "该密钥已于 %s 停用", models.DateOf(*k.RevokedAt))
		}
		if err := tx.Model(&k).Updates(map[string]any{"revoked_at": a.Now, "revoked_by": a.id()}).Error; err != nil {
			return err
		}
		return audit(tx, a, "停用开放数据接口密钥", k.Prefix+"…", k.Name)
	})
}

// ListAPIKeys lists every key, newest first.
func (s *Store) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	var ks []APIKey
	return ks, s.db.WithContext(ctx).Order("id DESC").Find(&ks).Error
}

// APIKeyByHash finds an active key; nil when unknown or revoked. Its last use is noted
// at most once a minute.
func (s *Store) APIKeyByHash(ctx context.Context, hash string, now time.Time) (*APIKey, error) {
	return activeByHash(s.db.WithContext(ctx), hash, now, func(k *APIKey) **time.Time { return &k.LastUsedAt })
}

// activeByHash finds the unrevoked credential row (an API key, a platform's or a bank's
// token) whose hash is hash, among the rows db selects; nil when there is none. Its
// last use is written at most once a minute, so a busy client does not write per request.
func activeByHash[T any](db *gorm.DB, hash string, now time.Time, lastUsed func(*T) **time.Time) (*T, error) {
	var rows []T
	if err := db.Where("hash = ? AND revoked_at IS NULL", hash).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	row := &rows[0]
	if at := lastUsed(row); *at == nil || now.Sub(**at) > time.Minute {
		if err := db.Session(&gorm.Session{NewDB: true}).Model(row).Update("last_used_at", now).Error; err != nil {
			return nil, err
		}
	}
	return row, nil
}

// FiledInstitutionByUSCC is a filed institution of the register, by its credit code;
// ENotFound for any other.
func (s *Store) FiledInstitutionByUSCC(ctx context.Context, uscc string) (*models.Institution, error) {
	var rows []models.Institution
	err := s.db.WithContext(ctx).Raw(`SELECT i.* FROM institutions i WHERE i.uscc = ? AND EXISTS (
		SELECT 1 FROM filings f JOIN applications a ON a.id = f.application_id
		WHERE f.institution_id = i.id AND a.state = ?)`, uscc, models.StateFiled).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, models.Errorf(models.ENotFound, "备案名录中没有统一社会信用代码为 %s 的机构", uscc)
	}
	return &rows[0], nil
}
