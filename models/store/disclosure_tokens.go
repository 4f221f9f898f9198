package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// PlatformToken is a platform's API token for the reporting API, without its secret.
type PlatformToken struct {
	ID            int64
	InstitutionID int64
	Name          string
	Prefix        string
	Hash          string
	CreatedBy     int64
	CreatedAt     time.Time
	RevokedAt     *time.Time
	RevokedBy     *int64
	LastUsedAt    *time.Time
}

// TableName is the table of platform tokens.
func (PlatformToken) TableName() string { return "platform_api_tokens" }

// CreatePlatformToken stores a new token's hash (HashAPIKey, as for the open data keys),
// audited. The token itself is shown once by the caller and never kept.
func (s *Store) CreatePlatformToken(ctx context.Context, a Actor, institutionID int64, name, token string) (*PlatformToken, error) {
	name, err := tokenName(name, "业务系统月度报送")
	if err != nil {
		return nil, err
	}
	t := &PlatformToken{InstitutionID: institutionID, Name: name, Prefix: token[:10], Hash: HashAPIKey(token), CreatedBy: a.User.ID, CreatedAt: a.Now}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return audit(tx, a, "disclosure.token_create", fmt.Sprintf("institution:%d", institutionID), t.Prefix+"… "+t.Name)
	})
	return t, err
}

// RevokePlatformToken ends one of the institution's tokens, audited.
func (s *Store) RevokePlatformToken(ctx context.Context, a Actor, institutionID, id int64) error {
	return s.revokeToken(ctx, a, id, "institution_id", institutionID, "disclosure.token_revoke", fmt.Sprintf("institution:%d", institutionID))
}

// tokenName checks what a token is for, as typed (example is the hint of the message).
func tokenName(name, example string) (string, error) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n < 2 || n > 100 {
		return "", models.FieldErrorf("name", models.EInvalid, "请填写令牌用途（2–100 字），例如“%s”", example)
	}
	return name, nil
}

// revokeToken ends token id of the one token table if its owner column (institution_id
// or custody_bank_id) is owner, audited as action on target.
func (s *Store) revokeToken(ctx context.Context, a Actor, id int64, ownerColumn string, owner int64, action, target string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var t PlatformToken
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND "+ownerColumn+" = ?", id, owner).First(&t).Error; err != nil {
			return notFound(err, "接口令牌")
		}
		if t.RevokedAt != nil {
			return models.Errorf(models.EConflict, "该令牌已于 %s 停用", models.DateOf(*t.RevokedAt))
		}
		if err := tx.Model(&t).Updates(map[string]any{"revoked_at": a.Now, "revoked_by": a.id()}).Error; err != nil {
			return err
		}
		return audit(tx, a, action, target, t.Prefix+"… "+t.Name)
	})
}

// PlatformTokens lists the institution's tokens, newest first.
func (s *Store) PlatformTokens(ctx context.Context, institutionID int64) ([]PlatformToken, error) {
	var ts []PlatformToken
	return ts, s.db.WithContext(ctx).Where("institution_id = ?", institutionID).Order("id DESC").Find(&ts).Error
}

// PlatformTokenByHash finds an active token; nil when unknown or revoked. Its last use is
// noted at most once a minute.
func (s *Store) PlatformTokenByHash(ctx context.Context, hash string, now time.Time) (*PlatformToken, error) {
	return activeByHash(s.db.WithContext(ctx).Where("institution_id IS NOT NULL"), hash, now,
		func(t *PlatformToken) **time.Time { return &t.LastUsedAt })
}
