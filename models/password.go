package models

import (
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is the bcrypt cost for new hashes; tests lower it to keep seeding fast.
var PasswordCost = 12

// HashPassword returns the bcrypt hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	return string(h), err
}

// dummy is compared against when the username does not exist or is disabled, so a failed
// login does the same bcrypt work whether or not the account exists (issue 8 §2.4). It is
// made at PasswordCost, the cost of every real hash, and remade if that cost changes.
var dummy struct {
	sync.Mutex
	cost int
	hash []byte
}

func dummyHash() []byte {
	dummy.Lock()
	defer dummy.Unlock()
	if dummy.hash == nil || dummy.cost != PasswordCost {
		h, err := bcrypt.GenerateFromPassword([]byte("no such user: timing equaliser"), PasswordCost)
		if err != nil {
			panic(err) // only an invalid cost fails, and PasswordCost is a constant of the build
		}
		dummy.cost, dummy.hash = PasswordCost, h
	}
	return dummy.hash
}

// comparedHash is the hash CheckPassword spends its work on: the account's own, or the
// dummy for an empty (unknown or disabled) one.
func comparedHash(hash string) []byte {
	if hash == "" {
		return dummyHash()
	}
	return []byte(hash)
}

// PasswordWork is the bcrypt cost CheckPassword(hash, …) pays, for the timing tests.
func PasswordWork(hash string) int {
	c, err := bcrypt.Cost(comparedHash(hash))
	if err != nil {
		return 0
	}
	return c
}

// CheckPassword reports whether pw matches hash; an empty hash still costs one compare at
// the cost of a real one.
func CheckPassword(hash, pw string) bool {
	ok := bcrypt.CompareHashAndPassword(comparedHash(hash), []byte(pw)) == nil
	return ok && hash != ""
}

// PasswordHistoryDepth is how many of the account's latest passwords a new one may not
// repeat (GB/T 22239-2019 §8.1.4.1 a: 口令应定期更换).
const PasswordHistoryDepth = 5

// PasswordPolicy is what the security administrator sets (issue 14 §1.3).
type PasswordPolicy struct {
	MaxAgeDays        int  // a password expires this many days after it was set; 0: never
	WarnDays          int  // the banner warns this many days before
	StaffTOTPRequired bool // officers and administrators must enrol a second factor
}

// DefaultPasswordPolicy is the policy of a new installation.
var DefaultPasswordPolicy = PasswordPolicy{MaxAgeDays: 90, WarnDays: 7}

// Bounds of the policy form.
const (
	MaxPasswordAgeDays  = 365
	MaxPasswordWarnDays = 30
)

// Validate checks the policy's bounds, by form field.
func (p PasswordPolicy) Validate() map[string]string {
	errs := map[string]string{}
	if p.MaxAgeDays < 0 || p.MaxAgeDays > MaxPasswordAgeDays {
		errs["max_age_days"] = "密码有效期为 0–365 天（0 表示不过期）"
	}
	if p.WarnDays < 0 || p.WarnDays > MaxPasswordWarnDays {
		errs["warn_days"] = "提前提醒天数为 0–30 天"
	} else if p.MaxAgeDays > 0 && p.WarnDays >= p.MaxAgeDays {
		errs["warn_days"] = "提前提醒天数须少于密码有效期"
	}
	return errs
}

// PasswordAge is where a password stands in its expiry period at a moment.
type PasswordAge struct {
	ExpiresAt time.Time // zero when the policy never expires passwords
	Expired   bool      // it must be changed before anything else
	Warn      bool      // within WarnDays of ExpiresAt: the banner shows
	DaysLeft  int       // whole days until ExpiresAt, rounded up; 0 once expired
}

// AgeOf places a password set at changed within the policy, at now.
func (p PasswordPolicy) AgeOf(changed, now time.Time) PasswordAge {
	if p.MaxAgeDays <= 0 || changed.IsZero() {
		return PasswordAge{}
	}
	exp := changed.Add(time.Duration(p.MaxAgeDays) * 24 * time.Hour)
	a := PasswordAge{ExpiresAt: exp}
	if !now.Before(exp) {
		a.Expired = true
		return a
	}
	left := exp.Sub(now)
	a.DaysLeft = int((left + 24*time.Hour - 1) / (24 * time.Hour))
	a.Warn = left <= time.Duration(p.WarnDays)*24*time.Hour
	return a
}

// ReusesPassword reports whether pw is one of the latest PasswordHistoryDepth passwords,
// given their hashes newest first (older entries are ignored). Each compare costs one
// bcrypt run.
func ReusesPassword(recent []string, pw string) bool {
	for i, h := range recent {
		if i >= PasswordHistoryDepth {
			break
		}
		if h != "" && bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) == nil {
			return true
		}
	}
	return false
}

// TOTPRequired reports whether the account must sign in with a second factor: officers
// and administrators, when the server runs in production (PORTAL_ENV=production) or the
// security administrator's policy says so (GB/T 22239-2019 §8.1.4.1 d). Platform users
// may turn it on for themselves.
func TOTPRequired(r Role, p PasswordPolicy, production bool) bool {
	return r.IsStaff() && (production || p.StaffTOTPRequired)
}
