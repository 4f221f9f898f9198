package models

import (
	"fmt"
	"time"
)

// ApplicationType is a kind of application with its own checklist, kept as data
// (application_types and material_types): adding one needs no code.
type ApplicationType struct {
	Code           string `gorm:"primaryKey"`
	Name           string
	Description    string
	Position       int
	Active         bool
	Windowed       bool // accepted only inside the city's window
	SelfAssessment bool // needs the self-assessment of SPEC §3.2
}

// MaterialType is one line of a type's checklist.
type MaterialType struct {
	ID            int64
	TypeCode      string
	Code          string
	Position      int
	Name          string
	Description   string
	Required      bool
	FilesNeeded   int
	SlotKind      string // "year": one file per fiscal year before the application's year
	AcceptedKinds string
}

// Kinds are the content types the material accepts.
func (m MaterialType) Kinds() []FileKind { return ParseKinds(m.AcceptedKinds) }

// SlotLabels names each file the material needs: "2025 年度" … for yearly reports (most
// recent first), "第 1 份" … for several files, "" for one.
func (m MaterialType) SlotLabels(appYear int) []string {
	n := max(m.FilesNeeded, 1)
	out := make([]string, n)
	for i := range out {
		switch {
		case m.SlotKind == "year":
			out[i] = fmt.Sprintf("%d 年度", appYear-1-i)
		case n > 1:
			out[i] = fmt.Sprintf("第 %d 份", i+1)
		}
	}
	return out
}

// MaterialFile is one uploaded version of one file of a material.
type MaterialFile struct {
	ID            int64
	ApplicationID int64
	MaterialID    int64
	Slot          int
	Version       int
	SHA256        string `gorm:"column:sha256"`
	Size          int64
	Kind          FileKind
	Filename      string
	UploadedBy    *int64
	UploaderName  string
	UploadedAt    time.Time
	FrozenAt      *time.Time // submitted with the application
}

// Review states an officer gives a material (application_materials.review_state).
const (
	ReviewPending  = "pending"
	ReviewAccepted = "accepted"
	ReviewReturned = "returned"
)

// MaterialReview is an officer's verdict on one material of one application.
type MaterialReview struct {
	ApplicationID int64 `gorm:"primaryKey;autoIncrement:false"`
	MaterialID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ReviewState   string
	ReviewComment string
	ReviewedBy    *int64
	ReviewerName  string
	ReviewedAt    *time.Time
}

// TableName keeps gorm on the migration's table.
func (MaterialReview) TableName() string { return "application_materials" }

// MaterialState is what the checklist shows for a material.
type MaterialState string

const (
	MaterialMissing  MaterialState = "missing"
	MaterialUploaded MaterialState = "uploaded"
	MaterialAccepted MaterialState = "accepted"
	MaterialReturned MaterialState = "returned"
)

// Label is the Chinese state.
func (s MaterialState) Label() string {
	return map[MaterialState]string{MaterialMissing: "未上传", MaterialUploaded: "已上传", MaterialAccepted: "已通过", MaterialReturned: "已退回"}[s]
}

// Slot is one file a material needs, with its versions newest first.
type Slot struct {
	No       int
	Label    string
	Versions []MaterialFile
}

// Current is the newest version, or nil when nothing is uploaded.
func (s Slot) Current() *MaterialFile {
	if len(s.Versions) == 0 {
		return nil
	}
	return &s.Versions[0]
}

// ChecklistItem is one material of an application with its files and state.
type ChecklistItem struct {
	Material MaterialType
	Slots    []Slot
	Review   MaterialReview
	State    MaterialState
	Filled   int // slots with a file
}

// BuildChecklist joins a type's materials with the application's files and reviews.
// files may come in any order; appYear names yearly slots.
func BuildChecklist(materials []MaterialType, files []MaterialFile, reviews []MaterialReview, appYear int) []ChecklistItem {
	byMaterial := map[int64]map[int][]MaterialFile{}
	for _, f := range files {
		if byMaterial[f.MaterialID] == nil {
			byMaterial[f.MaterialID] = map[int][]MaterialFile{}
		}
		byMaterial[f.MaterialID][f.Slot] = append(byMaterial[f.MaterialID][f.Slot], f)
	}
	reviewOf := map[int64]MaterialReview{}
	for _, r := range reviews {
		reviewOf[r.MaterialID] = r
	}
	out := make([]ChecklistItem, 0, len(materials))
	for _, m := range materials {
		item := ChecklistItem{Material: m, Review: reviewOf[m.ID]}
		var latest time.Time
		for i, label := range m.SlotLabels(appYear) {
			s := Slot{No: i + 1, Label: label, Versions: byMaterial[m.ID][i+1]}
			sortVersionsDesc(s.Versions)
			if c := s.Current(); c != nil {
				item.Filled++
				if c.UploadedAt.After(latest) {
					latest = c.UploadedAt
				}
			}
			item.Slots = append(item.Slots, s)
		}
		item.State = materialState(item.Filled, len(item.Slots), item.Review, latest)
		out = append(out, item)
	}
	return out
}

// materialState: an officer's verdict stands until the platform uploads again after it;
// otherwise a material is uploaded once every slot has a file.
func materialState(filled, needed int, r MaterialReview, lastUpload time.Time) MaterialState {
	reviewedSince := r.ReviewedAt != nil && !lastUpload.After(*r.ReviewedAt)
	switch {
	case r.ReviewState == ReviewAccepted && reviewedSince:
		return MaterialAccepted
	case r.ReviewState == ReviewReturned && reviewedSince:
		return MaterialReturned
	case filled >= needed:
		return MaterialUploaded
	}
	return MaterialMissing
}

func sortVersionsDesc(vs []MaterialFile) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].Version > vs[j-1].Version; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// MaterialBlockers lists, in Chinese, what keeps the checklist from being submitted:
// required materials with files missing, and materials returned and not uploaded again.
func MaterialBlockers(items []ChecklistItem) []string {
	var out []string
	for _, it := range items {
		switch {
		case it.State == MaterialReturned:
			out = append(out, fmt.Sprintf("材料「%s」已被退回（意见：%s），请按意见重新上传", it.Material.Name, it.Review.ReviewComment))
		case it.Material.Required && it.State == MaterialMissing:
			out = append(out, fmt.Sprintf("必交材料「%s」尚未上传齐全（已上传 %d / %d 份）", it.Material.Name, it.Filled, len(it.Slots)))
		}
	}
	return out
}
