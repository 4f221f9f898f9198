package models

import (
	"slices"
	"strings"
	"time"
)

// State is where an acceptance application stands; stored as the English key.
type State string

const (
	StateDraft           State = "draft"
	StateDistrictReview  State = "district_review"
	StateCorrection      State = "correction"
	StateCityReview      State = "city_review"
	StateJointReview     State = "joint_review"
	StateCityConfirm     State = "city_confirm"
	StatePublicNotice    State = "public_notice"
	StateSignoff         State = "signoff"
	StateCertified       State = "certified"
	StateScopeChanged    State = "scope_changed"
	StateFiled           State = "filed"
	StateRevoked         State = "revoked"
	StateFailed          State = "failed"
	StateObjectionReview State = "objection_review"
	StateFailedFinal     State = "failed_final"
	StateAbandoned       State = "abandoned"
	// StateCertificateRevoked: the province revoked the certificate of a certified,
	// scope-changed or filed application; the filing leaves the public register.
	StateCertificateRevoked State = "certificate_revoked"
)

// AllStates lists the states in the order an application usually meets them.
var AllStates = []State{
	StateDraft, StateDistrictReview, StateCorrection, StateCityReview, StateJointReview,
	StateCityConfirm, StatePublicNotice, StateSignoff, StateCertified, StateScopeChanged,
	StateFiled, StateRevoked, StateFailed, StateObjectionReview, StateFailedFinal, StateAbandoned, StateCertificateRevoked,
}

var stateLabels = map[State]string{
	StateDraft: "草稿", StateDistrictReview: "区级审核", StateCorrection: "补正中",
	StateCityReview: "市级初验", StateJointReview: "省市联合验收", StateCityConfirm: "专责小组审定",
	StatePublicNotice: "公示中", StateSignoff: "待省级审定", StateCertified: "已发合格证明",
	StateScopeChanged: "已变更经营范围", StateFiled: "已备案", StateRevoked: "公示撤销",
	StateFailed: "验收不合格", StateObjectionReview: "异议复核", StateFailedFinal: "最终不合格",
	StateAbandoned: "视为放弃", StateCertificateRevoked: "合格证明已撤销",
}

// Label is the Chinese name shown in the UI.
func (s State) Label() string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return string(s)
}

// Terminal reports whether no event leads out of s; derived from the table.
func (s State) Terminal() bool {
	return !slices.ContainsFunc(WorkflowTable, func(r WorkflowRule) bool { return r.From == s })
}

// Event is what someone (or the scheduler) does to an application.
type Event string

const (
	EventSubmit      Event = "submit"
	EventReturn      Event = "return"
	EventResubmit    Event = "resubmit"
	EventPass        Event = "pass"
	EventFail        Event = "fail"
	EventDisagree    Event = "disagree"
	EventConfirm     Event = "confirm"
	EventRevoke      Event = "revoke"
	EventReaccept    Event = "reaccept"
	EventNoticeEnd   Event = "notice_end"
	EventSignoff     Event = "signoff"
	EventObject      Event = "object"
	EventUphold      Event = "uphold"
	EventReject      Event = "reject"
	EventScopeChange Event = "scope_change"
	EventFile        Event = "file"
	EventAbandon     Event = "abandon"
	// EventRevokeCertificate is the province revoking an issued certificate.
	EventRevokeCertificate Event = "revoke_certificate"
)

// AllEvents lists every event.
var AllEvents = []Event{
	EventSubmit, EventReturn, EventResubmit, EventPass, EventFail, EventDisagree, EventConfirm,
	EventRevoke, EventReaccept, EventNoticeEnd, EventSignoff, EventObject, EventUphold,
	EventReject, EventScopeChange, EventFile, EventAbandon, EventRevokeCertificate,
}

var eventLabels = map[Event]string{
	EventSubmit: "提交验收申请", EventReturn: "退回补正", EventResubmit: "补正后重新提交",
	EventPass: "审核通过", EventFail: "验收不合格", EventDisagree: "提出不同意见并退回",
	EventConfirm: "专责小组审定", EventRevoke: "撤销初验合格意见", EventReaccept: "重新验收",
	EventNoticeEnd: "公示期满", EventSignoff: "省级审定", EventObject: "提出异议",
	EventUphold: "异议成立", EventReject: "异议不成立", EventScopeChange: "登记经营范围变更",
	EventFile: "备案登记", EventAbandon: "视为放弃", EventRevokeCertificate: "撤销整改验收合格证明",
}

// Label is the Chinese name shown on buttons and in the history.
func (e Event) Label() string {
	if l, ok := eventLabels[e]; ok {
		return l
	}
	if l, ok := recordEventLabels[e]; ok {
		return l
	}
	return string(e)
}

// LargeScaleThreshold routes by scale: an outstanding balance at the previous December
// end of 9亿元 or more ("超9亿元(含)") goes to the province–city joint team, less
// ("不足9亿元") to the city's preliminary acceptance (seeds/004 plan 1 四(一)).
const LargeScaleThreshold Money = 900_000_000 * OneYuan

