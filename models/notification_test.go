package models

import (
	"regexp"
	"testing"
)

// Every kind the portal sends has a Chinese name: the decisions' notices, and the kinds
// written outside the decision table.
func TestNotificationKindsAreChinese(t *testing.T) {
	kinds := []string{"complaint", "certificate_revoked", NotifyAssigned, NotifyReassigned}
	for _, st := range AllStates {
		for _, ev := range AllEvents {
			for _, n := range NoticesFor(ev, st, "某机构") {
				kinds = append(kinds, n.Kind)
			}
		}
	}
	han := regexp.MustCompile(`^\p{Han}+$`)
	for _, k := range kinds {
		if l := NotificationKindLabel(k); !han.MatchString(l) || l == "通知" {
			t.Errorf("kind %q is labelled %q", k, l)
		}
	}
	if r := NotificationReason("submitted"); r == "" || !regexp.MustCompile(`四\(二\)2`).MatchString(r) {
		t.Errorf("a submission's notice gives no reason: %q", r)
	}
	if NotificationKindLabel("some_new_code") != "通知" {
		t.Error("an unknown kind shows its code")
	}
	for link, want := range map[string]string{"/applications/3": "查看申请", "/certificates/1": "查看合格证明", "/city/complaints/2": "查看举报", "": ""} {
		if got := NotificationLinkLabel(link); got != want {
			t.Errorf("NotificationLinkLabel(%q) = %q; want %q", link, got, want)
		}
	}
}
