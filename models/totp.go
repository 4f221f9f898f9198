package models

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in (GB/T 22239-2019 §8.1.4.1 d: 应采用口令、密码技术、生物技术等两种或
// 两种以上组合的鉴别技术): a time-based one-time password, RFC 6238, 6 digits every 30
// seconds, SHA-1, as every authenticator app computes it.

// TOTPIssuer names the portal in the authenticator app.
const TOTPIssuer = "网贷验收备案"

// DemoTOTPSecret is the fixed secret of the demo accounts that have two-factor sign-in on
// (README, 演示账户): anyone can compute their code, e.g. `oathtool --totp -b <secret>` or
// `portal totp <secret>`. Never use it outside the demo.
const DemoTOTPSecret = "PORTALDEMOTOTPSECRETGUANGDONG234"

// RecoveryCodeCount is how many one-time recovery codes an enrolment gives.
const RecoveryCodeCount = 10

// totpSkew accepts the code of the previous and next 30-second step too, for clock drift.
const totpSkew = 1

// totpPeriod is the length of a time step (RFC 6238's X).
const totpPeriod = 30 * time.Second

// NewTOTPSecret returns a fresh random base32 secret (20 bytes, RFC 4226's recommendation).
func NewTOTPSecret(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 20)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// TOTPURL is the otpauth:// address the enrolment QR code carries.
func TOTPURL(secret, account string) string {
	// SHA-1, 6 digits and 30 s are the defaults every app assumes; leaving them out (and
	// naming the issuer once, in the label) keeps the QR code coarse enough to scan easily.
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + TOTPIssuer + ":" + account, RawQuery: "secret=" + secret}
	return u.String()
}

// GroupSecret spaces the secret in fours for typing it by hand.
func GroupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeCode drops the spaces and dashes people type into a code.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

func totpOpts() totp.ValidateOpts {
	return totp.ValidateOpts{Period: uint(totpPeriod / time.Second), Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
}

// CheckTOTP reports whether code is the secret's one-time password at now, allowing one
// step of drift either way.
func CheckTOTP(secret, code string, now time.Time) bool {
	_, ok := TOTPStep(secret, code, now)
	return ok
}

// TOTPStep is the 30-second time step (RFC 6238 §4's counter T) whose one-time password
// code is, trying the step of now and one either side for clock drift; ok is false when
// code is none of them. Sign-in spends the step (TOTPFresh), so a code seen once is not
// accepted twice.
func TOTPStep(secret, code string, now time.Time) (step int64, ok bool) {
	code = NormalizeCode(code)
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	for d := -totpSkew; d <= totpSkew; d++ {
		at := now.Add(time.Duration(d) * totpPeriod)
		want, err := TOTPCode(secret, at)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / int64(totpPeriod/time.Second), true
		}
	}
	return 0, false
}

// TOTPFresh reports whether a code of step may sign in after the last step spent: RFC
// 6238 §5.2, "the verifier MUST NOT accept the second attempt of the OTP after the
// successful validation has been issued for the first OTP". A code of an earlier step
// (still inside the drift window) is refused too.
func TOTPFresh(step, lastSpent int64) bool { return step > lastSpent }

// TOTPCode is the secret's code at t (the `portal totp` subcommand, the tests).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(NormalizeCode(secret), t, totpOpts())
}

// recoveryAlphabet leaves out 0/O and 1/I/L, which are read wrong off a printout.
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// NewRecoveryCodes returns RecoveryCodeCount codes of the form xxxxx-xxxxx (about 49 bits each).
func NewRecoveryCodes(r io.Reader) ([]string, error) {
	if r == nil {
		r = rand.Reader
	}
	out := make([]string, RecoveryCodeCount)
	buf := make([]byte, 10)
	for i := range out {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		var b strings.Builder
		for j, x := range buf {
			if j == 5 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[int(x)%len(recoveryAlphabet)])
		}
		out[i] = b.String()
	}
	return out, nil
}

// HashRecoveryCode stores a recovery code as "salt$sha256(salt‖code)" with a fresh
// 16-byte salt, so equal codes of two users never share a hash.
func HashRecoveryCode(code string, r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	salt := make([]byte, 16)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", err
	}
	return hex.EncodeToString(salt) + "$" + recoveryDigest(salt, code), nil
}

func recoveryDigest(salt []byte, code string) string {
	sum := sha256.Sum256(append(append([]byte{}, salt...), strings.ToLower(NormalizeCode(code))...))
	return hex.EncodeToString(sum[:])
}

// CheckRecoveryCode reports whether code matches a stored hash, in constant time.
func CheckRecoveryCode(stored, code string) bool {
	saltHex, digest, ok := strings.Cut(stored, "$")
	if !ok {
		return false
	}
	salt, err := hex.DecodeString(saltHex)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(recoveryDigest(salt, code)), []byte(digest)) == 1
}

// LooksLikeRecoveryCode tells a recovery code (10 letters and digits) from a 6-digit one.
func LooksLikeRecoveryCode(code string) bool { return len(NormalizeCode(code)) == 10 }