// IsLargeScale applies LargeScaleThreshold.
func IsLargeScale(balance Money) bool { return balance >= LargeScaleThreshold }

// Scale restricts a rule to small or large platforms.
type Scale int

const (
	AnyScale Scale = iota
	SmallScale
	LargeScale
)

// Who may cause a transition: officers of some roles, the scheduler, or both.
type Who struct {
	Roles  []Role
	System bool
}

var (
	byPlatform     = Who{Roles: []Role{RolePlatform}}
	byDistrict     = Who{Roles: []Role{RoleDistrict}}
	byCity         = Who{Roles: []Role{RoleCity}}
	byProvince     = Who{Roles: []Role{RoleProvince}}
	bySystem       = Who{System: true}
	byCityOrSystem = Who{Roles: []Role{RoleCity}, System: true}
)

// WorkflowRule is one row of the transition table.
type WorkflowRule struct {
	From   State
	Event  Event
	Scale  Scale
	Who    Who
	To     State
	Guards []Guard
}

// Needs reports whether the rule checks g, e.g. whether a form must ask for an opinion.
func (r WorkflowRule) Needs(g Guard) bool { return slices.Contains(r.Guards, g) }

func guards(g ...Guard) []Guard { return g }

// WorkflowTable is the acceptance workflow (SPEC §4). Clauses cited are seeds/004 plan 1
// unless another plan is named.
var WorkflowTable = []WorkflowRule{
	// {From, Event, Scale, Who, To, Guards}

	// Application and district review (plan 1 四(二)1–2; window: 四(二)1).
	{StateDraft, EventSubmit, AnyScale, byPlatform, StateDistrictReview, nil},
	{StateDraft, EventAbandon, AnyScale, bySystem, StateAbandoned, guards(GuardWindowClosed)},
	{StateDistrictReview, EventReturn, AnyScale, byDistrict, StateCorrection, guards(GuardOpinion)},
	{StateCorrection, EventResubmit, AnyScale, byPlatform, StateDistrictReview, nil},
	{StateDistrictReview, EventPass, SmallScale, byDistrict, StateCityReview, guards(GuardOpinion)},
	{StateDistrictReview, EventPass, LargeScale, byDistrict, StateJointReview, guards(GuardOpinion)},
	{StateDistrictReview, EventFail, AnyScale, byDistrict, StateFailed, guards(GuardOpinion)},

	// City preliminary acceptance and the leadership group's review (四(二)3–4).
	{StateCityReview, EventDisagree, AnyScale, byCity, StateDistrictReview, guards(GuardOpinion)},
	{StateCityReview, EventPass, AnyScale, byCity, StateCityConfirm, guards(GuardOpinion)},
	{StateCityConfirm, EventConfirm, AnyScale, byCity, StatePublicNotice, guards(GuardFourEyes)},

	// Province–city joint acceptance of large platforms (四(一)).
	{StateJointReview, EventPass, AnyScale, byProvince, StatePublicNotice, guards(GuardOpinion)},
	{StateJointReview, EventFail, AnyScale, byProvince, StateFailed, guards(GuardOpinion)},
	{StateJointReview, EventReturn, AnyScale, byProvince, StateCorrection, guards(GuardOpinion)},

	// Public notice, complaints and re-acceptance (四(二)5(1)); certificate (plan 6 四(五)).
	{StatePublicNotice, EventRevoke, AnyScale, byCity, StateRevoked, guards(GuardComplaintUpheld, GuardOpinion)},
	{StatePublicNotice, EventNoticeEnd, AnyScale, bySystem, StateSignoff, guards(GuardNoticeOver, GuardNoOpenComplaint)},
	{StateRevoked, EventReaccept, SmallScale, byCityOrSystem, StateCityReview, nil},
	{StateRevoked, EventReaccept, LargeScale, byCityOrSystem, StateJointReview, nil},
	{StateSignoff, EventSignoff, AnyScale, byProvince, StateCertified, guards(GuardSignoffFourEyes)},

	// Objection to a failure (四(二)5(2)).
	{StateFailed, EventObject, AnyScale, byPlatform, StateObjectionReview, guards(GuardObjectionInTime, GuardEvidence, GuardOpinion)},
	{StateObjectionReview, EventUphold, SmallScale, byCity, StateCityConfirm, guards(GuardOpinion)},
	{StateObjectionReview, EventUphold, LargeScale, byProvince, StateJointReview, guards(GuardOpinion)},
	{StateObjectionReview, EventReject, SmallScale, byCity, StateFailedFinal, guards(GuardOpinion)},
	{StateObjectionReview, EventReject, LargeScale, byProvince, StateFailedFinal, guards(GuardOpinion)},

	// Business-scope change and filing (六(一)).
	{StateCertified, EventScopeChange, AnyScale, byPlatform, StateScopeChanged, nil},
	{StateScopeChanged, EventFile, AnyScale, byProvince, StateFiled, nil},

	// Revocation of the certificate (SPEC §4 "revocable"): filing rests on a valid
	// certificate ("整改验收合格一家、备案一家", plan 1 二(二)1; plan 6 一), so revoking it
	// ends the application and takes the filing off the register. The province issues
	// the certificate (四(一)) and so revokes it, with a public reason.
	{StateCertified, EventRevokeCertificate, AnyScale, byProvince, StateCertificateRevoked, guards(GuardOpinion)},
	{StateScopeChanged, EventRevokeCertificate, AnyScale, byProvince, StateCertificateRevoked, guards(GuardOpinion)},
	{StateFiled, EventRevokeCertificate, AnyScale, byProvince, StateCertificateRevoked, guards(GuardOpinion)},
}

