package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Case records are rows of the decision history that do not move the application: who
// holds the case (认领, 分配, 改派) and an officer's override of the materials rule. They
// go into the same hash-chained history as the decisions, so nothing about who handled a
// case, or why a rule was set aside, happens silently.
const (
	EventClaim            Event = "claim"             // a district officer takes the case
	EventAssign           Event = "assign"            // a district officer gives the case to a colleague
	EventMaterialOverride Event = "material_override" // passed with required materials not accepted
	EventMaterialReview   Event = "material_review"   // a district officer accepts or returns one material
)

// RecordEvents lists the case-record events; they never appear in the workflow table.
var RecordEvents = []Event{EventClaim, EventAssign, EventMaterialOverride, EventMaterialReview}

var recordEventLabels = map[Event]string{
	EventClaim: "认领经办", EventAssign: "分配经办人", EventMaterialOverride: "材料未全部审核通过仍予合格",
	EventMaterialReview: "审核材料",
}

// IsRecord reports whether ev is a case record rather than a workflow decision.
func (e Event) IsRecord() bool {
	_, ok := recordEventLabels[e]
	return ok
}

// AssignmentOpinion is the history text of a change of district officer.
func AssignmentOpinion(actor, previous, next string) string {
	switch {
	case previous == "" && actor == next:
		return fmt.Sprintf("%s 认领本件，成为区级经办人", next)
	case previous == "":
		return fmt.Sprintf("%s 将本件分配给 %s 经办", actor, next)
	case actor == next:
		return fmt.Sprintf("%s 接手本件（原经办人：%s），原经办人已收到通知", next, previous)
	}
	return fmt.Sprintf("%s 将本件由 %s 改派给 %s 经办，两人均已收到通知", actor, previous, next)
}

// StepLabel names a decision in the history and the public summary. A pass means a
// different step at each level: the district's review (审核), the city's preliminary
// acceptance (初验, seeds/004 plan 1 四(二)3) or the joint team's acceptance (四(一)).
func StepLabel(ev Event, from State) string {
	if ev == EventPass {
		switch from {
		case StateDistrictReview:
			return "区级审核合格"
		case StateCityReview:
			return "市级初验合格"
		case StateJointReview:
			return "省市联合验收合格"
		}
	}
	return ev.Label()
}

// PendingMaterial is a required material not yet accepted, as a pass's check names it.
type PendingMaterial struct {
	Name  string
	State MaterialState
}

// PendingRequired lists the required materials of a checklist that are not accepted.
func PendingRequired(items []ChecklistItem) []PendingMaterial {
	var out []PendingMaterial
	for _, it := range items {
		if it.Material.Required && it.State != MaterialAccepted {
			out = append(out, PendingMaterial{Name: it.Material.Name, State: it.State})
		}
	}
	return out
}

// PendingText lists pending materials in Chinese: 自评报告（待审核）、银行存管协议（已退回）.
func PendingText(ms []PendingMaterial) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		state := m.State.Label()
		if m.State == MaterialUploaded {
			state = "待审核"
		}
		parts[i] = m.Name + "（" + state + "）"
	}
	return strings.Join(parts, "、")
}

// MinOverrideReason is the shortest reason an override may give (in characters).
const MinOverrideReason = 10

// CheckPassMaterials is the district's materials rule for a pass: the review covers the
// application materials in full ("对申请材料进行全面审核", seeds/004 plan 1 四(二)2), so
// every required material must have been accepted. An officer who passes anyway gives a
// reason, which the history keeps. The error belongs beside the override's reason field.
func CheckPassMaterials(pending []PendingMaterial, override bool, reason string) error {
	if len(pending) == 0 {
		return nil
	}
	if !override {
		return FieldErrorf("pass_override_reason", EInvalid,
			"尚有 %d 项必交材料未审核通过：%s。请先逐项审核材料；确需在此情况下作出合格结论的，请勾选「材料未全部审核通过，仍予合格」并写明理由（理由将记入办理记录）（%s四(二)2）",
			len(pending), PendingText(pending), citeAcceptancePlan)
	}
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < MinOverrideReason {
		return FieldErrorf("pass_override_reason", EInvalid, "请写明材料未全部审核通过仍予合格的理由，不少于 %d 个字", MinOverrideReason)
	}
	return nil
}

// OverrideOpinion is the history text of a materials override.
func OverrideOpinion(pending []PendingMaterial, reason string) string {
	return fmt.Sprintf("以下必交材料未审核通过：%s。\n仍予合格的理由：%s", PendingText(pending), strings.TrimSpace(reason))
}

// TakenOverMessage refuses a decision by an officer who no longer holds the case.
func TakenOverMessage(assignee string, since time.Time) string {
	if assignee == "" {
		return "本件已分配给其他经办人，只有经办人可以作出审核决定。"
	}
	if since.IsZero() {
		return fmt.Sprintf("本件现由 %s 经办，只有经办人可以作出审核决定，您的操作未生效。", assignee)
	}
	return fmt.Sprintf("本件已于 %s 改由 %s 经办，只有现经办人可以作出审核决定，您的操作未生效。",
		DateTimeCN(since), assignee)
}

// Notification kinds of case records.
const (
	NotifyAssigned   = "assigned"
	NotifyReassigned = "reassigned"
)

// ValidateMaterialReview checks a district officer's verdict on one material: accepted,
// or returned with a comment the platform sees beside it.
func ValidateMaterialReview(state, comment string) error {
	if state != ReviewAccepted && state != ReviewReturned {
		return Errorf(EInvalid, "材料审核结论应为通过或退回")
	}
	if LongerThan(comment, MaxOpinionLength) {
		return Errorf(EInvalid, "审核意见不超过 %d 字", MaxOpinionLength)
	}
	if state == ReviewReturned && strings.TrimSpace(comment) == "" {
		return Errorf(EInvalid, "退回材料须写明退回意见")
	}
	return nil
}

// MaterialReviewOpinion is the history text of a material's review: 自评报告：退回 缺少盖章页.
func MaterialReviewOpinion(material, state, comment string) string {
	verdict := map[string]string{ReviewAccepted: "通过", ReviewReturned: "退回"}[state]
	return strings.TrimSpace(fmt.Sprintf("%s：%s %s", material, verdict, strings.TrimSpace(comment)))
}
