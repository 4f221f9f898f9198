package models

import (
	"slices"
	"strings"
	"testing"
)

func allAnswered(a Answer) map[int]Answer {
	m := map[int]Answer{}
	for _, it := range SelfAssessmentItems {
		m[it.No] = a
	}
	return m
}

func TestSelfAssessmentItems(t *testing.T) {
	if len(SelfAssessmentItems) != 10 {
		t.Fatalf("%d items, want 10", len(SelfAssessmentItems))
	}
	for i, it := range SelfAssessmentItems {
		if it.No != i+1 || it.Title == "" || it.Consequence == "" || !strings.Contains(it.Rule, "》") {
			t.Errorf("item %d is incomplete: %+v", i+1, it)
		}
	}
	if it, _ := SelfAssessmentItemByNo(1); !strings.Contains(it.Title, "2016年8月24日") || it.Rule[:len(citeAcceptancePlan)] != citeAcceptancePlan {
		t.Errorf("item 1 = %+v", it)
	}
}

func TestEvaluateSelfAssessment(t *testing.T) {
	tests := []struct {
		name       string
		answers    map[int]Answer
		missing    []int
		violations []int
	}{
		{"all 符合", allAnswered(AnswerYes), nil, nil},
		{"nothing answered", nil, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, nil},
		{"item 1 不符合: started after 2016-08-24", with(allAnswered(AnswerYes), 1, AnswerNo), nil, []int{1}},
		{"items 3 and 6 不符合", with(with(allAnswered(AnswerYes), 3, AnswerNo), 6, AnswerNo), nil, []int{3, 6}},
		{"不适用 where allowed", with(with(allAnswered(AnswerYes), 9, AnswerNA), 10, AnswerNA), nil, nil},
		{"不适用 on item 2 is not an answer", with(allAnswered(AnswerYes), 2, AnswerNA), []int{2}, nil},
		{"garbage answer", with(allAnswered(AnswerYes), 4, "maybe"), []int{4}, nil},
		{"one missing, one violation", without(with(allAnswered(AnswerYes), 8, AnswerNo), 5), []int{5}, []int{8}},
		{"all 不符合", allAnswered(AnswerNo), nil, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	}
	for _, tt := range tests {
		r := EvaluateSelfAssessment(tt.answers)
		var got []int
		for _, v := range r.Violations {
			got = append(got, v.Item.No)
		}
		if !slices.Equal(r.Missing, tt.missing) || !slices.Equal(got, tt.violations) {
			t.Errorf("%s: missing %v violations %v; want %v %v", tt.name, r.Missing, got, tt.missing, tt.violations)
		}
		if r.Complete() != (len(tt.missing) == 0) || r.Eligible() != (len(tt.missing) == 0 && len(tt.violations) == 0) {
			t.Errorf("%s: Complete %v Eligible %v", tt.name, r.Complete(), r.Eligible())
		}
	}
	r := EvaluateSelfAssessment(with(allAnswered(AnswerYes), 1, AnswerNo))
	want := "第 1 项「于2016年8月24日《网络借贷信息中介机构业务活动管理暂行办法》发布之日或之前已设立并开展网贷业务」自评为不符合。" +
		"依据《网贷机构整改验收方案》五(一)；《网贷机构整改验收实施方案》三(二)1，" +
		"《暂行办法》发布后新设立或新从事网贷业务的机构，原则上不予备案登记，本机构目前不具备整改验收条件。"
	if r.Violations[0].Message != want {
		t.Errorf("message:\n got %s\nwant %s", r.Violations[0].Message, want)
	}
}

func TestValidateAnswer(t *testing.T) {
	tests := []struct {
		no   int
		a    Answer
		want string // "" for valid
	}{
		{1, AnswerYes, ""},
		{1, AnswerNo, ""},
		{1, AnswerNA, "不能选择「不适用」"},
		{5, AnswerNA, ""},
		{7, AnswerNA, ""},
		{3, "", "请选择自评第 3 项"},
		{3, "符合", "无效"},
		{11, AnswerYes, "不存在"},
		{0, AnswerYes, "不存在"},
	}
	for _, tt := range tests {
		err := ValidateAnswer(tt.no, tt.a)
		if tt.want == "" && err != nil || tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want)) {
			t.Errorf("ValidateAnswer(%d, %q) = %v, want %q", tt.no, tt.a, err, tt.want)
		}
	}
	if AnswerYes.Label() != "符合" || AnswerNo.Label() != "不符合" || AnswerNA.Label() != "不适用" {
		t.Error("answer labels")
	}
}

func TestLoanCaps(t *testing.T) {
	if NaturalPersonLoanCap.String() != "200,000.00" || LegalPersonLoanCap.String() != "1,000,000.00" {
		t.Errorf("caps %s %s", NaturalPersonLoanCap, LegalPersonLoanCap)
	}
}

func with(m map[int]Answer, no int, a Answer) map[int]Answer {
	c := map[int]Answer{}
	for k, v := range m {
		c[k] = v
	}
	c[no] = a
	return c
}

func without(m map[int]Answer, no int) map[int]Answer {
	c := with(m, no, "")
	delete(c, no)
	return c
}
