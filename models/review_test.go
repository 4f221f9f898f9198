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
	due, err := NewClock(OfficialCalendar(), ClockRules[7], 1, 0, NewDate(2026, 9, 30).Start())
	if err != nil {
		t.Fatal(err)
	}
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

// A December failure's objection deadline waits for 2027: the notice says so instead of
// refusing the decision.
func TestFailureNoticeTextPending(t *testing.T) {
	c, err := NewClock(OfficialCalendar(), ClockRules[7], 1, 0, NewDate(2026, 12, 28).Start())
	if err != nil || c.Rule != RuleObjectionWindow {
		t.Fatalf("clock %+v %v", c, err)
	}
	text, err := FailureNoticeText([]string{"资金未存管"}, c, "")
	if err != nil || !strings.Contains(text, "自被告知之日起 5 个工作日内（截止日期待定：须待 2027 年法定节假日安排公布）") {
		t.Fatalf("pending notice: %v\n%s", err, text)
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
