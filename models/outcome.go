package models

import (
	"fmt"
	"slices"
)

// The end of the path: which states close an application, when a new one of the same
// type is refused, what a final outcome means for the platform, and the hard lines the
// institution file decides by itself.

// ClosedStates are the states in which an application no longer holds the one open
// place of its institution and type (the partial unique index applications_one_open
// lists the same states).
var ClosedStates = []State{StateFiled, StateFailedFinal, StateAbandoned, StateCertificateRevoked}

// Closed reports whether s is one of ClosedStates.
func (s State) Closed() bool { return slices.Contains(ClosedStates, s) }

// CheckNewApplication refuses a new application of a type while the institution's latest
// one of that type ended in a state that settles the matter for this campaign:
//   - certified or scope changed: the certificate is held and filing follows
//     (plan 1 六(一));
//   - filed: the institution is registered ("整改验收合格一家、备案一家", plan 1 二(二)1);
//   - finally failed: it exits the market (plan 1 六(二));
//   - gave up: "逾期未提交的，视为放弃申请验收及备案资格" (plan 1 四(二)1).
//
// A revoked certificate does not bar a new application: the province's reason decides
// what follows, and the window and the hard lines still apply to the new one.
func CheckNewApplication(latest State) error {
	switch latest {
	case StateCertified, StateScopeChanged:
		return Errorf(EConflict, "本机构已取得整改验收合格证明（当前状态：%s），应办理经营范围变更和备案登记，不能再发起新的整改验收申请（%s六(一)）",
			latest.Label(), citeAcceptancePlan)
	case StateFiled:
		return Errorf(EConflict, "本机构已完成备案登记，整改验收合格一家、备案一家，不能再发起新的整改验收申请（%s二(二)1、六(一)）", citeAcceptancePlan)
	case StateFailedFinal:
		return Errorf(EConflict, "本机构整改验收结论为最终不合格，应按退出分类逐步清退或接受处置，不能再发起新的整改验收申请（%s六(二)）", citeAcceptancePlan)
	case StateAbandoned:
		return Errorf(EConflict, "本机构在申请受理期内未提交申请，已视为放弃申请验收及备案资格，不能再发起新的整改验收申请（%s四(二)1）", citeAcceptancePlan)
	}
	return nil
}

// ExitMeaning is what an exit classification means and what the institution must do,
// as plan 1 六(二) and plan 6 二(二) set out.
type ExitMeaning struct {
	Meaning string
	Duties  []string
	Rule    string
}

var exitMeanings = map[ExitClass]ExitMeaning{
	ExitWindDown: {
		Meaning: "积极配合专项整治及整改验收工作但最终没有通过验收的机构，应逐步清退业务，退出市场。",
		Duties: []string{
			"停止新发生网贷业务（" + citeAcceptancePlan + "四(二)5(2)）",
			"制定存量业务清退计划，按期兑付出借人，逐步压降存量业务直至清零",
			"配合区金融工作部门做好退出、维稳工作，不得失联、跑路",
		},
		Rule: citeAcceptancePlan + "六(二)1",
	},
	ExitDispose: {
		Meaning: "在规定时间内没有通过整改验收、无法完成备案登记但依然实质从事网贷业务的机构，由市、区金融工作部门协调相应职能部门依法依规予以处置。",
		Duties: []string{
			"立即停止网贷业务",
			"处置措施包括注销电信经营许可、封禁网站，要求金融机构不得向其提供各类金融服务",
			"配合职能部门处置，妥善处理债权债务关系",
		},
		Rule: citeAcceptancePlan + "六(二)2；" + citeAcceptanceImpl + "二(二)",
	},
	ExitBan: {
		Meaning: "严重不配合整改验收工作、违法违规行为严重，甚至已有经侦介入或跑路、失联的机构，由人行、银监、工商、公安等部门依据《非法金融机构和非法金融业务活动取缔办法》等予以取缔。",
		Duties: []string{
			"立即停止一切网贷业务",
			"配合取缔和退出工作，依法承担相应法律责任",
		},
		Rule: citeAcceptancePlan + "六(二)3",
	},
}

// Meaning describes the exit classification for the platform's home.
func (e ExitClass) Meaning() ExitMeaning { return exitMeanings[e] }

