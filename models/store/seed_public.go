package store

import (
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// Public-side demo data: two institutions in 海珠区, not used by other parts' tests,
// each taken through the real workflow (decideIn, the hash chain, the notices), so the
// public pages have content from the first run: one in public notice, one certified,
// scope changed and filed.
var (
	demoNoticeUSCC = models.MakeUSCC("91440105MA5HY0001")
	demoFiledUSCC  = models.MakeUSCC("91440105MA5HY0002")
)

var demoPublicInstitutions = []demoInstitution{
	{"广州海珠示例网络借贷信息中介服务有限公司", demoNoticeUSCC, "440105", 50_000_000_000},
	{"广州海珠示范互联网金融信息服务有限公司", demoFiledUSCC, "440105", 20_000_000_000},
}

var demoPublicUsers = []demoUser{
	{"district3", "海珠区审核员", models.RoleDistrict, "", "440105"},
	{"platform4", "海珠示例经办人", models.RolePlatform, demoNoticeUSCC, ""},
	{"platform5", "海珠示范经办人", models.RolePlatform, demoFiledUSCC, ""},
}

// DemoPublicAccounts lists the demo logins the public side adds, for the README.
func DemoPublicAccounts() []DemoAccount {
	out := make([]DemoAccount, 0, len(demoPublicUsers))
	for _, u := range demoPublicUsers {
		out = append(out, DemoAccount{Username: u.username, Role: u.role.Label(), Scope: u.name})
	}
	return out
}

// seedPublic runs inside SeedDemo's transaction, after the base data. It does nothing
// once the demo institutions have applications. Dates count back from the database's
// clock at first seeding; the store itself never reads the time.
func seedPublic(tx *gorm.DB) error {
	var now time.Time
	if err := tx.Raw("SELECT now()").Row().Scan(&now); err != nil {
		return err
	}
	insts := map[string]*models.Institution{}
	for _, di := range demoPublicInstitutions {
		var d models.Division
		if err := tx.Where("code = ?", di.district).First(&d).Error; err != nil {
			return err
		}
		inst := models.Institution{Name: di.name, USCC: di.uscc, DistrictID: d.ID, OutstandingBalance: di.balance, CreatedAt: now, UpdatedAt: now}
		err := tx.Where("uscc = ?", di.uscc).First(&inst).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			err = tx.Create(&inst).Error
		}
		if err != nil {
			return err
		}
		insts[di.uscc] = &inst
	}
	if err := seedRegisterDetails(tx, insts[demoFiledUSCC].ID); err != nil {
		return err
	}
	users := map[string]*models.User{}
	for _, name := range []string{"district3", "platform4", "platform5", "city1", "city2", "province1", "province2"} {
		u, err := demoPublicUser(tx, name, insts)
		if err != nil {
			return err
		}
		users[name] = u
	}
	var started int64
	if err := tx.Model(&models.Application{}).Where("institution_id IN ?", []int64{insts[demoNoticeUSCC].ID, insts[demoFiledUSCC].ID}).
		Count(&started).Error; err != nil || started > 0 {
		return err
	}
	day := func(n int) time.Time { return now.Add(time.Duration(n) * 24 * time.Hour) }
	as := func(name string, n int) Actor { return Actor{User: users[name], Now: day(n)} }

	// In public notice since two days ago.
	if _, err := seedToNotice(tx, insts[demoNoticeUSCC], "platform4", as, -12); err != nil {
		return err
	}
	// Certified, scope changed and filed. The certificate's working-day deadline needs
	// the official calendar; a year without one skips this institution, not the seed.
	if err := tx.SavePoint("demo_filed").Error; err != nil {
		return err
	}
	err := seedFiled(tx, insts[demoFiledUSCC], as)
	if models.ErrorCode(err) == models.EInvalid {
		return tx.RollbackTo("demo_filed").Error
	}
	return err
}

