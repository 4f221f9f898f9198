package models

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// at is an instant in China time.
func at(t testing.TB, day, clock string) time.Time {
	t.Helper()
	x, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, chinaTime)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

const (
	smallBalance Money = 899_999_999_99 // 899,999,999.99 元
	largeBalance Money = 900_000_000_00 // 900,000,000.00 元
)

// expectedMoves is the workflow of the brief, written out independently of
// WorkflowTable: for each allowed (state, event), who may do it and where it leads for a
// small and a large platform. "system" is the scheduler.
type move struct {
	from               State
	ev                 Event
	smallWho, largeWho string
	smallTo, largeTo   State
}

var expectedMoves = []move{
	{StateDraft, EventSubmit, "platform", "platform", StateDistrictReview, StateDistrictReview},
	{StateDraft, EventAbandon, "system", "system", StateAbandoned, StateAbandoned},
	{StateDistrictReview, EventReturn, "district", "district", StateCorrection, StateCorrection},
	{StateDistrictReview, EventPass, "district", "district", StateCityReview, StateJointReview},
	{StateDistrictReview, EventFail, "district", "district", StateFailed, StateFailed},
	{StateCorrection, EventResubmit, "platform", "platform", StateDistrictReview, StateDistrictReview},
	{StateCityReview, EventDisagree, "city", "city", StateDistrictReview, StateDistrictReview},
	{StateCityReview, EventPass, "city", "city", StateCityConfirm, StateCityConfirm},
	{StateCityConfirm, EventConfirm, "city", "city", StatePublicNotice, StatePublicNotice},
	{StateJointReview, EventPass, "province", "province", StatePublicNotice, StatePublicNotice},
	{StateJointReview, EventFail, "province", "province", StateFailed, StateFailed},
	{StateJointReview, EventReturn, "province", "province", StateCorrection, StateCorrection},
	{StatePublicNotice, EventRevoke, "city", "city", StateRevoked, StateRevoked},
	{StatePublicNotice, EventNoticeEnd, "system", "system", StateSignoff, StateSignoff},
	{StateRevoked, EventReaccept, "city|system", "city|system", StateCityReview, StateJointReview},
	{StateSignoff, EventSignoff, "province", "province", StateCertified, StateCertified},
	{StateFailed, EventObject, "platform", "platform", StateObjectionReview, StateObjectionReview},
	{StateObjectionReview, EventUphold, "city", "province", StateCityConfirm, StateJointReview},
	{StateObjectionReview, EventReject, "city", "province", StateFailedFinal, StateFailedFinal},
	{StateCertified, EventScopeChange, "platform", "platform", StateScopeChanged, StateScopeChanged},
	{StateScopeChanged, EventFile, "province", "province", StateFiled, StateFiled},
	{StateCertified, EventRevokeCertificate, "province", "province", StateCertificateRevoked, StateCertificateRevoked},
	{StateScopeChanged, EventRevokeCertificate, "province", "province", StateCertificateRevoked, StateCertificateRevoked},
	{StateFiled, EventRevokeCertificate, "province", "province", StateCertificateRevoked, StateCertificateRevoked},
}

var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, chinaTime)

// passingFacts satisfies every guard of ev, so only state and role decide.
func passingFacts(s State, ev Event, balance Money) Facts {
	return Facts{
		State: s, Balance: balance, EnteredBy: 99, AcceptedBy: 98, Opinion: "经核查，意见如下……", Evidence: 1,
		WindowEnd:         NewDate(2026, time.April, 25),
		ObjectionDeadline: NewDate(2026, time.November, 27),
		NoticeEnd:         NewDate(2026, time.November, 15),
		ComplaintUpheld:   ev == EventRevoke,
	}
}

// actors are every kind of actor: each role, and the scheduler.
func actors() map[string]Actor {
	m := map[string]Actor{"system": {System: true}}
	for _, r := range AllRoles {
		m[string(r)] = Actor{UserID: 1, Role: r}
	}
	return m
}

