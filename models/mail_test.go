package models

import "testing"

func TestNotificationMailed(t *testing.T) {
	for kind, want := range map[string]bool{
		"returned": true, "failed": true, "confirm": true, NotifyAssigned: true, NotifyDeadline: true, "reminder_due": true, "warning_task": true,
		"submitted": false, "notice": false, "": false,
	} {
		if got := NotificationMailed(kind); got != want {
			t.Errorf("NotificationMailed(%q) = %v; want %v", kind, got, want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{"": "", "  ": "", "Zhang@Jrj.gz.gov.cn": "zhang@jrj.gz.gov.cn", " a@b.cn ": "a@b.cn"} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"zhang", "a@b", "张三 <a@b.cn>", "a@b.cn, c@d.cn", "@b.cn"} {
		if _, err := NormalizeEmail(bad); ErrorCode(err) != EInvalid {
			t.Errorf("NormalizeEmail(%q) accepted: %v", bad, err)
		}
	}
}