// Founding cut-off of plan 1 五(一) and plan 6 三(二)1: the 《网络借贷信息中介机构业务
// 活动管理暂行办法》 was published on 2016-08-24. Only institutions set up, or that
// started P2P lending, *after* that day are excluded; one founded on the day is not.
var InterimMeasuresPublished = NewDate(2016, 8, 24)

// FileCheck is one hard line the institution file decides, as the checklist shows it
// before submission: the rule, the fact the file states, and whether it is hit.
type FileCheck struct {
	Title   string // what is checked
	Rule    string // where the hard line is written
	Fact    string // what the file says, e.g. 成立日期 2014-06-18
	Decided bool   // the file states the fact (an empty field decides nothing yet)
	Hit     bool   // the hard line is hit: the platform may not submit
	Message string // the blocker, when Hit
}

// FileChecks derives, from the institution file alone, every hard line of the
// self-assessment that the file can decide (SPEC §3.2 items 1, 2 and 9; plan 2 三(二)
// for 取缔类), in the checklist's order.
func FileChecks(f InstitutionFile) []FileCheck {
	cut := InterimMeasuresPublished
	item := func(no int) SelfAssessmentItem { it, _ := SelfAssessmentItemByNo(no); return it }
	var out []FileCheck
	add := func(it SelfAssessmentItem, decided, hit bool, fact, consequence string) {
		c := FileCheck{Title: it.Title, Rule: it.Rule, Fact: fact, Decided: decided, Hit: hit}
		if hit {
			c.Message = fmt.Sprintf("机构档案载明%s。依据%s，%s，本机构目前不具备整改验收条件。", fact, it.Rule, consequence)
		}
		out = append(out, c)
	}
	date := func(label string, d Date) (bool, bool, string) {
		switch {
		case d.IsZero():
			return false, false, label + "未填写"
		case d.After(cut):
			return true, true, fmt.Sprintf("%s为 %s，晚于《暂行办法》发布之日（%s）", label, d, cut)
		}
		return true, false, fmt.Sprintf("%s为 %s，不晚于 %s", label, d, cut)
	}
	one := item(1)
	founded := SelfAssessmentItem{Title: "成立时间", Rule: one.Rule}
	decided, hit, fact := date("成立日期", f.FoundedOn)
	add(founded, decided, hit, fact, one.Consequence)
	started := SelfAssessmentItem{Title: "开始从事网贷业务时间", Rule: one.Rule}
	decided, hit, fact = date("开始从事网贷业务日期", f.P2PStartedOn)
	add(started, decided, hit, fact, one.Consequence)

	two := item(2)
	switch f.RectificationFromStart {
	case "yes":
		add(SelfAssessmentItem{Title: "自始纳入专项整治", Rule: two.Rule}, true, false, "本机构自始纳入网贷风险专项整治", two.Consequence)
	case "no":
		add(SelfAssessmentItem{Title: "自始纳入专项整治", Rule: two.Rule}, true, true, "本机构未自始纳入网贷风险专项整治", two.Consequence)
	default:
		add(SelfAssessmentItem{Title: "自始纳入专项整治", Rule: two.Rule}, false, false, "是否自始纳入专项整治未填写", two.Consequence)
	}

	nine := item(9)
	status := SelfAssessmentItem{Title: "经营状态", Rule: nine.Rule}
	switch f.BusinessStatus {
	case "":
		add(status, false, false, "经营状态未填写", nine.Consequence)
	case "suspended":
		add(status, true, true, "经营状态为停业", nine.Consequence)
	default:
		add(status, true, false, "经营状态为"+ChoiceLabel(BusinessStatusChoices, f.BusinessStatus), nine.Consequence)
	}

	class := SelfAssessmentItem{Title: "机构分类", Rule: citeRectification + "三(二)"}
	switch f.Classification {
	case "":
		add(class, false, false, "机构分类未填写", "")
	case string(ClassBan):
		add(class, true, true, "机构分类为取缔类", "取缔类机构应坚决实施市场退出，不能进行整改验收")
	default:
		add(class, true, false, "机构分类为"+ChoiceLabel(ClassificationChoices, f.Classification), "")
	}
	return out
}

// FileHardLines are the hard lines FileChecks finds hit, as blockers.
func FileHardLines(f InstitutionFile) []Violation {
	var out []Violation
	for _, c := range FileChecks(f) {
		if c.Hit {
			out = append(out, Violation{SelfAssessmentItem{Title: c.Title, Rule: c.Rule}, c.Message})
		}
	}
	return out
}
