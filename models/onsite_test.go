package models

import "testing"

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

func TestCheckUploadBySniffedContent(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj")
	if got := SniffUpload(pdf); got != "application/pdf" {
		t.Fatalf("sniffed %q", got)
	}
	if err := CheckUpload("底稿.pdf", 100, SniffUpload(pdf)); err != nil {
		t.Errorf("PDF refused: %v", err)
	}
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 32)...)
	if err := CheckUpload("底稿.doc", 100, SniffUpload(ole)); err != nil {
		t.Errorf("legacy Office refused: %v", err)
	}
	// a script renamed to .pdf is refused by its content
	if err := CheckUpload("底稿.pdf", 100, SniffUpload([]byte("#!/bin/sh\nrm -rf /"))); ErrorCode(err) != EInvalid {
		t.Errorf("script accepted: %v", err)
	}
	if ErrorCode(CheckUpload("a.pdf", 0, "application/pdf")) != EInvalid {
		t.Error("empty file accepted")
	}
	if ErrorCode(CheckUpload("a.pdf", MaxWorkingPaperSize+1, "application/pdf")) != EInvalid {
		t.Error("oversized file accepted")
	}
}
