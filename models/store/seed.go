package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "Portal@Demo2026"

// DemoAccount describes one demo login, for the README and the start-up banner.
type DemoAccount struct {
	Username, Role, Scope string
	TOTPSecret            string // set when the account signs in with a one-time code too
}

type demoInstitution struct {
	name, uscc, district string
	balance              models.Money
}

var demoDivisions = []models.Division{
	{Code: "440000", Name: "广东省", Abbr: "粤", Level: models.LevelProvince},
	{Code: "440100", Name: "广州市", Level: models.LevelCity},
	{Code: "440300", Name: "深圳市", Level: models.LevelCity},
	{Code: "440106", Name: "天河区", Level: models.LevelDistrict},
	{Code: "440104", Name: "越秀区", Level: models.LevelDistrict},
	{Code: "440105", Name: "海珠区", Level: models.LevelDistrict},
	{Code: "440305", Name: "南山区", Level: models.LevelDistrict},
	{Code: "440304", Name: "福田区", Level: models.LevelDistrict},
}

// parentCode is the code of a division's parent: cities under the province, districts
// under their city (first four digits).
func parentCode(d models.Division) string {
	switch d.Level {
	case models.LevelCity:
		return d.Code[:2] + "0000"
	case models.LevelDistrict:
		return d.Code[:4] + "00"
	}
	return ""
}

var demoInstitutions = []demoInstitution{
	{"广州天河示例网络借贷信息中介服务有限公司", "91440106MA59A1B2CE", "440106", 35_000_000_000},
	{"广州越秀示例互联网金融信息服务有限公司", "91440104MA5CXK3D4K", "440104", 12_000_000_000},
	{"广州天河大型示例网络借贷信息中介服务股份有限公司", "91440106MA9UQ7E8FX", "440106", 120_000_000_000},
}

type demoUser struct {
	username, name string
	role           models.Role
	institution    string // USCC
	division       string // code
}

// demoTOTP are the demo accounts with two-factor sign-in on, with models.DemoTOTPSecret
// (README, 演示账户): the security and the audit administrator.
var demoTOTP = map[string]bool{"secadmin": true, "auditadmin": true}

var demoUsers = []demoUser{
	{"admin", "系统管理员", models.RoleSysAdmin, "", ""},
	{"platform1", "天河示例经办人", models.RolePlatform, "91440106MA59A1B2CE", ""},
	{"platform2", "越秀示例经办人", models.RolePlatform, "91440104MA5CXK3D4K", ""},
	{"platform3", "天河大型示例经办人", models.RolePlatform, "91440106MA9UQ7E8FX", ""},
	{"district1", "天河区审核员", models.RoleDistrict, "", "440106"},
	{"district2", "越秀区审核员", models.RoleDistrict, "", "440104"},
	{"city1", "广州市初验员", models.RoleCity, "", "440100"},
	{"city2", "广州市专责小组成员", models.RoleCity, "", "440100"},
	{"province1", "省金融办审定员", models.RoleProvince, "", "440000"},
	{"province2", "省金融办备案员", models.RoleProvince, "", "440000"},
	// 三员分立: the security and the audit administrator, after the accounts that came
	// before the split so their ids stay as they were
	{"secadmin", "安全管理员", models.RoleSecAdmin, "", ""},
	{"auditadmin", "审计管理员", models.RoleAuditAdmin, "", ""},
}

// DemoAccounts lists the demo logins.
func DemoAccounts() []DemoAccount {
	out := make([]DemoAccount, 0, len(demoUsers))
	for _, u := range demoUsers {
		a := DemoAccount{Username: u.username, Role: u.role.Label(), Scope: u.name}
		if demoTOTP[u.username] {
			a.TOTPSecret = models.DemoTOTPSecret
		}
		out = append(out, a)
	}
	return out
}

// SeedDemo loads the demo divisions, institutions and accounts. It is idempotent: rows
// that exist are left as they are, so a re-run never resets what a user changed.
func (s *Store) SeedDemo(ctx context.Context) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		codes := map[string]int64{}
		for _, d := range demoDivisions {
			if pc := parentCode(d); pc != "" {
				id := codes[pc]
				d.ParentID = &id
			}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}}, DoNothing: true}).Create(&d).Error; err != nil {
				return err
			}
			if err := tx.Where("code = ?", d.Code).First(&d).Error; err != nil {
				return err
			}
			codes[d.Code] = d.ID
		}
		insts := map[string]int64{}
		for _, di := range demoInstitutions {
			inst := models.Institution{Name: di.name, USCC: di.uscc, DistrictID: codes[di.district], OutstandingBalance: di.balance}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "uscc"}}, DoNothing: true}).Create(&inst).Error; err != nil {
				return err
			}
			if err := tx.Where("uscc = ?", di.uscc).First(&inst).Error; err != nil {
				return err
			}
			insts[di.uscc] = inst.ID
		}
		for _, du := range demoUsers {
			err := createDemoUser(tx, du.username, du.name, du.role, time.Now(), func(u *models.User) {
				if demoTOTP[du.username] {
					// the demo's documented secret (README), so anyone can sign in with it
					u.TOTPSecret = models.DemoTOTPSecret
					at := time.Now()
					u.TOTPEnabledAt = &at
				}
				if du.institution != "" {
					id := insts[du.institution]
					u.InstitutionID = &id
				}
				if du.division != "" {
					id := codes[du.division]
					u.DivisionID = &id
				}
			})
			if err != nil {
				return err
			}
		}
		if err := seedPlatform(tx); err != nil {
			return err
		}
		if err := seedPublic(tx); err != nil {
			return err
		}
		if err := seedEndPath(tx); err != nil {
			return err
		}
		if err := seedCustody(tx); err != nil {
			return err
		}
		// the seed writes much around the store's writers: recompute the dashboards' figures
		return refreshAllFigures(tx)
	})
}

// createDemoUser creates a demo account with the demo password, unless the username is
// taken; with set filling in what its role needs (division, institution, bank).
func createDemoUser(tx *gorm.DB, username, name string, role models.Role, now time.Time, set func(*models.User)) error {
	err := tx.Where("username = ?", username).First(&models.User{}).Error
	if err == nil {
		return nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	hash, err := models.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	u := models.User{Username: username, DisplayName: name, PasswordHash: hash, Role: role,
		Email: username + "@demo.portal.test", MailEnabled: true} // the demo's mail shows in the local Mailpit
	set(&u)
	if err := tx.Create(&u).Error; err != nil {
		return err
	}
	return recordPassword(tx, u.ID, hash, now)
}
