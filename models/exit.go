package models

import (
	"fmt"
	"time"
)

// ExitClass is how an institution that did not pass acceptance leaves the market
// (seeds/004 plan 1 六(二)).
type ExitClass string

const (
	ExitWindDown ExitClass = "wind_down" // 逐步清退: cooperated but did not pass (六(二)1)
	ExitDispose  ExitClass = "dispose"   // 依法处置: still lending without filing (六(二)2)
	ExitBan      ExitClass = "ban"       // 取缔: seriously uncooperative or unlawful (六(二)3)
)

// ExitClasses lists them in the plan's order.
var ExitClasses = []ExitClass{ExitWindDown, ExitDispose, ExitBan}

var exitLabels = map[ExitClass]string{ExitWindDown: "逐步清退", ExitDispose: "依法处置", ExitBan: "取缔"}

// Label is the Chinese name.
func (e ExitClass) Label() string {
	if l, ok := exitLabels[e]; ok {
		return l
	}
	return string(e)
}

// InstitutionClass is the rectification classification of an institution (seeds/004
// plan 2 三(二)).
type InstitutionClass string

const (
	ClassCompliant InstitutionClass = "compliant"  // 合规类
	ClassRectify   InstitutionClass = "rectifying" // 整改类
	ClassBan       InstitutionClass = "banned"     // 取缔类
)

// InstitutionClasses lists them in the plan's order.
var InstitutionClasses = []InstitutionClass{ClassCompliant, ClassRectify, ClassBan}

var classLabels = map[InstitutionClass]string{ClassCompliant: "合规类", ClassRectify: "整改类", ClassBan: "取缔类"}

// Label is the Chinese name; an unclassified institution shows 未分类.
func (c InstitutionClass) Label() string {
	if c == "" {
		return "未分类"
	}
	if l, ok := classLabels[c]; ok {
		return l
	}
	return string(c)
}

// ExitRecord is the exit classification recorded for a failed application.
type ExitRecord struct {
	ID               int64
	ApplicationID    int64
	ExitClass        ExitClass
	InstitutionClass InstitutionClass
	Note             string
	RecordedBy       *int64
	RecordedName     string
	RecordedAt       Date
	CreatedAt        time.Time
}

// ExitFacts is what deciding an exit classification depends on.
type ExitFacts struct {
	State             State
	ObjectionDeadline Date // from the failure notice; zero if none
	Today             Date
	Note              string // the officer's note, at most MaxOpinionLength characters
}

// ExitOpen reports whether the exit classification may be recorded now: once the
// failure is final, either because an objection was rejected or because the objection
// period ran out without one.
func ExitOpen(f ExitFacts) bool {
	switch f.State {
	case StateFailedFinal:
		return true
	case StateFailed:
		return !f.ObjectionDeadline.IsZero() && f.Today.After(f.ObjectionDeadline)
	}
	return false
}

// DefaultInstitutionClass is the classification that goes with an exit route: a banned
// institution is 取缔类, the others stay 整改类 until they have left.
func DefaultInstitutionClass(e ExitClass) InstitutionClass {
	if e == ExitBan {
		return ClassBan
	}
	return ClassRectify
}

// ValidateExit checks an exit classification and the institution's classification
// recorded with it, returning the errors keyed by form field.
func ValidateExit(f ExitFacts, e ExitClass, c InstitutionClass) map[string]string {
	errs := map[string]string{}
	if LongerThan(f.Note, MaxOpinionLength) {
		errs["exit_note"] = fmt.Sprintf("说明不超过 %d 字", MaxOpinionLength)
	}
	if !ExitOpen(f) {
		switch f.State {
		case StateFailed:
			due := f.ObjectionDeadline.String()
			if f.ObjectionDeadline.IsZero() {
				due = "截止日期待定，须待法定节假日安排公布"
			}
			errs["_form"] = "异议期限（" + due + "）届满前，机构仍可提出异议，暂不能作出退出分类"
		default:
			errs["_form"] = "只有验收不合格且结论已确定的申请才能作出退出分类"
		}
	}
	if _, ok := exitLabels[e]; !ok {
		errs["exit_class"] = "请选择退出方式：逐步清退、依法处置或取缔"
	}
	switch {
	case classLabels[c] == "":
		errs["institution_class"] = "请选择机构分类"
	case c == ClassCompliant:
		errs["institution_class"] = "未通过整改验收的机构不能归为合规类（" + citeRectification + "三(二)）"
	case e == ExitBan && c != ClassBan:
		errs["institution_class"] = "予以取缔的机构应归为取缔类（" + citeAcceptancePlan + "六(二)3）"
	}
	return errs
}
