package models

import (
	"strings"
	"testing"
)

func TestQueueSlotsFollowTheWorkflow(t *testing.T) {
	// Every queue state is one where the role has something to do or to watch; a role
	// that can act in a state of its queue must find a rule for it.
	for _, r := range []Role{RoleDistrict, RoleCity, RoleProvince} {
		if len(QueueSlots(r)) == 0 {
			t.Fatalf("%s has no queue", r)
		}
	}
	if got := QueueStates(RoleDistrict); len(got) != 2 || got[0] != StateDistrictReview || got[1] != StateCorrection {
		t.Errorf("district queue states = %v", got)
	}
	if got := QueueStates(RoleCity); len(got) != 3 || got[2] != StateObjectionReview {
		t.Errorf("city queue states = %v", got)
	}
	if QueueSlots(RolePlatform) != nil || QueueSlots(RoleAdmin) != nil {
		t.Error("platforms and admins have no review queue")
	}
	// objections are the city's for small platforms and the province's for large ones,
	// as the workflow table says
	for _, tt := range []struct {
		role    Role
		balance Money
	}{{RoleCity, smallBalance}, {RoleProvince, largeBalance}} {
		rule, ok := FindRule(StateObjectionReview, EventUphold, tt.balance)
		if !ok || rule.Who.Roles[0] != tt.role {
			t.Errorf("uphold for %v is not %s's", tt.balance, tt.role)
		}
	}
}

func TestValidateCorrectionDays(t *testing.T) {
	for n, ok := range map[int]bool{0: false, -1: false, 1: true, DefaultCorrectionDays: true, MaxCorrectionDays: true, MaxCorrectionDays + 1: false} {
		if err := ValidateCorrectionDays(n); (err == nil) != ok {
			t.Errorf("ValidateCorrectionDays(%d) = %v", n, err)
		}
	}
}

func TestParseProblemsDropsNumberingAndBlanks(t *testing.T) {
	got := ParseProblems("1. 资金未存管\n\n2、仍有自融行为\n  （3）信息披露不全  \n")
	want := []string{"资金未存管", "仍有自融行为", "信息披露不全"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("ParseProblems = %q; want %q", got, want)
	}
}

func TestFailureNoticeText(t *testing.T) {
	due := NewDate(2026, 10, 13)
	text, err := FailureNoticeText([]string{"资金未存管", "仍有自融行为"}, due, "请配合后续处置。")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1. 资金未存管", "2. 仍有自融行为", StopBusinessOrder, "2026-10-13", "5 个工作日", "请配合后续处置。"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
	if _, err := FailureNoticeText(nil, due, "x"); ErrorCode(err) != EInvalid {
		t.Errorf("no problems: %v; want invalid", err)
	}
}

// The objection deadline of a failure notified on 2026-09-30 (after Mid-Autumn,
// 09-25…27) runs across National Day (10-01…07) and counts the make-up Saturday 10-10.
func TestObjectionDeadlineAcrossNationalDay2026(t *testing.T) {
	cal := OfficialCalendar()
	got, err := ObjectionDeadline(cal, NewDate(2026, 9, 30))
	if err != nil || got != NewDate(2026, 10, 13) {
		t.Fatalf("ObjectionDeadline(2026-09-30) = %s, %v; want 2026-10-13", got, err)
	}
	// notified during Mid-Autumn itself: 09-28 Mon, 09-29, 09-30, 10-08, 10-09
	got, err = ObjectionDeadline(cal, NewDate(2026, 9, 26))
	if err != nil || got != NewDate(2026, 10, 9) {
		t.Fatalf("ObjectionDeadline(2026-09-26) = %s, %v; want 2026-10-09", got, err)
	}
	dl, err := NewDeadline(cal, DeadlineWorking, got, NewDate(2026, 9, 30))
	if err != nil || dl.Left != 2 || dl.String() != "还剩 2 个工作日" {
		t.Fatalf("seen on 09-30: %+v %v", dl, err)
	}
}

func TestDeadlineInAYearWithoutDataIsRefused(t *testing.T) {
	cal := OfficialCalendar()
	_, err := CorrectionDeadline(cal, NewDate(2026, 12, 24), 10)
	if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), "2027 年的法定节假日安排尚未发布") {
		t.Fatalf("deadline into 2027: %v; want a refusal naming 2027", err)
	}
	_, err = ObjectionDeadline(cal, NewDate(2026, 12, 28))
	if ErrorCode(err) != EInvalid {
		t.Fatalf("objection deadline into 2027: %v; want refused", err)
	}
}

func TestCheckDistrictDecision(t *testing.T) {
	tests := []struct {
		name string
		in   DistrictDecisionCheck
		code string
	}{
		{"unclaimed", DistrictDecisionCheck{Event: EventReturn, ActorID: 5}, EInvalid},
		{"someone else's", DistrictDecisionCheck{Event: EventReturn, ActorID: 5, AssigneeID: 6}, EForbidden},
		{"return needs no check", DistrictDecisionCheck{Event: EventReturn, ActorID: 5, AssigneeID: 5}, ""},
		{"pass needs the check", DistrictDecisionCheck{Event: EventPass, ActorID: 5, AssigneeID: 5}, EInvalid},
		{"fail needs the check", DistrictDecisionCheck{Event: EventFail, ActorID: 5, AssigneeID: 5}, EInvalid},
		{"pass after the check", DistrictDecisionCheck{Event: EventPass, ActorID: 5, AssigneeID: 5, OnsiteCheck: true}, ""},
	}
	for _, tt := range tests {
		if got := ErrorCode(CheckDistrictDecision(tt.in)); got != tt.code {
			t.Errorf("%s: code %q; want %q", tt.name, got, tt.code)
		}
	}
}

func TestValidateOpinionLength(t *testing.T) {
	if ValidateOpinion(strings.Repeat("审", MaxOpinionLength)) != nil {
		t.Error("an opinion of the maximum length is refused")
	}
	if ErrorCode(ValidateOpinion(strings.Repeat("审", MaxOpinionLength+1))) != EInvalid {
		t.Error("an overlong opinion is accepted")
	}
}