func TestTransitionEveryStateAndEvent(t *testing.T) {
	pairs := 0
	for _, s := range AllStates {
		for _, ev := range AllEvents {
			pairs++
			i := slices.IndexFunc(expectedMoves, func(m move) bool { return m.from == s && m.ev == ev })
			for _, scale := range []struct {
				name    string
				balance Money
			}{{"small", smallBalance}, {"large", largeBalance}} {
				for name, actor := range actors() {
					got, err := Transition(passingFacts(s, ev, scale.balance), ev, actor, testNow)
					where := fmt.Sprintf("%s --%s--> by %s (%s)", s, ev, name, scale.name)
					if i < 0 {
						if ErrorCode(err) != EConflict {
							t.Errorf("%s: got %q, %v; want EConflict", where, got, err)
						}
						continue
					}
					m := expectedMoves[i]
					who, to := m.smallWho, m.smallTo
					if scale.balance == largeBalance {
						who, to = m.largeWho, m.largeTo
					}
					if slices.Contains(strings.Split(who, "|"), name) {
						if err != nil || got != to {
							t.Errorf("%s: got %q, %v; want %s", where, got, err, to)
						}
					} else if ErrorCode(err) != EForbidden {
						t.Errorf("%s: got %q, %v; want EForbidden", where, got, err)
					}
				}
			}
		}
	}
	if pairs != 17*18 {
		t.Errorf("checked %d state × event pairs, want 306", pairs)
	}
	if len(WorkflowTable) != 28 {
		t.Errorf("WorkflowTable has %d rows; expectedMoves covers 28 (24 pairs, 4 split by scale)", len(WorkflowTable))
	}
}

func TestScaleRouting(t *testing.T) {
	tests := []struct {
		from    State
		ev      Event
		who     Actor
		balance Money
		want    State
	}{
		{StateDistrictReview, EventPass, Actor{UserID: 1, Role: RoleDistrict}, smallBalance, StateCityReview},
		{StateDistrictReview, EventPass, Actor{UserID: 1, Role: RoleDistrict}, largeBalance, StateJointReview},
		{StateDistrictReview, EventPass, Actor{UserID: 1, Role: RoleDistrict}, 0, StateCityReview},
		{StateRevoked, EventReaccept, Actor{System: true}, smallBalance, StateCityReview},
		{StateRevoked, EventReaccept, Actor{System: true}, largeBalance, StateJointReview},
		{StateObjectionReview, EventUphold, Actor{UserID: 1, Role: RoleCity}, smallBalance, StateCityConfirm},
		{StateObjectionReview, EventUphold, Actor{UserID: 1, Role: RoleProvince}, largeBalance, StateJointReview},
	}
	for _, tt := range tests {
		got, err := Transition(passingFacts(tt.from, tt.ev, tt.balance), tt.ev, tt.who, testNow)
		if err != nil || got != tt.want {
			t.Errorf("%s --%s--> with balance %s: %q, %v; want %s", tt.from, tt.ev, tt.balance, got, err, tt.want)
		}
	}
	if IsLargeScale(smallBalance) || !IsLargeScale(largeBalance) || LargeScaleThreshold.String() != "900,000,000.00" {
		t.Error("threshold is not 900,000,000.00 元 inclusive")
	}
	// A large platform's objection is the province's, not the city's.
	_, err := Transition(passingFacts(StateObjectionReview, EventUphold, largeBalance), EventUphold, Actor{UserID: 1, Role: RoleCity}, testNow)
	if ErrorCode(err) != EForbidden || !strings.Contains(ErrorMessage(err), "本环节由省金融办办理") {
		t.Errorf("city upholding a large objection: %v", err)
	}
}

func TestFourEyes(t *testing.T) {
	f := passingFacts(StateCityConfirm, EventConfirm, smallBalance)
	f.EnteredBy = 7
	_, err := Transition(f, EventConfirm, Actor{UserID: 7, Role: RoleCity}, testNow)
	if ErrorCode(err) != EForbidden || ErrorMessage(err) != "专责小组审定须由另一名市级工作人员完成（四眼原则），您已办理本件初验" {
		t.Errorf("same user confirming: %v", err)
	}
	if got, err := Transition(f, EventConfirm, Actor{UserID: 8, Role: RoleCity}, testNow); err != nil || got != StatePublicNotice {
		t.Errorf("another user confirming: %q, %v", got, err)
	}
	f.EnteredBy = 0
	if _, err := Transition(f, EventConfirm, Actor{UserID: 8, Role: RoleCity}, testNow); err == nil {
		t.Error("confirm without the previous officer recorded was accepted")
	}
}

func TestSignoffFourEyes(t *testing.T) {
	f := passingFacts(StateSignoff, EventSignoff, largeBalance)
	f.AcceptedBy = 7
	_, err := Transition(f, EventSignoff, Actor{UserID: 7, Role: RoleProvince}, testNow)
	if ErrorCode(err) != EForbidden || ErrorMessage(err) != SignoffFourEyesMessage {
		t.Errorf("joint reviewer signing off: %v", err)
	}
	if got, err := Transition(f, EventSignoff, Actor{UserID: 8, Role: RoleProvince}, testNow); err != nil || got != StateCertified {
		t.Errorf("another province officer signing off: %q, %v", got, err)
	}
	f.AcceptedBy = 0
	if _, err := Transition(f, EventSignoff, Actor{UserID: 8, Role: RoleProvince}, testNow); err == nil {
		t.Error("sign-off without the accepting officer recorded was accepted")
	}
}