// Actor is who asks for a transition: a logged-in user, or the scheduler (System).
type Actor struct {
	UserID int64
	Role   Role
	System bool
}

// Facts is what the guards need to know about the application and the request.
type Facts struct {
	State             State
	Balance           Money  // outstanding balance at the previous December end, for scale routing
	EnteredBy         int64  // user whose action put the application into its current state (four-eyes)
	AcceptedBy        int64  // officer whose pass or confirmation started the public notice (sign-off four-eyes)
	Opinion           string // opinion, reasons or objection text sent with this event
	Evidence          int    // evidence files attached to this event
	WindowEnd         Date   // last day the city accepts applications
	ObjectionDeadline Date   // last day to object, from the failure notice
	ObjectionPending  int    // the calendar year the objection deadline waits for, if any
	NoticeEnd         Date   // last day of the public notice
	ComplaintPending  bool   // a complaint received during the notice is being verified
	ComplaintUpheld   bool   // a complaint was verified and upheld
}

// FindRule returns the row for ev in state for a platform of the given balance.
func FindRule(state State, ev Event, balance Money) (WorkflowRule, bool) {
	want := SmallScale
	if IsLargeScale(balance) {
		want = LargeScale
	}
	for _, r := range WorkflowTable {
		if r.From == state && r.Event == ev && (r.Scale == AnyScale || r.Scale == want) {
			return r, true
		}
	}
	return WorkflowRule{}, false
}

// Transition decides the next state, or refuses: EConflict when the event does not apply
// in the current state, EForbidden when the actor may not do it, EInvalid when a guard
// fails. now is the request clock; deadlines are compared as dates in China.
func Transition(f Facts, ev Event, actor Actor, now time.Time) (State, error) {
	if _, known := eventLabels[ev]; !known {
		return "", Errorf(EInvalid, "未知的操作「%s」", ev)
	}
	rule, ok := FindRule(f.State, ev, f.Balance)
	if !ok {
		return "", Errorf(EConflict, "本件当前状态为「%s」，不能办理「%s」。可能已有他人先行办理，请刷新页面查看最新状态",
			f.State.Label(), ev.Label())
	}
	if err := rule.Who.allows(actor, ev); err != nil {
		return "", err
	}
	today := DateOf(now)
	for _, g := range rule.Guards {
		if err := g.check(f, ev, actor, today); err != nil {
			return "", err
		}
	}
	return rule.To, nil
}

func (w Who) allows(a Actor, ev Event) error {
	switch {
	case a.System && w.System, !a.System && slices.Contains(w.Roles, a.Role):
		return nil
	case a.System:
		return Errorf(EForbidden, "「%s」须由工作人员办理，系统不能自动办理", ev.Label())
	case len(w.Roles) == 0:
		return Errorf(EForbidden, "「%s」由系统在条件满足时自动办理，无需人工操作", ev.Label())
	}
	names := make([]string, len(w.Roles))
	for i, r := range w.Roles {
		names[i] = r.Label()
	}
	return Errorf(EForbidden, "%s无权办理「%s」，本环节由%s办理", a.Role.Label(), ev.Label(), strings.Join(names, "或"))
}

// AllowedEvents lists the events a user of role may attempt in state for a platform of
// either scale. Guards are checked only when the event is attempted.
func AllowedEvents(state State, role Role) []Event {
	var evs []Event
	for _, r := range WorkflowTable {
		if r.From == state && slices.Contains(r.Who.Roles, role) && !slices.Contains(evs, r.Event) {
			evs = append(evs, r.Event)
		}
	}
	return evs
}

// AllowedEventsFor is AllowedEvents for one application: where the role depends on the
// scale (objection review), only the rows for its balance count. Use it for buttons.
func AllowedEventsFor(f Facts, role Role) []Event {
	var evs []Event
	for _, ev := range AllEvents {
		if r, ok := FindRule(f.State, ev, f.Balance); ok && slices.Contains(r.Who.Roles, role) {
			evs = append(evs, ev)
		}
	}
	return evs
}
