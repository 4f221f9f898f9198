package models

import (
	"slices"
	"time"
)

// A round of review runs from one submission of an application to the next. When the
// platform resubmits after a send-back, the district officer reviews what changed in
// between: the materials and the institution file's fields, old → new.

// MaterialChange is one material slot whose submitted file differs between two rounds.
type MaterialChange struct {
	Material string
	Slot     string        // the slot's label, e.g. 2024 年度; "" for a single file
	Old, New *MaterialFile // nil when there was (or is) no file
}

// versionAt is the slot's latest version uploaded at or before t.
func versionAt(versions []MaterialFile, t time.Time) *MaterialFile {
	var best *MaterialFile
	for i := range versions {
		v := &versions[i]
		if !v.UploadedAt.After(t) && (best == nil || v.Version > best.Version) {
			best = v
		}
	}
	return best
}

// MaterialChanges compares every slot's file as submitted at prev with the one
// submitted at last.
func MaterialChanges(items []ChecklistItem, prev, last time.Time) []MaterialChange {
	var out []MaterialChange
	for _, it := range items {
		for _, s := range it.Slots {
			old, cur := versionAt(s.Versions, prev), versionAt(s.Versions, last)
			if old == cur || old != nil && cur != nil && old.SHA256 == cur.SHA256 {
				continue
			}
			label := s.Label
			if len(it.Slots) == 1 {
				label = ""
			}
			out = append(out, MaterialChange{Material: it.Material.Name, Slot: label, Old: old, New: cur})
		}
	}
	return out
}

// FieldEdit is one field of one save of the institution file.
type FieldEdit struct {
	At       time.Time
	Field    string
	Old, New string
}

// FieldChanges folds the saves between prev and last into one change per field, from
// its value before the first save to its value after the last; a field edited back to
// where it started is left out. The order is the order of first change.
func FieldChanges(edits []FieldEdit, prev, last time.Time) []FileChange {
	var order []string
	first, final := map[string]string{}, map[string]string{}
	for _, e := range edits {
		if !e.At.After(prev) || e.At.After(last) {
			continue
		}
		if _, seen := first[e.Field]; !seen {
			first[e.Field] = e.Old
			order = append(order, e.Field)
		}
		final[e.Field] = e.New
	}
	var out []FileChange
	for _, f := range order {
		if first[f] != final[f] {
			out = append(out, FileChange{Field: f, Old: first[f], New: final[f]})
		}
	}
	return out
}

// LastRound finds the two latest submissions among the decision times of submit and
// resubmit events; ok is false before the first resubmission.
func LastRound(submissions []time.Time) (prev, last time.Time, ok bool) {
	if len(submissions) < 2 {
		return time.Time{}, time.Time{}, false
	}
	s := slices.Clone(submissions)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	return s[len(s)-2], s[len(s)-1], true
}
