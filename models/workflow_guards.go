package models

import "strings"

// Guard names a condition a transition checks beyond state and role.
type Guard string

const (
	GuardOpinion         Guard = "opinion"           // an opinion, reasons or objection text is given
	GuardEvidence        Guard = "evidence"          // evidence files are attached
	GuardObjectionInTime Guard = "objection_in_time" // not after the objection deadline
	GuardNoticeOver      Guard = "notice_over"       // the public notice period has ended
	GuardNoOpenComplaint Guard = "no_open_complaint" // no complaint pending or upheld
	GuardComplaintUpheld Guard = "complaint_upheld"  // a complaint was verified and upheld
	GuardFourEyes        Guard = "four_eyes"         // not the user who did the step before
	GuardWindowClosed    Guard = "window_closed"     // the application window has closed
	// GuardSignoffFourEyes: the province sign-off is not by the officer whose acceptance
	// started the notice (a province officer after a joint review).
	GuardSignoffFourEyes Guard = "signoff_four_eyes"
)

// opinionRequired says, per event, what the text must contain and why.
var opinionRequired = map[Event]string{
	EventReturn:   "退回补正须写明需要补正的问题和材料",
	EventPass:     "须填写审核意见，写明审核结论和依据（" + citeAcceptancePlan + "四(二)2、3）",
	EventFail:     "验收不合格须写明存在的问题，并告知机构停止新发生网贷业务（" + citeAcceptancePlan + "四(二)5(2)）",
	EventDisagree: "对区审核结果有不同意见的，须说明原因（" + citeAcceptancePlan + "四(二)3）",
	EventRevoke:   "撤销初验合格意见须写明举报核查情况（" + citeAcceptancePlan + "四(二)5(1)）",
	EventObject:   "提出异议须写明对所列问题的异议和理由（" + citeAcceptancePlan + "四(二)5(2)）",
	EventUphold:   "须写明异议核实情况（" + citeAcceptancePlan + "四(二)5(2)）",
	EventReject:   "须写明异议核实情况及不予采纳的理由（" + citeAcceptancePlan + "四(二)5(2)）",
}

// RequireOpinion refuses a blank opinion for an event that needs one, saying what the
// text must contain; a form checks it before it asks the store, the workflow checks it
// again (GuardOpinion).
func RequireOpinion(ev Event, opinion string) error {
	if strings.TrimSpace(opinion) != "" {
		return nil
	}
	msg, ok := opinionRequired[ev]
	if !ok {
		msg = "请填写办理意见"
	}
	return Errorf(EInvalid, "%s", msg)
}

// FourEyesMessage is the refusal when the same city officer would confirm their own
// preliminary acceptance.
const FourEyesMessage = "专责小组审定须由另一名市级工作人员完成（四眼原则），您已办理本件初验"

// SignoffFourEyesMessage is the refusal when the province officer who passed the joint
// review would also sign it off.
const SignoffFourEyesMessage = "省级审定须由另一名工作人员完成（四眼原则），您已办理本件验收通过"

func (g Guard) check(f Facts, ev Event, a Actor, today Date) error {
	switch g {
	case GuardOpinion:
		return RequireOpinion(ev, f.Opinion)
	case GuardEvidence:
		if f.Evidence < 1 {
			return Errorf(EInvalid, "提出异议须提交证明材料（%s四(二)5(2)）", citeAcceptancePlan)
		}
	case GuardObjectionInTime:
		if f.ObjectionDeadline.IsZero() && f.ObjectionPending != 0 {
			// the deadline waits for a year's calendar: it has not been shown to have
			// passed, so the platform keeps its right (clock.go, Clock.InTime)
			return nil
		}
		if f.ObjectionDeadline.IsZero() {
			return Errorf(EInvalid, "本件尚未登记不合格告知日期，无法确定异议期限，请联系告知部门")
		}
		if today.After(f.ObjectionDeadline) {
			return Errorf(EInvalid, "异议期限已于 %s 届满：异议须自被告知之日起 %d 个工作日内提出（%s四(二)5(2)）",
				f.ObjectionDeadline, ObjectionWorkingDays, citeAcceptancePlan)
		}
	case GuardNoticeOver:
		if f.NoticeEnd.IsZero() {
			return Errorf(EInvalid, "本件尚未登记公示期，不能结束公示")
		}
		if !today.After(f.NoticeEnd) {
			return Errorf(EInvalid, "公示期至 %s 止，尚未届满，%s 起方可结束公示（公示不少于 %d 个自然日，%s四(二)5(1)）",
				f.NoticeEnd, f.NoticeEnd.AddDays(1), MinNoticeDays, citeAcceptancePlan)
		}
	case GuardNoOpenComplaint:
		if f.ComplaintUpheld {
			return Errorf(EInvalid, "公示期间的举报经核查属实，应先撤销初验合格意见并重新验收，不能结束公示（%s四(二)5(1)）", citeAcceptancePlan)
		}
		if f.ComplaintPending {
			return Errorf(EInvalid, "公示期间收到的举报尚未核查完毕，核查完毕前不能结束公示（%s四(二)5(1)）", citeAcceptancePlan)
		}
	case GuardComplaintUpheld:
		if !f.ComplaintUpheld {
			return Errorf(EInvalid, "只有经核查属实的举报才能撤销初验合格意见（%s四(二)5(1)）", citeAcceptancePlan)
		}
	case GuardFourEyes:
		// Fail closed: without the previous officer the rule cannot be checked.
		if f.EnteredBy == 0 || a.UserID == 0 {
			return Errorf(EInternal, "缺少办理人信息，无法核对四眼原则")
		}
		if a.UserID == f.EnteredBy {
			return Errorf(EForbidden, FourEyesMessage)
		}
	case GuardSignoffFourEyes:
		if f.AcceptedBy == 0 || a.UserID == 0 {
			return Errorf(EInternal, "缺少验收通过人信息，无法核对四眼原则")
		}
		if a.UserID == f.AcceptedBy {
			return Errorf(EForbidden, SignoffFourEyesMessage)
		}
	case GuardWindowClosed:
		if f.WindowEnd.IsZero() || !today.After(f.WindowEnd) {
			return Errorf(EInvalid, "申请受理期尚未截止，不能视为放弃（%s四(二)1）", citeAcceptancePlan)
		}
	default:
		return Errorf(EInternal, "未知的校验条件「%s」", g)
	}
	return nil
}
