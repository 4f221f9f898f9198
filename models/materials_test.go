package models

import (
	"strings"
	"testing"
	"time"
)

func TestSlotLabels(t *testing.T) {
	yearly := MaterialType{FilesNeeded: 3, SlotKind: "year"}
	if got := strings.Join(yearly.SlotLabels(2026), ","); got != "2025 年度,2024 年度,2023 年度" {
		t.Errorf("yearly slots: %s", got)
	}
	if got := (MaterialType{FilesNeeded: 1}).SlotLabels(2026); len(got) != 1 || got[0] != "" {
		t.Errorf("single slot: %q", got)
	}
	if got := strings.Join((MaterialType{FilesNeeded: 2}).SlotLabels(2026), ","); got != "第 1 份,第 2 份" {
		t.Errorf("numbered slots: %s", got)
	}
}

func TestChecklistStates(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	atp := func(h int) *time.Time { x := at(h); return &x }
	materials := []MaterialType{
		{ID: 1, Name: "自评报告", Required: true, FilesNeeded: 1},
		{ID: 2, Name: "近三年年度审计报告", Required: true, FilesNeeded: 3, SlotKind: "year"},
		{ID: 3, Name: "不转让股权承诺函", Required: false, FilesNeeded: 1},
		{ID: 4, Name: "法律意见书", Required: true, FilesNeeded: 1},
		{ID: 5, Name: "存管协议", Required: true, FilesNeeded: 1},
		{ID: 6, Name: "电子合同", Required: true, FilesNeeded: 1},
	}
	files := []MaterialFile{
		{MaterialID: 1, Slot: 1, Version: 1, UploadedAt: at(0)},
		{MaterialID: 1, Slot: 1, Version: 2, UploadedAt: at(1)},
		{MaterialID: 2, Slot: 1, Version: 1, UploadedAt: at(0)},
		{MaterialID: 2, Slot: 3, Version: 1, UploadedAt: at(0)},
		{MaterialID: 4, Slot: 1, Version: 1, UploadedAt: at(0)},
		{MaterialID: 5, Slot: 1, Version: 1, UploadedAt: at(0)},
		{MaterialID: 6, Slot: 1, Version: 1, UploadedAt: at(0)},
		{MaterialID: 6, Slot: 1, Version: 2, UploadedAt: at(5)}, // re-uploaded after the return
	}
	reviews := []MaterialReview{
		{MaterialID: 4, ReviewState: ReviewAccepted, ReviewedAt: atp(2)},
		{MaterialID: 5, ReviewState: ReviewReturned, ReviewComment: "协议缺少银行盖章页", ReviewedAt: atp(2)},
		{MaterialID: 6, ReviewState: ReviewReturned, ReviewComment: "样本过期", ReviewedAt: atp(2)},
	}
	items := BuildChecklist(materials, files, reviews, 2026)
	want := []MaterialState{MaterialUploaded, MaterialMissing, MaterialMissing, MaterialAccepted, MaterialReturned, MaterialUploaded}
	for i, it := range items {
		if it.State != want[i] {
			t.Errorf("%s: %s; want %s", it.Material.Name, it.State, want[i])
		}
	}
	if c := items[0].Slots[0].Current(); c == nil || c.Version != 2 || len(items[0].Slots[0].Versions) != 2 {
		t.Errorf("current version of 自评报告: %+v", items[0].Slots[0])
	}
	if items[1].Filled != 2 || items[1].Slots[1].Current() != nil || items[1].Slots[0].Label != "2025 年度" {
		t.Errorf("yearly slots: %+v", items[1])
	}
	blockers := strings.Join(MaterialBlockers(items), "\n")
	for _, w := range []string{"「近三年年度审计报告」尚未上传齐全（已上传 2 / 3 份）", "「存管协议」已被退回（意见：协议缺少银行盖章页）"} {
		if !strings.Contains(blockers, w) {
			t.Errorf("blockers lack %q:\n%s", w, blockers)
		}
	}
	if strings.Contains(blockers, "承诺函") || strings.Contains(blockers, "电子合同") {
		t.Errorf("optional or re-uploaded materials must not block:\n%s", blockers)
	}
}
