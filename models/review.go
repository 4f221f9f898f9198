package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// QueueSlot is one kind of application a role's queue lists: a state, for platforms of
// a scale.
type QueueSlot struct {
	State State
	Scale Scale
}

// QueueSlots is what each officer role works on (issue 4 §2): a district its
// district's submitted and resubmitted applications, and the corrections it waits for;
// a city the district-passed applications of its city, those awaiting the leadership
// group's confirmation and the objections of small platforms; a province the joint
// reviews and objections of platforms of 9亿 and above, and every application awaiting
// its sign-off. Jurisdiction narrows each further.
func QueueSlots(r Role) []QueueSlot {
	switch r {
	case RoleDistrict:
		return []QueueSlot{{StateDistrictReview, AnyScale}, {StateCorrection, AnyScale}}
	case RoleCity:
		return []QueueSlot{{StateCityReview, AnyScale}, {StateCityConfirm, AnyScale}, {StateObjectionReview, SmallScale}}
	case RoleProvince:
		return []QueueSlot{{StateJointReview, AnyScale}, {StateObjectionReview, LargeScale}, {StateSignoff, AnyScale}}
	}
	return nil
}

// QueueStates lists the states of the role's queue once each, for the state filter.
func QueueStates(r Role) []State {
	var out []State
	for _, s := range QueueSlots(r) {
		if len(out) == 0 || out[len(out)-1] != s.State {
			out = append(out, s.State)
		}
	}
	return out
}

// Correction periods in working days. The plans leave the length to the officer ("限期
// 补充相关资料", seeds/004 plan 6 四(三)); the portal proposes 10 and refuses a period
// that is not a real deadline or that would stall the review for more than six weeks.
const (
	DefaultCorrectionDays = 10
	MaxCorrectionDays     = 30
)

// ValidateCorrectionDays checks the period an officer gives with a send-back.
func ValidateCorrectionDays(n int) error {
	if n < 1 || n > MaxCorrectionDays {
		return Errorf(EInvalid, "补正期限须为 1 至 %d 个工作日", MaxCorrectionDays)
	}
	return nil
}

// ParseCorrectionDays reads the period an officer typed with a send-back, in working days.
func ParseCorrectionDays(text string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		return 0, ValidateCorrectionDays(0)
	}
	return n, ValidateCorrectionDays(n)
}

// MaxOpinionLength bounds every opinion, reason and objection text (in characters).
const MaxOpinionLength = 5000

// Bounds of short free-text fields (issue 8 §2.6): a person's name, a document number.
const (
	MaxDisplayNameLength = 50
	MaxSourceLength      = 200
)

// LongerThan reports whether s has more than n characters.
func LongerThan(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// ValidateOpinion checks an opinion text; what is required where is the workflow's
// GuardOpinion, this only refuses what no document can hold.
func ValidateOpinion(s string) error {
	if utf8.RuneCountInString(s) > MaxOpinionLength {
		return Errorf(EInvalid, "意见不得超过 %d 个字", MaxOpinionLength)
	}
	return nil
}

// ParseProblems splits the problems an officer lists in a failure notice, one a line,
// dropping blank lines and list numbering the officer typed.
func ParseProblems(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimLeft(line, "0123456789.、)）(（ ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// StopBusinessOrder is the order every failure notice carries (seeds/004 plan 1
// 四(二)5(2): "督促机构停止新发生网贷业务").
const StopBusinessOrder = "请立即停止新发生网贷业务。"

// FailureNoticeText is the failure notice as the platform reads it and as the history
// keeps it: the problems, numbered, the order to stop new business, the objection
// deadline, and the officer's further remarks.
// A deadline still pending its calendar (clock.go) is told as such, with the rule.
func FailureNoticeText(problems []string, deadline *Clock, remarks string) (string, error) {
	if len(problems) == 0 {
		return "", Errorf(EInvalid, "验收不合格须逐条列明存在的问题（%s四(二)5(2)）", citeAcceptancePlan)
	}
	var b strings.Builder
	b.WriteString("经审核，该机构整改验收不合格，存在以下问题：\n")
	for i, p := range problems {
		fmt.Fprintf(&b, "%d. %s\n", i+1, p)
	}
	b.WriteString(StopBusinessOrder + "\n")
	if deadline != nil && deadline.DueDate != nil {
		fmt.Fprintf(&b, "如对上述问题有异议，请于 %s 前（自被告知之日起 %d 个工作日内）提交异议及证明材料。",
			deadline.DueDate, ObjectionWorkingDays)
	} else {
		pending := ""
		if deadline != nil && deadline.PendingYear != 0 {
			pending = "（截止日期" + PendingCalendarText(deadline.PendingYear) + "）"
		}
		fmt.Fprintf(&b, "如对上述问题有异议，请自被告知之日起 %d 个工作日内%s提交异议及证明材料。", ObjectionWorkingDays, pending)
	}
	if r := strings.TrimSpace(remarks); r != "" {
		b.WriteString("\n" + r)
	}
	return b.String(), ValidateOpinion(b.String())
}

// DistrictDecisionCheck is what a district officer must have done before deciding.
type DistrictDecisionCheck struct {
	Event       Event
	ActorID     int64
	AssigneeID  int64 // 0 when nobody has claimed the application
	OnsiteCheck bool  // the on-site check has been recorded
	// Who holds the case and since when, for the refusal of anyone else's decision.
	AssigneeName string
	AssignedAt   time.Time
}

// CheckDistrictDecision refuses a district decision by an officer who has not claimed
// the application, and a pass or fail before the on-site check is recorded: the plans
// require a substantive on-site check of every applicant (seeds/004 plan 1 四(二)2).
func CheckDistrictDecision(c DistrictDecisionCheck) error {
	if c.AssigneeID == 0 {
		return Errorf(EInvalid, "请先认领本件或将其分配给经办人，再作出审核决定")
	}
	if c.AssigneeID != c.ActorID {
		return Errorf(EForbidden, "%s", TakenOverMessage(c.AssigneeName, c.AssignedAt))
	}
	if (c.Event == EventPass || c.Event == EventFail) && !c.OnsiteCheck {
		return Errorf(EInvalid, "请先登记现场核查情况（核查方式、日期、参加人员、核查发现），再作出合格或不合格的审核结论（%s四(二)2）", citeAcceptancePlan)
	}
	return nil
}

// DistrictAuthority is the name of a district's financial office as it appears on its
// sealed documents, e.g. 广州市天河区金融工作部门.
func DistrictAuthority(city, district string) string {
	return city + district + "金融工作部门"
}

// ProvinceAuthority is the province office that issues the joint team's documents,
// e.g. 广东省金融工作办公室.
func ProvinceAuthority(province string) string { return province + "金融工作办公室" }
