package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// Custody banks (存管银行, issue 12 §3): the administrator's list, the relationships the
// platforms' files imply and the banks confirm, and the banks' monthly statements.

// bankNameSQL normalises an institution file's typed bank name as models.NormalizeBankName
// does, so it compares with custody_banks.name (stored normalised).
const bankNameSQL = `translate(regexp_replace(institutions.custody_bank, '\s', '', 'g'), '()', '（）')`

// CustodyBanks is the list, by name.
func (s *Store) CustodyBanks(ctx context.Context) ([]models.CustodyBank, error) {
	var bs []models.CustodyBank
	return bs, s.db.WithContext(ctx).Order("name, id").Find(&bs).Error
}

// CustodyBank is one bank of the list.
func (s *Store) CustodyBank(ctx context.Context, id int64) (*models.CustodyBank, error) {
	var b models.CustodyBank
	if err := s.db.WithContext(ctx).First(&b, id).Error; err != nil {
		return nil, notFound(err, "存管银行")
	}
	return &b, nil
}

// SaveCustodyBank adds a bank to the list (id 0) or changes one, audited; only the system
// administrator keeps the list (reference data).
func (s *Store) SaveCustodyBank(ctx context.Context, a Actor, id int64, b models.CustodyBank) (*models.CustodyBank, error) {
	if a.User == nil || a.User.Role != models.RoleSysAdmin {
		return nil, models.Errorf(models.EForbidden, "存管银行名录由系统管理员维护")
	}
	b.UpdatedBy, b.UpdatedAt = &a.User.ID, a.Now
	err := s.tx(ctx, func(tx *gorm.DB) error {
		action, before := "新增存管银行", ""
		if id != 0 {
			var old models.CustodyBank
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&old, id).Error; err != nil {
				return notFound(err, "存管银行")
			}
			action, before = "修改存管银行", old.EvaluationText()+" → "
			b.ID = id
			if err := tx.Select("*").Omit("id").Updates(&b).Error; err != nil {
				return uniqueBank(err)
			}
		} else if err := tx.Create(&b).Error; err != nil {
			return uniqueBank(err)
		}
		return audit(tx, a, action, fmt.Sprintf("存管银行 %d（%s）", b.ID, b.Name), before+b.EvaluationText()+"；来源："+b.Source)
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func uniqueBank(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		if strings.Contains(pg.ConstraintName, "code") {
			return models.FieldErrorf("code", models.EConflict, "名录中已有该统一社会信用代码的银行")
		}
		return models.FieldErrorf("name", models.EConflict, "名录中已有同名银行")
	}
	return err
}

// CustodyCheckFor decides hard line 6 for an institution from the list.
func (s *Store) CustodyCheckFor(ctx context.Context, institutionID int64) (*models.CustodyCheck, error) {
	return custodyCheck(s.db.WithContext(ctx), institutionID)
}

func custodyCheck(db *gorm.DB, institutionID int64) (*models.CustodyCheck, error) {
	var named []string
	if err := db.Raw("SELECT custody_bank FROM institutions WHERE id = ?", institutionID).Scan(&named).Error; err != nil {
		return nil, err
	}
	if len(named) == 0 {
		return nil, models.Errorf(models.ENotFound, "机构不存在")
	}
	var banks []models.CustodyBank
	if err := db.Where("name = ?", models.NormalizeBankName(named[0])).Find(&banks).Error; err != nil {
		return nil, err
	}
	c := models.CheckCustodyBank(named[0], banks)
	return &c, nil
}

// BankRelationship is one platform naming the bank, with the bank's decision in force.
type BankRelationship struct {
	InstitutionID   int64
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	Status          models.RelationshipStatus
	Note            string
	DecidedAt       *time.Time
	DecidedName     string
}

// the latest decision of each institution for a bank
const latestDecisionSQL = `LEFT JOIN LATERAL (SELECT d.decision, d.note, d.decided_at, u.display_name AS decided_name
		FROM custody_relationship_decisions d LEFT JOIN users u ON u.id = d.decided_by
		WHERE d.institution_id = institutions.id AND d.custody_bank_id = custody_banks.id ORDER BY d.id DESC LIMIT 1) dec ON true`

func bankOf(u *models.User) (int64, error) {
	if u == nil || u.Role != models.RoleBank || u.CustodyBankID == nil {
		return 0, models.Errorf(models.EForbidden, "仅存管银行用户可以操作")
	}
	return *u.CustodyBankID, nil
}

// relationships are the institutions whose file names the bank, with the decision.
func relationships(db *gorm.DB, bankID int64) *gorm.DB {
	return db.Table("institutions").
		Joins("JOIN custody_banks ON custody_banks.name = "+bankNameSQL).
		Joins("JOIN divisions ON divisions.id = institutions.district_id").
		Joins(latestDecisionSQL).
		Where("custody_banks.id = ?", bankID).
		Select(`institutions.id AS institution_id, institutions.name AS institution_name, institutions.uscc, divisions.name AS district_name,
			COALESCE(dec.decision, '') AS status, COALESCE(dec.note, '') AS note, dec.decided_at, COALESCE(dec.decided_name, '') AS decided_name`)
}

// RelationshipFilter narrows the bank's relationships.
type RelationshipFilter struct {
	Query  string // name or USCC contains
	Status string // "pending", "confirmed", "declined" or "" for all
}

func filteredRelationships(db *gorm.DB, bank int64, f RelationshipFilter) *gorm.DB {
	q := relationships(db, bank)
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	switch f.Status {
	case "pending":
		q = q.Where("dec.decision IS NULL")
	case "confirmed", "declined":
		q = q.Where("dec.decision = ?", f.Status)
	}
	return q
}

// BankRelationships is one page of the platforms whose file names the user's bank:
// pending ones first, then by name.
func (s *Store) BankRelationships(ctx context.Context, u *models.User, f RelationshipFilter, p models.Page) ([]BankRelationship, int64, error) {
	bank, err := bankOf(u)
	if err != nil {
		return nil, 0, err
	}
	p = p.Normalize()
	db := s.db.WithContext(ctx)
	var total int64
	if err := db.Table("(?) AS x", filteredRelationships(db, bank, f)).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []BankRelationship
	return rows, total, filteredRelationships(db, bank, f).
		Order("COALESCE(dec.decision, '') <> '', institutions.name, institutions.id").Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
}

// BankPlatformFilter narrows the bank's platform list.
type BankPlatformFilter struct {
	Query string // name or USCC contains
}

func confirmedPlatforms(db *gorm.DB, bankID int64, f BankPlatformFilter) *gorm.DB {
	q := relationships(db, bankID).Where("dec.decision = 'confirmed'")
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	return q
}

// BankPlatforms is one page of the platforms the user's bank sees: those whose file names
// it and whose relationship it confirmed.
func (s *Store) BankPlatforms(ctx context.Context, u *models.User, f BankPlatformFilter, p models.Page) ([]BankRelationship, int64, error) {
	bank, err := bankOf(u)
	if err != nil {
		return nil, 0, err
	}
	p = p.Normalize()
	var total int64
	if err := s.db.WithContext(ctx).Table("(?) AS x", confirmedPlatforms(s.db.WithContext(ctx), bank, f)).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []BankRelationship
	err = confirmedPlatforms(s.db.WithContext(ctx), bank, f).Order("institutions.name, institutions.id").
		Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// BankPlatform is one platform the user's bank sees; any other is ENotFound.
func (s *Store) BankPlatform(ctx context.Context, u *models.User, institutionID int64) (*BankRelationship, error) {
	bank, err := bankOf(u)
	if err != nil {
		return nil, err
	}
	return bankPlatform(s.db.WithContext(ctx), bank, institutionID)
}

func bankPlatform(db *gorm.DB, bankID, institutionID int64) (*BankRelationship, error) {
	var rows []BankRelationship
	if err := confirmedPlatforms(db, bankID, BankPlatformFilter{}).Where("institutions.id = ?", institutionID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, models.Errorf(models.ENotFound, "该机构不存在，或未在机构档案中载明本行为存管银行并经本行确认")
	}
	return &rows[0], nil
}

// DecideRelationship records the bank's confirmation or denial of a platform naming it, in
// one transaction: lock the institution, check it names the bank, write the decision,
// audit, and tell the district and the platform.
func (s *Store) DecideRelationship(ctx context.Context, a Actor, institutionID int64, d models.RelationshipStatus, note string) error {
	bank, err := bankOf(a.User)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := models.ValidateRelationshipDecision(d, note); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var inst models.Institution
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inst, institutionID).Error; err != nil {
			return notFound(err, "机构")
		}
		var rows []BankRelationship
		if err := relationships(tx, bank).Where("institutions.id = ?", institutionID).Scan(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return models.Errorf(models.ENotFound, "该机构不存在，或机构档案未载明本行为存管银行")
		}
		if rows[0].Status == d {
			return models.Errorf(models.EConflict, "已于 %s %s", models.DateTimeCN(*rows[0].DecidedAt), d.Label())
		}
		if err := tx.Exec(`INSERT INTO custody_relationship_decisions (institution_id, custody_bank_id, decision, note, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?)`, institutionID, bank, d, note, a.User.ID, a.Now).Error; err != nil {
			return err
		}
		detail := d.Label()
		if note != "" {
			detail += "：" + clip(note, 200)
		}
		if err := audit(tx, a, "存管关系确认", fmt.Sprintf("机构 %d（%s）", inst.ID, inst.Name), detail); err != nil {
			return err
		}
		for _, scope := range []models.NotifyScope{models.NotifyDistrict, models.NotifyPlatform} {
			ids, err := recipients(tx, scope, &inst)
			if err != nil {
				return err
			}
			for _, uid := range ids {
				n := Notification{UserID: uid, At: a.Now, Kind: models.NotifyWarning, Title: "存管银行" + d.Label(), Body: inst.Name + "：" + detail}
				if err := tx.Create(&n).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// BankStatementRow is one version of a bank's monthly statement.
type BankStatementRow struct {
	ID                  int64
	InstitutionID       int64
	CustodyBankID       int64
	Period              int
	Version             int
	LenderFunds         models.Money
	RepaymentFlows      models.Money
	RiskReserve         models.Money
	CompensationBalance models.Money
	Source              models.ReportSource
	UploadSHA256        string `gorm:"column:upload_sha256"`
	Note                string
	SubmittedBy         *int64
	SubmittedName       string
	SubmittedAt         time.Time
	TokenID             *int64
	InstitutionName     string `gorm:"->"`
	BankName            string `gorm:"->"`
}

// TableName keeps gorm on the migration's table.
func (BankStatementRow) TableName() string { return "bank_statements" }

// Statement is the row as the pure rules take it.
func (r BankStatementRow) Statement() models.BankStatement {
	return models.BankStatement{Period: periodOfKey(r.Period), LenderFunds: r.LenderFunds, RepaymentFlows: r.RepaymentFlows,
		RiskReserve: r.RiskReserve, CompensationBalance: r.CompensationBalance}
}

// PeriodText is the statement's month as yyyy-mm.
func (r BankStatementRow) PeriodText() string { return periodOfKey(r.Period).String() }

// StatementInput is a statement as received.
type StatementInput struct {
	InstitutionID int64
	Statement     models.BankStatement
	Source        models.ReportSource
	UploadSHA256  string
	Note          string
	// Token is the bank's API token the statement came with (no signed-in user).
	Token *BankToken
}

// SubmitBankStatement stores a bank's statement for a platform it sees, as a new version
// (a correction never overwrites), in one transaction: lock the institution, check the
// relationship, write, audit.
func (s *Store) SubmitBankStatement(ctx context.Context, a Actor, in StatementInput) (*BankStatementRow, error) {
	var bank int64
	var err error
	by, byName := (*int64)(nil), a.name()
	var tokenID *int64
	if in.Token != nil && a.User == nil {
		bank, tokenID = in.Token.CustodyBankID, &in.Token.ID
	} else if bank, err = bankOf(a.User); err != nil {
		return nil, err
	} else {
		by, byName = &a.User.ID, a.User.DisplayName
	}
	if err := models.ValidateStatementPeriod(in.Statement.Period, models.DateOf(a.Now)); err != nil {
		return nil, err
	}
	var row BankStatementRow
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var inst models.Institution
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inst, in.InstitutionID).Error; err != nil {
			return notFound(err, "机构")
		}
		if _, err := bankPlatform(tx, bank, in.InstitutionID); err != nil {
			return err
		}
		var version int
		if err := tx.Raw("SELECT COALESCE(max(version), 0) + 1 FROM bank_statements WHERE institution_id = ? AND period = ?",
			in.InstitutionID, in.Statement.Period.Key()).Scan(&version).Error; err != nil {
			return err
		}
		st := in.Statement
		row = BankStatementRow{InstitutionID: in.InstitutionID, CustodyBankID: bank, Period: st.Period.Key(), Version: version,
			LenderFunds: st.LenderFunds, RepaymentFlows: st.RepaymentFlows, RiskReserve: st.RiskReserve, CompensationBalance: st.CompensationBalance,
			Source: in.Source, UploadSHA256: in.UploadSHA256, Note: strings.TrimSpace(in.Note), SubmittedBy: by,
			SubmittedName: byName, SubmittedAt: a.Now, TokenID: tokenID}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit(tx, a, "报送存管对账单", fmt.Sprintf("机构 %d（%s）", inst.ID, inst.Name),
			fmt.Sprintf("%s 第 %d 版：一般风险准备金 %s 元，出借人风险补偿金 %s 元", st.Period, version, st.RiskReserve, st.CompensationBalance))
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// BankStatementsOf lists an institution's statements, newest month and version first:
// for a bank user those of a platform it sees, for an officer those in the jurisdiction.
func (s *Store) BankStatementsOf(ctx context.Context, u *models.User, institutionID int64, limit int) ([]BankStatementRow, error) {
	db := s.db.WithContext(ctx)
	if u.Role == models.RoleBank {
		if _, err := s.BankPlatform(ctx, u, institutionID); err != nil {
			return nil, err
		}
	} else if _, err := s.Institution(ctx, u, institutionID); err != nil {
		return nil, err
	}
	var rows []BankStatementRow
	return rows, db.Table("bank_statements").Select("bank_statements.*, custody_banks.name AS bank_name").
		Joins("JOIN custody_banks ON custody_banks.id = bank_statements.custody_bank_id").
		Where("bank_statements.institution_id = ?", institutionID).
		Order("period DESC, version DESC").Limit(limit).Scan(&rows).Error
}

// BankStatementComparison is the latest statement of a month with its comparison.
type BankStatementComparison struct {
	Statement BankStatementRow
	Declared  bool // the platform reported the month
	Flags     []models.BankFlag
	Tolerance models.Money
}

// CompareLatestStatement compares the institution's latest statement (its newest month,
// newest version) with the declared figures of that month and the reserve requirements,
// with the tolerance in force in its district; nil when there is none.
func (s *Store) CompareLatestStatement(ctx context.Context, institutionID int64) (*BankStatementComparison, error) {
	db := s.db.WithContext(ctx)
	var rows []BankStatementRow
	if err := db.Where("institution_id = ?", institutionID).Order("period DESC, version DESC").Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	c := &BankStatementComparison{Statement: rows[0]}
	var inst struct {
		DistrictID     int64
		OperatingClass models.OperatingClass
	}
	if err := db.Table("institutions").Where("id = ?", institutionID).Select("district_id, operating_class").Scan(&inst).Error; err != nil {
		return nil, err
	}
	ws, err := warningSettings(db, inst.DistrictID)
	if err != nil {
		return nil, err
	}
	c.Tolerance = models.Money(ws.Effective.Of(models.WarnDeclaredBank))
	rep, err := latestReport(db, institutionID, periodOfKey(rows[0].Period))
	if err != nil || rep == nil {
		return c, err
	}
	c.Declared = true
	c.Flags = models.CompareBankStatement(rep.Figures, inst.OperatingClass, rows[0].Statement(), c.Tolerance)
	return c, nil
}

// bankFacts is the custody bank's statement of the month for the early-warning rules: the
// latest version from the bank the institution's file names and that confirmed the
// relationship; nil when there is none.
func bankFacts(tx *gorm.DB, institutionID int64, p models.Period) (*models.BankStatement, error) {
	var rows []BankStatementRow
	err := tx.Table("bank_statements").Select("bank_statements.*").
		Joins("JOIN institutions ON institutions.id = bank_statements.institution_id").
		Joins("JOIN custody_banks ON custody_banks.id = bank_statements.custody_bank_id AND custody_banks.name = "+bankNameSQL).
		Joins(latestDecisionSQL).
		Where("bank_statements.institution_id = ? AND bank_statements.period = ? AND dec.decision = 'confirmed'", institutionID, p.Key()).
		Order("bank_statements.version DESC").Limit(1).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	st := rows[0].Statement()
	return &st, nil
}

// BankToken is a custody bank's API token: a row of the platforms' token table (the one
// mechanism, HashAPIKey), owned by the bank instead of an institution. No secret is kept.
type BankToken struct {
	ID            int64
	CustodyBankID int64
	Name          string
	Prefix        string
	Hash          string
	CreatedBy     int64
	CreatedAt     time.Time
	RevokedAt     *time.Time
	RevokedBy     *int64
	LastUsedAt    *time.Time
}

// TableName is the one token table.
func (BankToken) TableName() string { return "platform_api_tokens" }

// CreateBankToken stores a new token's hash for the user's bank, audited.
func (s *Store) CreateBankToken(ctx context.Context, a Actor, name, token string) (*BankToken, error) {
	bank, err := bankOf(a.User)
	if err != nil {
		return nil, err
	}
	if name, err = tokenName(name, "存管系统月度对账单报送"); err != nil {
		return nil, err
	}
	t := &BankToken{CustodyBankID: bank, Name: name, Prefix: token[:10], Hash: HashAPIKey(token), CreatedBy: a.User.ID, CreatedAt: a.Now}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return audit(tx, a, "custody.token_create", fmt.Sprintf("custody_bank:%d", bank), t.Prefix+"… "+t.Name)
	})
	return t, err
}

// RevokeBankToken ends one of the user's bank's tokens, audited.
func (s *Store) RevokeBankToken(ctx context.Context, a Actor, id int64) error {
	bank, err := bankOf(a.User)
	if err != nil {
		return err
	}
	return s.revokeToken(ctx, a, id, "custody_bank_id", bank, "custody.token_revoke", fmt.Sprintf("custody_bank:%d", bank))
}

// BankTokens lists the user's bank's tokens, newest first.
func (s *Store) BankTokens(ctx context.Context, u *models.User) ([]BankToken, error) {
	bank, err := bankOf(u)
	if err != nil {
		return nil, err
	}
	var ts []BankToken
	return ts, s.db.WithContext(ctx).Where("custody_bank_id = ?", bank).Order("id DESC").Find(&ts).Error
}

// BankTokenByHash finds an active bank token; nil when unknown or revoked. Its last use is
// noted at most once a minute.
func (s *Store) BankTokenByHash(ctx context.Context, hash string, now time.Time) (*BankToken, error) {
	return activeByHash(s.db.WithContext(ctx).Where("custody_bank_id IS NOT NULL"), hash, now,
		func(t *BankToken) **time.Time { return &t.LastUsedAt })
}

// BankInstitutionByUSCC finds, for a bank's token, the platform of that code the bank sees
// (file names it, relationship confirmed); anything else is ENotFound.
func (s *Store) BankInstitutionByUSCC(ctx context.Context, bankID int64, uscc string) (*BankRelationship, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Raw("SELECT id FROM institutions WHERE uscc = ?", models.NormalizeUSCC(uscc)).Scan(&ids).Error; err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, models.Errorf(models.ENotFound, "该机构不存在，或未在机构档案中载明本行为存管银行并经本行确认")
	}
	return bankPlatform(s.db.WithContext(ctx), bankID, ids[0])
}
