package models

import (
	"testing"
	"time"
)

func TestMaterialChangesBetweenRounds(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	file := func(v int, h int, sha string) MaterialFile {
		return MaterialFile{Version: v, UploadedAt: at(h), SHA256: sha, Filename: sha + ".pdf"}
	}
	items := []ChecklistItem{
		{Material: MaterialType{Name: "银行存管协议"}, Slots: []Slot{{No: 1, Label: "存管协议", Versions: []MaterialFile{file(2, 30, "b"), file(1, 1, "a")}}}},
		{Material: MaterialType{Name: "自评报告"}, Slots: []Slot{{No: 1, Versions: []MaterialFile{file(1, 1, "s")}}}},
		{Material: MaterialType{Name: "近三年年度审计报告"}, Slots: []Slot{
			{No: 1, Label: "2023 年度", Versions: []MaterialFile{file(1, 1, "y1")}},
			{No: 2, Label: "2024 年度", Versions: []MaterialFile{file(2, 31, "y1"), file(1, 1, "y1")}}, // same content again
			{No: 3, Label: "2025 年度", Versions: []MaterialFile{file(1, 32, "y3")}},                   // added
		}},
		{Material: MaterialType{Name: "电子合同样本"}, Slots: []Slot{{No: 1, Versions: []MaterialFile{file(3, 60, "late"), file(1, 1, "e")}}}}, // after the round
	}
	got := MaterialChanges(items, at(2), at(40))
	if len(got) != 2 {
		t.Fatalf("%d changes: %+v", len(got), got)
	}
	if got[0].Material != "银行存管协议" || got[0].Slot != "" || got[0].Old.SHA256 != "a" || got[0].New.SHA256 != "b" {
		t.Errorf("first change %+v", got[0])
	}
	if got[1].Slot != "2025 年度" || got[1].Old != nil || got[1].New.SHA256 != "y3" {
		t.Errorf("second change %+v", got[1])
	}
}

func TestFieldChangesFoldEachFieldOnce(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	edits := []FieldEdit{
		{at(1), "实缴资本", "50,000,000.00", "55,000,000.00"}, // before the round
		{at(3), "实缴资本", "55,000,000.00", "58,000,000.00"},
		{at(4), "存管银行", "甲银行", "乙银行"},
		{at(5), "实缴资本", "58,000,000.00", "60,000,000.00"},
		{at(6), "联系电话", "020-1", "020-2"},
		{at(7), "联系电话", "020-2", "020-1"}, // back where it was
		{at(50), "法定代表人", "张三", "李四"},     // after the round
	}
	got := FieldChanges(edits, at(2), at(40))
	if len(got) != 2 || got[0] != (FileChange{"实缴资本", "55,000,000.00", "60,000,000.00"}) || got[1] != (FileChange{"存管银行", "甲银行", "乙银行"}) {
		t.Fatalf("changes %+v", got)
	}
}

func TestLastRound(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, _, ok := LastRound([]time.Time{t0}); ok {
		t.Error("one submission is no round to compare")
	}
	prev, last, ok := LastRound([]time.Time{t0.Add(5 * time.Hour), t0, t0.Add(2 * time.Hour)})
	if !ok || !prev.Equal(t0.Add(2*time.Hour)) || !last.Equal(t0.Add(5*time.Hour)) {
		t.Errorf("LastRound = %v, %v, %v", prev, last, ok)
	}
}
