package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// User is an account. A platform user is bound to one institution; an officer to one
// division (district, city or province); an admin to neither.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	PasswordHash       string `json:"-"`
	Role               Role
	InstitutionID      *int64
	DivisionID         *int64
	CustodyBankID      *int64 // a bank user's custody bank (RoleBank)
	Disabled           bool
	MustChangePassword bool
	PasswordResetAt    *time.Time // when an admin last reset the password; nil for a new account
	PasswordChangedAt  time.Time  `gorm:"default:now()"` // when the password in force was set: its expiry runs from here
	TOTPSecret         string     `gorm:"column:totp_secret;default:null" json:"-"`
	TOTPPending        string     `gorm:"column:totp_pending;default:null" json:"-"`
	TOTPEnabledAt      *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep       int64      `gorm:"column:totp_last_step;default:0" json:"-"` // the time step of the last code that signed in (TOTPFresh)
	Email              string     // where notifications are mailed; empty: no mail
	MailEnabled        bool       `gorm:"default:true"` // the user's own choice on the account page
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// TOTPEnabled reports whether sign-in asks this account for a one-time code.
func (u *User) TOTPEnabled() bool { return u.TOTPEnabledAt != nil && u.TOTPSecret != "" }

// Account rules (issue 10): what a new account must satisfy before it is stored.

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,32}$`)

// AccountInput is a new account as typed by the system administrator.
type AccountInput struct {
	Username, DisplayName string
	Role                  Role
	InstitutionID         int64 // 0: none chosen
	DivisionID            int64 // 0: none chosen
	CustodyBankID         int64 // 0: none chosen; a bank user's custody bank
}

// ValidateUsername checks an account name: 3–32 letters, digits, _ . or -.
func ValidateUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return Errorf(EInvalid, "用户名为 3–32 位字母、数字、下划线、点或连字符")
	}
	return nil
}

// ValidateAccount checks a new account against the divisions that exist and returns the
// errors by form field (username, display_name, role, institution_id, division_id); an
// empty map means the account may be created. A platform user needs an institution, an
// officer a division of their level (district, city, province), an administrator
// neither, and whatever was chosen for a role that takes none is dropped by Scope.
func ValidateAccount(in AccountInput, divisions []Division) map[string]string {
	errs := map[string]string{}
	if err := ValidateUsername(in.Username); err != nil {
		errs["username"] = ErrorMessage(err)
	}
	switch name := strings.TrimSpace(in.DisplayName); {
	case name == "":
		errs["display_name"] = "请填写姓名"
	case LongerThan(name, MaxDisplayNameLength):
		errs["display_name"] = fmt.Sprintf("姓名不超过 %d 字", MaxDisplayNameLength)
	}
	switch {
	case !in.Role.Valid():
		errs["role"] = "请选择角色"
	case in.Role == RoleBank && in.CustodyBankID <= 0:
		errs["custody_bank_id"] = "存管银行用户须选择所属存管银行（存管银行名录中的银行）"
	case in.Role == RolePlatform && in.InstitutionID <= 0:
		errs["institution_id"] = "网贷机构经办人须选择所属机构"
	case in.Role.IsOfficer() && in.DivisionID <= 0:
		errs["division_id"] = "工作人员须选择管辖区划"
	case in.Role.IsOfficer():
		if msg := divisionLevelError(in.Role, in.DivisionID, divisions); msg != "" {
			errs["division_id"] = msg
		}
	}
	return errs
}

// BankScope is the custody bank a bank user is bound to; nil for any other role.
func (in AccountInput) BankScope() *int64 {
	if in.Role == RoleBank && in.CustodyBankID > 0 {
		id := in.CustodyBankID
		return &id
	}
	return nil
}

// Scope is the institution and division the account is bound to, by its role.
func (in AccountInput) Scope() (institution, division *int64) {
	switch {
	case in.Role == RolePlatform && in.InstitutionID > 0:
		id := in.InstitutionID
		return &id, nil
	case in.Role.IsOfficer() && in.DivisionID > 0:
		id := in.DivisionID
		return nil, &id
	}
	return nil, nil
}

var officerLevel = map[Role]string{RoleDistrict: LevelDistrict, RoleCity: LevelCity, RoleProvince: LevelProvince}
var levelName = map[string]string{LevelDistrict: "区（县）", LevelCity: "市", LevelProvince: "省"}

// divisionLevelError makes sure a district officer gets a district, and so on.
func divisionLevelError(role Role, divID int64, divisions []Division) string {
	want := officerLevel[role]
	for _, d := range divisions {
		if d.ID == divID {
			if d.Level != want {
				return role.Label() + "的管辖区划须为" + levelName[want]
			}
			return ""
		}
	}
	return "管辖区划不存在"
}

// Password rules.
const (
	MinPasswordLength  = 12
	MinPasswordClasses = 3
)

// ValidatePassword enforces the password policy: at least 12 characters drawn from at
// least 3 of: lower case, upper case, digits, symbols.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Errorf(EInvalid, "密码至少需要 %d 个字符", MinPasswordLength)
	}
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	if classes < MinPasswordClasses {
		return Errorf(EInvalid, "密码须包含小写字母、大写字母、数字、符号中的至少 %d 类", MinPasswordClasses)
	}
	return nil
}

// Login throttling (issue 8 §2.5): MaxLoginFailures failures within LoginFailureWindow
// from one client lock that username for that client for LoginLockDuration; other clients
// can still sign in, but every attempt at a username waits LoginDelay of its failures from
// all clients in the window.
const (
	MaxLoginFailures   = 5
	LoginFailureWindow = 15 * time.Minute
	LoginLockDuration  = 30 * time.Minute
	// MaxLoginDelay bounds the per-username wait, so the real user is slowed, never shut out.
	MaxLoginDelay = 4 * time.Second
	// loginDelayFree failures cost nothing; each further one doubles the wait from loginDelayStep.
	loginDelayFree = 2
	loginDelayStep = 500 * time.Millisecond
)

// LoginDelay is how long an attempt at a username waits, given its failures from all
// clients within LoginFailureWindow: nothing for the first two, then 0.5 s, 1 s, 2 s and
// at most MaxLoginDelay. It never decreases as failures grow.
func LoginDelay(failures int) time.Duration {
	if failures <= loginDelayFree {
		return 0
	}
	d := loginDelayStep
	for i := failures - loginDelayFree - 1; i > 0 && d < MaxLoginDelay; i-- {
		d *= 2
	}
	return min(d, MaxLoginDelay)
}

// Bounds of sign-in input: longer values are refused before any lookup or storage.
const (
	MaxUsernameLen = 64  // characters; account names are at most 32 (CreateUser)
	MaxPasswordLen = 256 // bytes
	MaxClientLen   = 64  // a client address: IPv6 with zone fits
)

// LoginThrottle is the failure counter of one typed username from one client.
type LoginThrottle struct {
	Failures    int
	WindowStart time.Time
	LockedUntil *time.Time
}

// Locked reports whether the username is locked for this client at now.
func (t LoginThrottle) Locked(now time.Time) bool {
	return t.LockedUntil != nil && now.Before(*t.LockedUntil)
}

// RecordFailure returns the counter after one more failure at now: a failure outside the
// current window starts a new one, and the fifth failure inside a window locks.
func (t LoginThrottle) RecordFailure(now time.Time) LoginThrottle {
	if t.WindowStart.IsZero() || now.Sub(t.WindowStart) > LoginFailureWindow || t.LockedUntil != nil && !now.Before(*t.LockedUntil) {
		t = LoginThrottle{WindowStart: now}
	}
	t.Failures++
	if t.Failures >= MaxLoginFailures {
		until := now.Add(LoginLockDuration)
		t.LockedUntil = &until
	}
	return t
}

// Session lifetime limits.
const (
	SessionIdleTimeout = 30 * time.Minute
	SessionMaxLifetime = 12 * time.Hour
)

// SessionExpired reports whether a session created at created and last seen at lastSeen
// has ended at now, by idle time or by total age.
func SessionExpired(created, lastSeen, now time.Time) bool {
	return now.Sub(lastSeen) > SessionIdleTimeout || now.Sub(created) > SessionMaxLifetime
}

// DeviceLabel names the browser and system of a User-Agent for the list of a user's
// sessions, e.g. "Chrome · Windows"; an unknown one is "未知设备".
func DeviceLabel(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"MicroMessenger", "微信"}, {"HeadlessChrome", "Chrome（无界面）"}, {"Chrome/", "Chrome"},
		{"Firefox/", "Firefox"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go 程序"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " · " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	return "未知设备"
}

// IDOrZero is the id a nullable reference holds, or 0 (no row has id 0) when it holds
// none: a user without a division or institution, an application nobody has claimed.
func IDOrZero(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
