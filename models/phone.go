package models

import (
	"regexp"
	"strings"
)

// Phone formats of seeds/003 attachment 1.4: "区号-电话号码" or a mobile number. Service
// numbers (400/800), which institutions commonly publish as complaint lines, are accepted
// in their usual 400-xxx-xxxx form too.
var (
	phoneLandline = regexp.MustCompile(`^0\d{2,3}-\d{7,8}(-\d{1,6})?$`) // area code, number, optional extension
	phoneMobile   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	phoneService  = regexp.MustCompile(`^[48]00-?\d{3}-?\d{4}$`)
)

// NormalizePhone is how a phone number is stored: half-width, without spaces, with the
// dash typed as a full-width or long dash turned into "-", and a +86 prefix dropped from
// mobile numbers.
func NormalizePhone(s string) string {
	t := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '－' || r == '—' || r == '–' || r == '‐':
			return '-'
		case r == ' ' || r == '\u3000':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if m := strings.TrimPrefix(strings.TrimPrefix(t, "+86"), "-"); len(t) > len(m) && phoneMobile.MatchString(m) {
		return m
	}
	return t
}

// ValidatePhone checks NormalizePhone(s); the empty string is for the caller to judge.
func ValidatePhone(s string) error {
	t := NormalizePhone(s)
	if phoneLandline.MatchString(t) || phoneMobile.MatchString(t) || phoneService.MatchString(t) {
		return nil
	}
	if len(t) >= 10 && !strings.Contains(t, "-") && strings.HasPrefix(t, "0") {
		return Errorf(EInvalid, "电话「%s」缺少区号与号码之间的「-」，应如 020-87654321", strings.TrimSpace(s))
	}
	return Errorf(EInvalid, "电话「%s」格式不正确：固定电话应为「区号-号码」，如 020-87654321；手机号为 11 位数字，如 13800138000", strings.TrimSpace(s))
}