// seedRegisterDetails gives the filed demo institution the custody bank and website the
// register shows; existing values are kept.
func seedRegisterDetails(tx *gorm.DB, institutionID int64) error {
	if err := tx.Exec("UPDATE institutions SET custody_bank = ? WHERE id = ? AND custody_bank = ''",
		"广州示范商业银行股份有限公司", institutionID).Error; err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO institution_channels (institution_id, position, kind, name, address)
		VALUES (?, 1, 'website', '官方网站', 'https://www.haizhu-p2p.example.cn') ON CONFLICT DO NOTHING`, institutionID).Error
}

func demoPublicUser(tx *gorm.DB, name string, insts map[string]*models.Institution) (*models.User, error) {
	var u models.User
	err := tx.Where("username = ?", name).First(&u).Error
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return &u, err
	}
	for _, du := range demoPublicUsers {
		if du.username != name {
			continue
		}
		hash, err := models.HashPassword(DemoPassword)
		if err != nil {
			return nil, err
		}
		u = models.User{Username: du.username, DisplayName: du.name, PasswordHash: hash, Role: du.role, Email: du.username + "@demo.portal.test", MailEnabled: true}
		if du.institution != "" {
			u.InstitutionID = &insts[du.institution].ID
		}
		if du.division != "" {
			var d models.Division
			if err := tx.Where("code = ?", du.division).First(&d).Error; err != nil {
				return nil, err
			}
			u.DivisionID = &d.ID
		}
		return &u, tx.Create(&u).Error
	}
	return nil, models.Errorf(models.EInternal, "演示账户 %s 不存在", name)
}

// seedToNotice takes an institution from draft into public notice, the first step on
// day start (relative to now) and the notice starting ten days later.
func seedToNotice(tx *gorm.DB, inst *models.Institution, platformUser string, as func(string, int) Actor, start int) (*models.Application, error) {
	a := as(platformUser, start)
	app := &models.Application{InstitutionID: inst.ID, TypeCode: models.ApplicationTypeP2P, State: models.StateDraft, Version: 1,
		Balance: inst.OutstandingBalance, StateSince: a.Now, CreatedAt: a.Now, UpdatedAt: a.Now}
	if err := tx.Create(app).Error; err != nil {
		return nil, err
	}
	steps := []struct {
		who     string
		at      int
		ev      models.Event
		opinion string
	}{
		{platformUser, start, models.EventSubmit, ""},
		{"district3", start + 3, models.EventPass, "经现场核查账务系统、资金流水和信息披露，整改已完成，同意通过区级审核"},
		{"city1", start + 6, models.EventPass, "初验合格：各项整改要求已落实"},
		{"city2", start + 10, models.EventConfirm, "专责小组审定同意，进入公示"},
	}
	for _, s := range steps {
		var err error
		if app, err = decideIn(tx, as(s.who, s.at), app.ID, s.ev, DecisionInput{Opinion: s.opinion}, decideHooks{}); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// seedFiled takes an institution through notice, sign-off, scope change and filing.
func seedFiled(tx *gorm.DB, inst *models.Institution, as func(string, int) Actor) error {
	app, err := seedToNotice(tx, inst, "platform5", as, -70)
	if err != nil {
		return err
	}
	end := as("", -40) // the notice started on day -60 and ended on day -47
	if _, err := decideIn(tx, end, app.ID, models.EventNoticeEnd, DecisionInput{Opinion: noticeEndOpinion}, decideHooks{before: noticeFacts}); err != nil {
		return err
	}
	cert, err := signOff(tx, as("province1", -38), app.ID, 0)
	if err != nil {
		return err
	}
	changed := cert.IssueDate.AddDays(2)
	if _, err := recordScopeChange(tx, as("platform5", -36), app.ID, changed, nil, 0); err != nil {
		return err
	}
	return recordFiling(tx, as("province2", -30), app.ID, "粤网贷备〔"+strconv.Itoa(changed.Year)+"〕0001号", changed.AddDays(4), 0)
}
