package models

import (
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
	Disabled           bool
	MustChangePassword bool
	PasswordResetAt    *time.Time // when an admin last reset the password; nil for a new account
	Email              string     // where notifications are mailed; empty: no mail
	MailEnabled        bool       `gorm:"default:true"` // the user's own choice on the account page
	CreatedAt          time.Time
	UpdatedAt          time.Time
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