func TestTransitionRefusalMessages(t *testing.T) {
	_, err := Transition(passingFacts(StateDraft, "approve", 0), "approve", Actor{UserID: 1, Role: RoleCity}, testNow)
	if ErrorCode(err) != EInvalid {
		t.Errorf("unknown event: %v", err)
	}
	_, err = Transition(passingFacts(StateFiled, EventSubmit, 0), EventSubmit, Actor{UserID: 1, Role: RolePlatform}, testNow)
	if ErrorMessage(err) != "本件当前状态为「已备案」，不能办理「提交验收申请」。可能已有他人先行办理，请刷新页面查看最新状态" {
		t.Errorf("wrong state: %v", err)
	}
	_, err = Transition(passingFacts(StateDistrictReview, EventPass, 0), EventPass, Actor{UserID: 1, Role: RolePlatform}, testNow)
	if ErrorMessage(err) != "网贷机构经办人无权办理「审核通过」，本环节由区金融工作部门办理" {
		t.Errorf("wrong role: %v", err)
	}
	_, err = Transition(passingFacts(StatePublicNotice, EventNoticeEnd, 0), EventNoticeEnd, Actor{UserID: 1, Role: RoleCity}, testNow)
	if !strings.Contains(ErrorMessage(err), "由系统在条件满足时自动办理") {
		t.Errorf("human doing a system step: %v", err)
	}
	_, err = Transition(passingFacts(StateDraft, EventSubmit, 0), EventSubmit, Actor{System: true}, testNow)
	if !strings.Contains(ErrorMessage(err), "须由工作人员办理") {
		t.Errorf("system doing a human step: %v", err)
	}
}

func TestAllowedEvents(t *testing.T) {
	tests := []struct {
		state State
		role  Role
		want  []Event
	}{
		{StateDraft, RolePlatform, []Event{EventSubmit}},
		{StateDistrictReview, RoleDistrict, []Event{EventReturn, EventPass, EventFail}},
		{StateDistrictReview, RoleCity, nil},
		{StateCityReview, RoleCity, []Event{EventDisagree, EventPass}},
		{StateJointReview, RoleProvince, []Event{EventPass, EventFail, EventReturn}},
		{StatePublicNotice, RoleCity, []Event{EventRevoke}},
		{StatePublicNotice, RoleProvince, nil},
		{StateRevoked, RoleCity, []Event{EventReaccept}},
		{StateObjectionReview, RoleCity, []Event{EventUphold, EventReject}},
		{StateObjectionReview, RoleProvince, []Event{EventUphold, EventReject}},
		{StateFiled, RoleAdmin, nil},
	}
	for _, tt := range tests {
		if got := AllowedEvents(tt.state, tt.role); !slices.Equal(got, tt.want) {
			t.Errorf("AllowedEvents(%s, %s) = %v, want %v", tt.state, tt.role, got, tt.want)
		}
	}
	large := Facts{State: StateObjectionReview, Balance: largeBalance}
	if got := AllowedEventsFor(large, RoleCity); got != nil {
		t.Errorf("city on a large objection: %v", got)
	}
	if got := AllowedEventsFor(large, RoleProvince); !slices.Equal(got, []Event{EventUphold, EventReject}) {
		t.Errorf("province on a large objection: %v", got)
	}
}

func TestLabelsAndTerminal(t *testing.T) {
	for _, s := range AllStates {
		if s.Label() == string(s) || s.Label() == "" {
			t.Errorf("state %s has no Chinese label", s)
		}
	}
	for _, e := range AllEvents {
		if e.Label() == string(e) || e.Label() == "" {
			t.Errorf("event %s has no Chinese label", e)
		}
	}
	var terminal []State
	for _, s := range AllStates {
		if s.Terminal() {
			terminal = append(terminal, s)
		}
	}
	// filed is not terminal: its certificate can still be revoked
	if want := []State{StateFailedFinal, StateAbandoned, StateCertificateRevoked}; !slices.Equal(terminal, want) {
		t.Errorf("terminal states = %v, want %v", terminal, want)
	}
	if StateDraft.Label() != "草稿" || StateCityConfirm.Label() != "专责小组审定" {
		t.Error("labels differ from the brief")
	}
	if r, ok := FindRule(StateFailed, EventObject, 0); !ok || !r.Needs(GuardEvidence) || r.Needs(GuardFourEyes) {
		t.Errorf("FindRule(failed, object) = %+v, %v", r, ok)
	}
}
