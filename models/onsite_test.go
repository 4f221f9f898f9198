package models

import (
	"bytes"
	"testing"
)

func TestOnsiteCheckInputValidate(t *testing.T) {
	today := NewDate(2026, 11, 23)
	good := OnsiteCheckInput{CheckDate: "2026-11-20", Methods: []string{"资金流水", "核查账务系统"},
		Participants: "张三、李四；某会计师事务所王五", Findings: "资金存管到位，未见自融"}
	c, errs := good.Validate(today)
	if len(errs) != 0 {
		t.Fatalf("good input refused: %v", errs)
	}
	if c.Methods != "核查账务系统\n资金流水" || c.CheckDate != NewDate(2026, 11, 20) {
		t.Fatalf("record = %+v; methods must follow the list's order", c)
	}
	if got := c.MethodList(); len(got) != 2 || got[0] != "核查账务系统" {
		t.Fatalf("MethodList = %v", got)
	}

	tests := []struct {
		name  string
		edit  func(*OnsiteCheckInput)
		field string
	}{
		{"no date", func(in *OnsiteCheckInput) { in.CheckDate = "" }, "check_date"},
		{"bad date", func(in *OnsiteCheckInput) { in.CheckDate = "2026-02-30" }, "check_date"},
		{"future date", func(in *OnsiteCheckInput) { in.CheckDate = "2026-11-24" }, "check_date"},
		{"no method", func(in *OnsiteCheckInput) { in.Methods = nil }, "methods"},
		{"unknown method", func(in *OnsiteCheckInput) { in.Methods = []string{"资金流水", "随便看看"} }, "methods"},
		{"no participants", func(in *OnsiteCheckInput) { in.Participants = "  " }, "participants"},
		{"no findings", func(in *OnsiteCheckInput) { in.Findings = "" }, "findings"},
	}
	for _, tt := range tests {
		in := good
		tt.edit(&in)
		if _, errs := in.Validate(today); errs[tt.field] == "" {
			t.Errorf("%s: no error on %s (%v)", tt.name, tt.field, errs)
		}
	}
}

func TestReviewFilesAcceptTheContentTypesOfTheRegulations(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n%%EOF\n")
	if k, err := CheckUploadContent("底稿.pdf", bytes.NewReader(pdf), int64(len(pdf)), ReviewFileKinds); err != nil || k != KindPDF {
		t.Fatalf("PDF working paper: %s, %v", k, err)
	}
	script := []byte("#!/bin/sh\nrm -rf /\n")
	if _, err := CheckUploadContent("底稿.pdf", bytes.NewReader(script), int64(len(script)), ReviewFileKinds); ErrorCode(err) != EInvalid {
		t.Fatalf("a script named .pdf: %v", err)
	}
}
