package models

import (
	"net/mail"
	"strings"
)

// mailedKinds are the notifications that concern a person and are mailed as well as
// shown in the inbox (issue 13 §2): a send-back, a failure with its objection deadline, a
// confirmation or sign-off that needs another officer, an objection to verify, a case
// given to or taken from an officer, a deadline computed or moved by the calendar, and
// the outcomes a platform must act on. Kinds of
// reminders and early-warning tasks (prefix reminder_ or warning_) are mailed too.
var mailedKinds = map[string]bool{
	"returned": true, "failed": true, "confirm": true, "signoff": true, "objection": true,
	"certified": true, "revoked": true, "certificate_revoked": true, "abandoned": true,
	NotifyAssigned: true, NotifyReassigned: true,
	NotifyDeadline: true, // a pending clock got its due date, or a calendar correction moved it
}

// NotificationMailed reports whether a notification of kind is also mailed.
func NotificationMailed(kind string) bool {
	return mailedKinds[kind] || strings.HasPrefix(kind, "reminder") || strings.HasPrefix(kind, "warning")
}

// NormalizeEmail checks an account's mail address: empty (no mail), or one plain
// address of at most 254 characters.
func NormalizeEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw || len(raw) > 254 || !strings.Contains(raw[strings.LastIndexByte(raw, '@')+1:], ".") {
		return "", Errorf(EInvalid, "邮箱地址格式不正确，例如 zhangsan@jrj.gz.gov.cn")
	}
	return strings.ToLower(raw), nil
}
