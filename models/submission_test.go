package models

import (
	"strings"
	"testing"
)

func TestSubmissionBlockers(t *testing.T) {
	all := map[int]Answer{}
	for _, it := range SelfAssessmentItems {
		all[it.No] = AnswerYes
	}
	ready := SubmissionCheck{NeedsSA: true, SelfAssessment: EvaluateSelfAssessment(all),
		Items: []ChecklistItem{{Material: MaterialType{Name: "自评报告", Required: true}, State: MaterialUploaded}}}
	if b := ready.Blockers(); len(b) != 0 {
		t.Fatalf("ready application blocked: %v", b)
	}

	all[3] = AnswerNo
	delete(all, 7)
	blocked := SubmissionCheck{NeedsSA: true, SelfAssessment: EvaluateSelfAssessment(all),
		FileErrors: FileErrors{"founded_on": "请填写成立日期", "shareholders.0.share": "x"},
		Items:      []ChecklistItem{{Material: MaterialType{Name: "银行存管协议", Required: true}, State: MaterialMissing, Slots: make([]Slot, 1)}},
		WindowErr:  CheckSubmissionWindow(&ApplicationWindow{StartDate: NewDate(2026, 3, 10), EndDate: NewDate(2026, 4, 25)}, "广州市", NewDate(2026, 5, 1))}
	got := strings.Join(blocked.Blockers(), "\n")
	for _, w := range []string{"成立日期、股东", "「银行存管协议」尚未上传齐全", "第 7 项未作答",
		"第 3 项", "不予验收通过", "《网贷机构整改验收方案》五(三)", "已于 2026-04-25 截止"} {
		if !strings.Contains(got, w) {
			t.Errorf("blockers lack %q:\n%s", w, got)
		}
	}
	// a type without self-assessment ignores the answers
	blocked.NeedsSA = false
	if strings.Contains(strings.Join(blocked.Blockers(), ""), "自评") {
		t.Error("self-assessment checked for a type without it")
	}
}
