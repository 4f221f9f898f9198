package store

import (
	"errors"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// Demo data for the end of the path: three more 海珠区 institutions, each driven
// through the real workflow (decideIn, the notices, sign-off, the scope change) with
// back-dated times, so that one waits at each later step:
//   - platform6: notice ended, waiting for the province's sign-off;
//   - platform7: certified, waiting for its business-scope change;
//   - platform8: scope changed, waiting for the filing registration.
var (
	demoSignoffUSCC = models.MakeUSCC("91440105MA5HY0003")
	demoScopeUSCC   = models.MakeUSCC("91440105MA5HY0004")
	demoFilingUSCC  = models.MakeUSCC("91440105MA5HY0005")
)

var demoEndPathInstitutions = []demoInstitution{
	{"广州海珠待审定示例网络借贷信息中介服务有限公司", demoSignoffUSCC, "440105", 30_000_000_000},
	{"广州海珠待变更示例互联网金融信息服务有限公司", demoScopeUSCC, "440105", 25_000_000_000},
	{"广州海珠待备案示例网络借贷信息中介服务有限公司", demoFilingUSCC, "440105", 40_000_000_000},
}

var demoEndPathUsers = []demoUser{
	{"platform6", "海珠待审定经办人", models.RolePlatform, demoSignoffUSCC, ""},
	{"platform7", "海珠待变更经办人", models.RolePlatform, demoScopeUSCC, ""},
	{"platform8", "海珠待备案经办人", models.RolePlatform, demoFilingUSCC, ""},
}

// DemoEndPathAccounts lists the demo logins of the end of the path, for the README and
// the start-up banner.
func DemoEndPathAccounts() []DemoAccount {
	out := make([]DemoAccount, 0, len(demoEndPathUsers))
	for _, u := range demoEndPathUsers {
		out = append(out, DemoAccount{Username: u.username, Role: u.role.Label(), Scope: u.name})
	}
	return out
}

// seedEndPath runs inside SeedDemo's transaction, after seedPublic (whose users it
// reuses). Like it, it does nothing once its institutions have applications, and a
// step whose working-day deadline needs an unpublished calendar year skips that
// institution, not the seed.
func seedEndPath(tx *gorm.DB) error {
	var now time.Time
	if err := tx.Raw("SELECT now()").Row().Scan(&now); err != nil {
		return err
	}
	insts := map[string]*models.Institution{}
	var ids []int64
	for _, di := range demoEndPathInstitutions {
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
		ids = append(ids, inst.ID)
	}
	users := map[string]*models.User{}
	for _, name := range []string{"district3", "city1", "city2", "province1", "province2"} {
		var u models.User
		if err := tx.Where("username = ?", name).First(&u).Error; err != nil {
			return err
		}
		users[name] = &u
	}
	for _, du := range demoEndPathUsers {
		u, err := demoEndPathUser(tx, du, insts[du.institution].ID)
		if err != nil {
			return err
		}
		users[du.username] = u
	}
	var started int64
	if err := tx.Model(&models.Application{}).Where("institution_id IN ?", ids).Count(&started).Error; err != nil || started > 0 {
		return err
	}
	day := func(n int) time.Time { return now.Add(time.Duration(n) * 24 * time.Hour) }
	as := func(name string, n int) Actor { return Actor{User: users[name], Now: day(n)} }

	steps := []struct {
		uscc, user string
		start      int // day of the submission; the notice starts ten days later
		signoff    int // 0: not signed off
		scope      int // 0: no scope change
	}{
		{demoSignoffUSCC, "platform6", -30, 0, 0}, // notice -20 … -7, ended on day -6
		{demoScopeUSCC, "platform7", -35, -2, 0},  // notice -25 … -12, certified two days ago
		{demoFilingUSCC, "platform8", -40, -8, -5},
	}
	for i, s := range steps {
		sp := "demo_endpath_" + string(rune('a'+i))
		if err := tx.SavePoint(sp).Error; err != nil {
			return err
		}
		err := seedEndPathOne(tx, insts[s.uscc], s.user, s.start, s.signoff, s.scope, as)
		if models.ErrorCode(err) == models.EInvalid {
			if err := tx.RollbackTo(sp).Error; err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func seedEndPathOne(tx *gorm.DB, inst *models.Institution, user string, start, signoff, scope int, as func(string, int) Actor) error {
	app, err := seedToNotice(tx, inst, user, as, start)
	if err != nil {
		return err
	}
	if _, err := decideIn(tx, as("", start+24), app.ID, models.EventNoticeEnd, DecisionInput{Opinion: noticeEndOpinion}, decideHooks{before: noticeFacts}); err != nil {
		return err
	}
	if signoff == 0 {
		return nil
	}
	cert, err := signOff(tx, as("province1", signoff), app.ID, 0)
	if err != nil {
		return err
	}
	if scope == 0 {
		return nil
	}
	changed := models.DateOf(as(user, scope).Now)
	if changed.Before(cert.IssueDate) {
		changed = cert.IssueDate
	}
	_, err = recordScopeChange(tx, as(user, scope), app.ID, changed, nil, 0)
	return err
}

func demoEndPathUser(tx *gorm.DB, du demoUser, institutionID int64) (*models.User, error) {
	var u models.User
	err := tx.Where("username = ?", du.username).First(&u).Error
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return &u, err
	}
	hash, err := models.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	u = models.User{Username: du.username, DisplayName: du.name, PasswordHash: hash, Role: du.role, InstitutionID: &institutionID}
	return &u, tx.Create(&u).Error
}

// AllDemoAccounts lists every demo login, in the order of the README's table.
func AllDemoAccounts() []DemoAccount {
	return append(append(append(DemoAccounts(), DemoPublicAccounts()...), DemoEndPathAccounts()...), DemoBankAccounts()...)
}
