package models

import (
	"fmt"
	"strings"
)

// SubmissionCheck gathers what decides whether an application may be submitted
// (SPEC §3, issue "Submit"): a complete institution file, every required material, a
// complete self-assessment without a hard line, and, for a first submission of a
// windowed type, the city's window.
type SubmissionCheck struct {
	FileErrors     FileErrors
	Items          []ChecklistItem
	NeedsSA        bool
	SelfAssessment SelfAssessmentResult
	// FileHardLines are the hard lines the institution file decides by itself
	// (FileHardLines), whatever the self-assessment answers.
	FileHardLines []Violation
	WindowErr     error // from CheckSubmissionWindow; nil when open or not applicable
}

// Blockers lists every reason, in Chinese, in the order the platform would fix them.
func (c SubmissionCheck) Blockers() []string {
	var out []string
	if len(c.FileErrors) > 0 {
		out = append(out, "机构档案尚未填写完整或有误："+strings.Join(fileErrorLabels(c.FileErrors), "、")+"。请先在「机构档案」中补正。")
	}
	out = append(out, MaterialBlockers(c.Items)...)
	if c.NeedsSA {
		if missing := c.SelfAssessment.Missing; len(missing) > 0 {
			nos := make([]string, len(missing))
			for i, n := range missing {
				nos[i] = fmt.Sprint(n)
			}
			out = append(out, fmt.Sprintf("自评尚未完成：第 %s 项未作答", strings.Join(nos, "、")))
		}
		for _, v := range c.FileHardLines {
			out = append(out, v.Message)
		}
		for _, v := range c.SelfAssessment.Violations {
			out = append(out, v.Message)
		}
	}
	if c.WindowErr != nil {
		out = append(out, ErrorMessage(c.WindowErr))
	}
	return out
}

// fileErrorLabels names the fields with errors, in form order.
func fileErrorLabels(errs FileErrors) []string {
	var out []string
	for _, s := range FileFields {
		if errs[s.Name] != "" {
			out = append(out, bareLabel(s.Label))
		}
	}
	for _, p := range FileParts {
		info := p.Info()
		for name := range errs {
			if strings.HasPrefix(name, info.Key) {
				out = append(out, info.Title)
				break
			}
		}
	}
	return out
}
