package models

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// CheckMethods are the means of the district's on-site check (SPEC §4, seeds/004 plan 6
// 四(二)), in the order the forms list them. views/pdf ticks the same strings.
var CheckMethods = []string{
	"核查账务系统", "资金流水", "项目真实性", "网站信息披露",
	"抽查借贷合同", "暗访线下营销和宣传", "产品合规性调查",
}

// OnsiteCheck is the record of a district's on-site check of an applicant.
type OnsiteCheck struct {
	ID            int64
	ApplicationID int64
	CheckDate     Date
	Methods       string // the chosen CheckMethods, one a line, in their order
	Participants  string
	ThirdParties  string // law or accounting firms taking part (plan 6 四(二))
	Findings      string
	RecordedBy    *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// MethodList is Methods as a list.
func (c OnsiteCheck) MethodList() []string {
	if c.Methods == "" {
		return nil
	}
	return strings.Split(c.Methods, "\n")
}

// OnsiteCheckInput is what the officer types.
type OnsiteCheckInput struct {
	CheckDate    string
	Methods      []string
	Participants string
	ThirdParties string
	Findings     string
}

// Validate checks the input as of today and returns the record, or the errors keyed by
// form field: the date (yyyy-mm-dd, not in the future), at least one method of the list,
// the participants and the findings.
func (in OnsiteCheckInput) Validate(today Date) (OnsiteCheck, map[string]string) {
	errs := map[string]string{}
	var c OnsiteCheck
	d, err := ParseDate(in.CheckDate)
	switch {
	case strings.TrimSpace(in.CheckDate) == "":
		errs["check_date"] = "请填写核查日期"
	case err != nil:
		errs["check_date"] = ErrorMessage(err)
	case d.After(today):
		errs["check_date"] = "核查日期不能晚于今天（" + today.String() + "）"
	}
	c.CheckDate = d
	var chosen []string
	for _, m := range CheckMethods { // keep the list's order, drop anything unknown
		if slices.Contains(in.Methods, m) {
			chosen = append(chosen, m)
		}
	}
	if len(chosen) == 0 {
		errs["methods"] = "请至少勾选一种核查方式"
	}
	for _, m := range in.Methods {
		if !slices.Contains(CheckMethods, m) {
			errs["methods"] = "核查方式「" + m + "」不在规定的核查方式之内"
		}
	}
	c.Methods = strings.Join(chosen, "\n")
	c.Participants = strings.TrimSpace(in.Participants)
	if c.Participants == "" {
		errs["participants"] = "请填写参加核查的人员（含第三方中介机构人员）"
	}
	c.ThirdParties = strings.TrimSpace(in.ThirdParties)
	c.Findings = strings.TrimSpace(in.Findings)
	if c.Findings == "" {
		errs["findings"] = "请填写核查发现的情况和问题"
	}
	for field, s := range map[string]string{"participants": c.Participants, "third_parties": c.ThirdParties, "findings": c.Findings} {
		if utf8.RuneCountInString(s) > MaxOpinionLength && errs[field] == "" {
			errs[field] = "内容过长，不得超过 5000 个字"
		}
	}
	return c, errs
}

// MaxReviewFileSize bounds one working paper or piece of an objection's evidence.
const MaxReviewFileSize = 50 << 20

// ReviewFileKinds are the types, found in the content (CheckUploadContent), a working
// paper or an objection's evidence may have.
var ReviewFileKinds = []FileKind{KindPDF, KindOFD, KindJPEG, KindPNG, KindDOCX, KindXLSX}
