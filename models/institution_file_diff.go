package models

import (
	"fmt"
	"strings"
)

// FileChange is one field that changed in a save of the file, as shown in the history.
type FileChange struct {
	Field string // the field's label; row fields name their row: 股东「张三」· 持股比例
	Old   string // "" when the field or row did not exist
	New   string // "" when it was cleared or the row removed
}

// DisplayItem is one field of the file as read.
type DisplayItem struct {
	Name, Label, Value string
}

// FileDisplay is the file's scalar fields by section, for the read-only page.
func FileDisplay(f InstitutionFile) map[string][]DisplayItem {
	out := map[string][]DisplayItem{}
	for _, spec := range FileFields {
		if spec.Name == "status_note" && f.BusinessStatus != "suspended" {
			continue
		}
		// The value carries its unit (元, %), so the label drops it.
		out[spec.Section] = append(out[spec.Section], DisplayItem{spec.Name, bareLabel(spec.Label), scalarDisplay(spec, &f)})
	}
	return out
}

func scalarDisplay(spec fileSpec, f *InstitutionFile) string {
	v := DisplayValue(spec.Kind, spec.Choices, spec.Ref(f))
	if spec.Name == "term_end" && v == "" {
		return "长期"
	}
	return v
}

type flatField struct{ label, value string }

type flatRow struct {
	key     string // the part and the row's identity, unique within the part
	label   string // 股东「张三」
	summary string // every filled field, for an added or removed row
	fields  []flatField
}

func (p RowPart[T]) flatten(f *InstitutionFile) []flatRow {
	rows := *p.Rows(f)
	seen := map[string]int{}
	var out []flatRow
	for i := range rows {
		var id string
		var fields []flatField
		var summary []string
		for _, fd := range p.Fields {
			v := displayOrBlank(fd, &rows[i])
			if fd.Name == p.Identity {
				id = v
				continue
			}
			fields = append(fields, flatField{bareLabel(fd.Label), v})
			if v != "" {
				summary = append(summary, bareLabel(fd.Label)+"："+v)
			}
		}
		seen[id]++
		label := fmt.Sprintf("%s「%s」", p.Label, id)
		if seen[id] > 1 { // two rows of the same name stay apart
			label = fmt.Sprintf("%s（第 %d 个）", label, seen[id])
		}
		out = append(out, flatRow{key: label, label: label, summary: strings.Join(summary, "；"), fields: fields})
	}
	return out
}

// DiffFiles lists what changed from old to new: scalar fields in form order, then rows
// matched by their name, so removing the first shareholder does not read as every
// shareholder changing.
func DiffFiles(old, new InstitutionFile) []FileChange {
	var out []FileChange
	for _, spec := range FileFields {
		o, n := scalarDisplay(spec, &old), scalarDisplay(spec, &new)
		if o != n {
			out = append(out, FileChange{bareLabel(spec.Label), o, n})
		}
	}
	for _, p := range FileParts {
		olds, news := p.flatten(&old), p.flatten(&new)
		byKey := map[string]flatRow{}
		for _, r := range olds {
			byKey[r.key] = r
		}
		matched := map[string]bool{}
		for _, nr := range news {
			or, ok := byKey[nr.key]
			if !ok {
				out = append(out, FileChange{nr.label + "（新增）", "", nr.summary})
				continue
			}
			matched[nr.key] = true
			for i, fd := range nr.fields {
				if or.fields[i].value != fd.value {
					out = append(out, FileChange{nr.label + " · " + fd.label, or.fields[i].value, fd.value})
				}
			}
		}
		for _, or := range olds {
			if !matched[or.key] {
				out = append(out, FileChange{or.label + "（删除）", or.summary, ""})
			}
		}
	}
	return out
}
