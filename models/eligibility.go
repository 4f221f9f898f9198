package models

import "fmt"

// Answer is a self-assessment answer; stored as the English key.
type Answer string

const (
	AnswerYes Answer = "yes" // 符合
	AnswerNo  Answer = "no"  // 不符合
	AnswerNA  Answer = "na"  // 不适用
)

// Label is the Chinese answer shown in the form.
func (a Answer) Label() string {
	switch a {
	case AnswerYes:
		return "符合"
	case AnswerNo:
		return "不符合"
	case AnswerNA:
		return "不适用"
	}
	return string(a)
}

// Single-borrower caps (seeds/004 plan 1 五(三), plan 6 三(二)4(1); seeds/000 十 gives the
// same figures): outstanding borrowing through the platform per borrower.
const (
	NaturalPersonLoanCap Money = 200_000 * OneYuan   // 自然人
	LegalPersonLoanCap   Money = 1_000_000 * OneYuan // 法人或其他组织
)

// SelfAssessmentItem is one line of the self-assessment (SPEC §3.2). Every item is
// phrased as a compliance statement, so 不符合 is always the hard line: the platform
// cannot pass acceptance and the portal says so before it submits.
type SelfAssessmentItem struct {
	No          int
	Title       string
	Rule        string // where the hard line is written
	Consequence string // what the rule says happens to a platform answering 不符合
	AllowNA     bool   // 不适用 is a valid answer only where the situation may never have arisen
}

// SelfAssessmentItems are items 1–10 of SPEC §3.2.
var SelfAssessmentItems = []SelfAssessmentItem{
	// Plan 1 五(一) excludes only those set up, or that started P2P lending, after the
	// day the Interim Measures were published: one founded on 2016-08-24 is eligible.
	{1, "于2016年8月24日《网络借贷信息中介机构业务活动管理暂行办法》发布之日或之前已设立并开展网贷业务",
		citeAcceptancePlan + "五(一)；" + citeAcceptanceImpl + "三(二)1",
		"《暂行办法》发布后新设立或新从事网贷业务的机构，原则上不予备案登记", false},
	{2, "自始纳入本次网贷风险专项整治",
		citeAcceptancePlan + "五(二)；" + citeAcceptanceImpl + "三(二)2",
		"自始未纳入专项整治的机构，不得进行整改验收及备案登记", false},
	{3, "不存在《暂行办法》十三项禁止性行为，相应存量违规业务已化解完成",
		citeAcceptancePlan + "五(三)；" + citeAcceptanceImpl + "三(二)4(2)",
		"存量违规业务没有化解完成的机构不予验收通过", false},
	{4, "单一借款人借款余额未超过上限（自然人 20 万元，法人或其他组织 100 万元），超限存量业务已化解完成",
		citeAcceptancePlan + "五(三)；" + citeAcceptanceImpl + "三(二)4(1)",
		"超限额存量业务没有化解完成的机构不予验收通过", false},
	{5, "监管要求下发后未再发放房地产首付贷、校园贷、现金贷等业务，存量业务已化解完成",
		citeAcceptancePlan + "五(四)；" + citeAcceptanceImpl + "三(二)5",
		"监管要求下发后继续违规发放上述业务的机构不予验收通过", true},
	{6, "资金存管银行已通过网贷专项整治工作领导小组办公室组织的网贷资金存管业务测评",
		citeAcceptancePlan + "五(五)；" + citeAcceptanceImpl + "三(三)",
		"与未通过测评的银行开展资金存管合作的机构不予验收通过", false},
	{7, "未与各类地方金融交易所合作，存量合作业务已转让或清偿完成",
		citeAcceptancePlan + "五(六)；" + citeAcceptanceImpl + "三(二)4(3)",
		"仍与地方金融交易所合作或存量合作业务未转让、清偿完成的机构不予验收通过", true},
	{8, "已实现出借人与借款人之间直接借贷",
		citeAcceptanceImpl + "三(二)4(4)；" + citeRectification + "三(一)",
		"存在未实现直接借贷的业务且未化解完成的机构，不予备案登记", false},
	{9, "未为逃避整改验收暂停业务；曾暂停的，已恢复正常经营满 2 个月",
		citeAcceptancePlan + "五(七)",
		"为逃避整改验收暂停业务或处于不正常经营状态的机构，须恢复正常经营至少 2 个月后方可验收", true},
	{10, "已按整改通知书要求完成整改（业务规模已按要求压缩，借款余额未不降反升）",
		citeAcceptanceImpl + "三(二)6",
		"未严格按照整改通知书要求完成整改的机构，不予备案登记", true},
}

// SelfAssessmentItemByNo finds an item by its number.
func SelfAssessmentItemByNo(no int) (SelfAssessmentItem, bool) {
	for _, it := range SelfAssessmentItems {
		if it.No == no {
			return it, true
		}
	}
	return SelfAssessmentItem{}, false
}

// ValidateAnswer checks one answer as the platform saves it.
func ValidateAnswer(no int, a Answer) error {
	it, ok := SelfAssessmentItemByNo(no)
	if !ok {
		return Errorf(EInvalid, "自评第 %d 项不存在", no)
	}
	switch a {
	case AnswerYes, AnswerNo:
		return nil
	case AnswerNA:
		if it.AllowNA {
			return nil
		}
		return Errorf(EInvalid, "自评第 %d 项「%s」适用于所有申请机构，不能选择「不适用」", no, it.Title)
	case "":
		return Errorf(EInvalid, "请选择自评第 %d 项的结论（符合、不符合或不适用）", no)
	}
	return Errorf(EInvalid, "自评第 %d 项的结论「%s」无效，应为符合、不符合或不适用", no, a)
}

// Violation is a hard line the self-assessment hits.
type Violation struct {
	Item    SelfAssessmentItem
	Message string
}

// SelfAssessmentResult summarises the answers before submission.
type SelfAssessmentResult struct {
	Missing    []int // items without a valid answer, in order
	Violations []Violation
}

// Complete reports whether every item has a valid answer.
func (r SelfAssessmentResult) Complete() bool { return len(r.Missing) == 0 }

// Eligible reports whether the platform may submit: complete, and no hard line hit.
func (r SelfAssessmentResult) Eligible() bool { return r.Complete() && len(r.Violations) == 0 }

// EvaluateSelfAssessment checks the answers, keyed by item number, against the hard lines.
func EvaluateSelfAssessment(answers map[int]Answer) SelfAssessmentResult {
	var r SelfAssessmentResult
	for _, it := range SelfAssessmentItems {
		a := answers[it.No]
		if ValidateAnswer(it.No, a) != nil {
			r.Missing = append(r.Missing, it.No)
			continue
		}
		if a == AnswerNo {
			r.Violations = append(r.Violations, Violation{it, fmt.Sprintf(
				"第 %d 项「%s」自评为不符合。依据%s，%s，本机构目前不具备整改验收条件。",
				it.No, it.Title, it.Rule, it.Consequence)})
		}
	}
	return r
}
