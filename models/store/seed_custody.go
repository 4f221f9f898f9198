package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// The demo's custody banks (issue 12 §3): the two banks the demo files name, both
// evaluated, and one on the list that has not passed the evaluation.
var demoCustodyBanks = []models.CustodyBank{
	{Name: "广州示范商业银行股份有限公司", Code: models.MakeUSCC("91440101MA9CB0001"), Evaluated: true,
		Batch: "第二批", Source: "演示数据：网贷资金存管业务测评结果（示例）"},
	{Name: "广州示例银行股份有限公司", Code: models.MakeUSCC("91440101MA9CB0002"), Evaluated: true,
		Batch: "第一批", Source: "演示数据：网贷资金存管业务测评结果（示例）"},
	{Name: "广州示例农村商业银行股份有限公司", Code: models.MakeUSCC("91440101MA9CB0003"),
		Source: "演示数据：已申请测评，尚未通过"},
}

// demoBankUsers are the custody bank's demo account, of the bank the filed demo platform
// (platform5) names.
var demoBankUsers = []demoUser{
	{"bank1", "广州示范商业银行存管部经办人", models.RoleBank, "", ""},
}

// DemoBankAccounts lists the custody bank's demo logins, for the banner and the README.
func DemoBankAccounts() []DemoAccount {
	out := make([]DemoAccount, 0, len(demoBankUsers))
	for _, u := range demoBankUsers {
		out = append(out, DemoAccount{Username: u.username, Role: u.role.Label(), Scope: demoCustodyBanks[0].Name})
	}
	return out
}

// seedCustody runs last in SeedDemo's transaction: the bank list, the bank's account, the
// confirmed relationship of the filed demo platform and one statement for its latest
// reported month that agrees with the declared figures. Rows that exist are kept.
func seedCustody(tx *gorm.DB) error {
	var now time.Time
	if err := tx.Raw("SELECT now()").Row().Scan(&now); err != nil {
		return err
	}
	evaluated := models.NewDate(2019, 6, 28)
	ids := map[string]int64{}
	for _, b := range demoCustodyBanks {
		b.UpdatedAt = now
		if b.Evaluated {
			b.EvaluatedOn = &evaluated
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&b).Error; err != nil {
			return err
		}
		if err := tx.Where("name = ?", b.Name).First(&b).Error; err != nil {
			return err
		}
		ids[b.Name] = b.ID
	}
	bank := ids[demoCustodyBanks[0].Name]
	for _, du := range demoBankUsers {
		if err := createDemoUser(tx, du.username, du.name, du.role, now, func(u *models.User) { u.CustodyBankID = &bank }); err != nil {
			return err
		}
	}
	var inst models.Institution
	if err := tx.Where("uscc = ?", demoFiledUSCC).First(&inst).Error; err != nil {
		return err
	}
	var n int64
	if err := tx.Table("custody_relationship_decisions").Where("institution_id = ?", inst.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	if err := tx.Exec(`INSERT INTO custody_relationship_decisions (institution_id, custody_bank_id, decision, note, decided_at)
		VALUES (?, ?, 'confirmed', '演示数据：已签订资金存管协议', ?)`, inst.ID, bank, now).Error; err != nil {
		return err
	}
	var periods []int
	if err := tx.Raw("SELECT max(period) FROM disclosure_reports WHERE institution_id = ? HAVING max(period) IS NOT NULL", inst.ID).
		Scan(&periods).Error; err != nil || len(periods) == 0 {
		return err
	}
	rep, err := latestReport(tx, inst.ID, periodOfKey(periods[0]))
	if err != nil || rep == nil {
		return err
	}
	f := rep.Figures
	return tx.Create(&BankStatementRow{InstitutionID: inst.ID, CustodyBankID: bank, Period: periods[0], Version: 1,
		LenderFunds: 8_200_000 * models.OneYuan, RepaymentFlows: 21_500_000 * models.OneYuan, RiskReserve: f.RiskReserveBalance,
		CompensationBalance: f.CompensationBalance, Source: models.SourceSeed, SubmittedName: "演示数据", SubmittedAt: now}).Error
}
