package models

import "testing"

func TestExitOpen(t *testing.T) {
	today := NewDate(2026, 11, 23)
	tests := []struct {
		f    ExitFacts
		want bool
	}{
		{ExitFacts{State: StateFailedFinal, Today: today}, true},
		{ExitFacts{State: StateFailed, ObjectionDeadline: NewDate(2026, 11, 20), Today: today}, true},
		{ExitFacts{State: StateFailed, ObjectionDeadline: today, Today: today}, false}, // deadline runs to 24:00
		{ExitFacts{State: StateFailed, Today: today}, false},
		{ExitFacts{State: StateObjectionReview, Today: today}, false},
		{ExitFacts{State: StateDistrictReview, Today: today}, false},
	}
	for _, tt := range tests {
		if got := ExitOpen(tt.f); got != tt.want {
			t.Errorf("ExitOpen(%+v) = %v", tt.f, got)
		}
	}
}

func TestValidateExit(t *testing.T) {
	final := ExitFacts{State: StateFailedFinal, Today: NewDate(2026, 11, 23)}
	tests := []struct {
		name  string
		f     ExitFacts
		e     ExitClass
		c     InstitutionClass
		field string // "" means accepted
	}{
		{"wind down, rectify", final, ExitWindDown, ClassRectify, ""},
		{"dispose, ban", final, ExitDispose, ClassBan, ""},
		{"ban, ban", final, ExitBan, ClassBan, ""},
		{"ban needs 取缔类", final, ExitBan, ClassRectify, "institution_class"},
		{"failed is never 合规类", final, ExitWindDown, ClassCompliant, "institution_class"},
		{"unknown exit", final, "leave", ClassRectify, "exit_class"},
		{"no class", final, ExitWindDown, "", "institution_class"},
		{"still inside the objection period", ExitFacts{State: StateFailed, ObjectionDeadline: NewDate(2026, 11, 25), Today: NewDate(2026, 11, 23)}, ExitWindDown, ClassRectify, "_form"},
		{"not failed", ExitFacts{State: StateCityReview}, ExitWindDown, ClassRectify, "_form"},
	}
	for _, tt := range tests {
		errs := ValidateExit(tt.f, tt.e, tt.c)
		if tt.field == "" && len(errs) != 0 || tt.field != "" && errs[tt.field] == "" {
			t.Errorf("%s: errors %v; want on %q", tt.name, errs, tt.field)
		}
	}
	if DefaultInstitutionClass(ExitBan) != ClassBan || DefaultInstitutionClass(ExitWindDown) != ClassRectify {
		t.Error("default classes")
	}
	if ExitBan.Label() != "取缔" || ClassRectify.Label() != "整改类" || InstitutionClass("").Label() != "未分类" {
		t.Error("labels")
	}
}
