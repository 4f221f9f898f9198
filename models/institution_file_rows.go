package models

import "strings"

// FieldInfo is a field's description without its type parameter, for views.
type FieldInfo struct {
	Name, Label, Hint string
	Kind              FieldKind
	Required          bool
	Choices           []Choice
}

// PartInfo describes a repeated part for views.
type PartInfo struct {
	Key, Label, Title string
	Fields            []FieldInfo
}

// PartDisplay is a repeated part as read: column headers and one line per row.
type PartDisplay struct {
	Title   string
	Headers []string
	Rows    [][]string
}

// Part is what every RowPart offers, whatever its row type.
type Part interface {
	Info() PartInfo
	Display(f *InstitutionFile) PartDisplay
	parse(form FileForm, f *InstitutionFile, errs FileErrors)
	format(f *InstitutionFile, form *FileForm)
	flatten(f *InstitutionFile) []flatRow
}

// FileParts are the repeated parts in form order.
var FileParts = []Part{ShareholderPart, PersonPart, BranchPart, ChannelPart}

func partByKey(key string) Part {
	for _, p := range FileParts {
		if p.Info().Key == key {
			return p
		}
	}
	return nil
}

// PartByKey finds a repeated part; ok is false for an unknown key.
func PartByKey(key string) (Part, bool) {
	p := partByKey(key)
	return p, p != nil
}

// ScalarInfo is FileFields without the type parameter.
func ScalarInfo() []FieldInfo {
	out := make([]FieldInfo, len(FileFields))
	for i, s := range FileFields {
		out[i] = s.info()
	}
	return out
}

func (s FieldSpec[T]) info() FieldInfo {
	return FieldInfo{Name: s.Name, Label: s.Label, Hint: s.Hint, Kind: s.Kind, Required: s.Required, Choices: s.Choices}
}

func (p RowPart[T]) Info() PartInfo {
	info := PartInfo{Key: p.Key, Label: p.Label, Title: p.Title}
	for _, fd := range p.Fields {
		info.Fields = append(info.Fields, fd.info())
	}
	return info
}

func (p RowPart[T]) parse(form FileForm, f *InstitutionFile, errs FileErrors) {
	rows := p.Rows(f)
	*rows = nil
	for i := 0; i < form.Counts[p.Key]; i++ {
		raw := func(field string) string { return strings.TrimSpace(form.Get(RowFieldName(p.Key, i, field))) }
		blank := true
		for _, fd := range p.Fields {
			if raw(fd.Name) != "" {
				blank = false
			}
		}
		if blank { // an added row left empty is dropped, not an error
			continue
		}
		var row T
		for _, fd := range p.Fields {
			if msg := parseInto(fd.Kind, fd.Label, fd.Required, fd.Positive, fd.Choices, raw(fd.Name), fd.Ref(&row)); msg != "" {
				errs[RowFieldName(p.Key, i, fd.Name)] = msg
			}
		}
		if p.Check != nil {
			for field, msg := range p.Check(&row, raw) {
				if name := RowFieldName(p.Key, i, field); errs[name] == "" {
					errs[name] = msg
				}
			}
		}
		*rows = append(*rows, row)
	}
}

func (p RowPart[T]) format(f *InstitutionFile, form *FileForm) {
	rows := *p.Rows(f)
	form.Counts[p.Key] = len(rows)
	for i := range rows {
		for _, fd := range p.Fields {
			form.Values[RowFieldName(p.Key, i, fd.Name)] = formValue(fd.Kind, fd.Required, fd.Ref(&rows[i]))
		}
	}
}

func (p RowPart[T]) Display(f *InstitutionFile) PartDisplay {
	d := PartDisplay{Title: p.Title}
	for _, fd := range p.Fields {
		d.Headers = append(d.Headers, fd.Label)
	}
	rows := *p.Rows(f)
	for i := range rows {
		var line []string
		for _, fd := range p.Fields {
			v := displayOrBlank(fd, &rows[i])
			if fd.Kind == KindMoney || fd.Kind == KindSignedMoney {
				v = strings.TrimSuffix(v, " 元") // the column header says （元）
			}
			line = append(line, v)
		}
		d.Rows = append(d.Rows, line)
	}
	return d
}

// displayOrBlank shows optional zero figures as blank: a natural-person shareholder has
// no net assets to show.
func displayOrBlank[T any](fd FieldSpec[T], row *T) string {
	if !fd.Required && formValue(fd.Kind, false, fd.Ref(row)) == "" {
		return ""
	}
	return DisplayValue(fd.Kind, fd.Choices, fd.Ref(row))
}
