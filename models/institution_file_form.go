package models

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FileForm is the file as typed: every value a string, kept as is so a re-rendered form
// loses nothing. Scalar fields are named as in FileFields, row fields
// "<part>.<index>.<field>" (index from 0). Counts holds each part's number of rows.
type FileForm struct {
	Values map[string]string
	Counts map[string]int
}

// RowFieldName names a row field in the form.
func RowFieldName(part string, i int, field string) string {
	return fmt.Sprintf("%s.%d.%s", part, i, field)
}

// FileFormFrom reads posted values. Rows are counted from the highest index present.
func FileFormFrom(posted map[string][]string) FileForm {
	f := FileForm{Values: map[string]string{}, Counts: map[string]int{}}
	parts := map[string]bool{}
	for _, p := range FileParts {
		parts[p.Info().Key] = true
	}
	for name, vs := range posted {
		if len(vs) == 0 {
			continue
		}
		if part, rest, ok := strings.Cut(name, "."); ok && parts[part] {
			idx, _, _ := strings.Cut(rest, ".")
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i >= MaxRows {
				continue
			}
			f.Counts[part] = max(f.Counts[part], i+1)
		}
		f.Values[name] = vs[0]
	}
	return f
}

// Get is the typed value of a field, "" when absent.
func (f FileForm) Get(name string) string { return f.Values[name] }

// AddRow appends a blank row to a part, up to MaxRows. An unknown part is ignored.
func (f *FileForm) AddRow(part string) {
	if partByKey(part) != nil && f.Counts[part] < MaxRows {
		f.Counts[part]++
	}
}

// RemoveRow deletes row i of a part, moving the rows after it up. An unknown part or
// row is ignored.
func (f *FileForm) RemoveRow(part string, i int) {
	p, n := partByKey(part), f.Counts[part]
	if p == nil || i < 0 || i >= n {
		return
	}
	fields := p.Info().Fields
	for j := i; j < n; j++ {
		for _, fd := range fields {
			if j+1 < n {
				f.Values[RowFieldName(part, j, fd.Name)] = f.Values[RowFieldName(part, j+1, fd.Name)]
			} else {
				delete(f.Values, RowFieldName(part, j, fd.Name))
			}
		}
	}
	f.Counts[part] = n - 1
}

// FileErrors maps a field name to its message in Chinese; the key of a whole part is the
// part's key (e.g. shares summing over 100%).
type FileErrors map[string]string

// ParseFileForm checks every field and the rules between them, and returns the typed
// file. today bounds dates that cannot lie in the future.
func ParseFileForm(form FileForm, today Date) (InstitutionFile, FileErrors) {
	var f InstitutionFile
	errs := FileErrors{}
	for _, spec := range FileFields {
		if msg := parseInto(spec.Kind, spec.Label, spec.Required, spec.Positive, spec.Choices, form.Get(spec.Name), spec.Ref(&f)); msg != "" {
			errs[spec.Name] = msg
		}
	}
	for _, p := range FileParts {
		p.parse(form, &f, errs)
	}
	crossCheck(&f, today, errs)
	return f, errs
}

// FileFormOf is the form showing a stored file.
func FileFormOf(f InstitutionFile) FileForm {
	form := FileForm{Values: map[string]string{}, Counts: map[string]int{}}
	for _, spec := range FileFields {
		form.Values[spec.Name] = formValue(spec.Kind, spec.Required, spec.Ref(&f))
	}
	for _, p := range FileParts {
		p.format(&f, &form)
	}
	return form
}

// ValidateFile re-checks a stored file, as submission requires a complete one.
func ValidateFile(f InstitutionFile, today Date) FileErrors {
	_, errs := ParseFileForm(FileFormOf(f), today)
	return errs
}

func crossCheck(f *InstitutionFile, today Date, errs FileErrors) {
	setOnce := func(name, msg string) {
		if errs[name] == "" {
			errs[name] = msg
		}
	}
	if f.PaidInCapital > f.RegisteredCapital && f.RegisteredCapital > 0 {
		setOnce("paid_in_capital", fmt.Sprintf("实缴注册资本（%s 元）不能大于注册资本（%s 元）", f.PaidInCapital, f.RegisteredCapital))
	}
	if f.BusinessStatus == "suspended" && strings.TrimSpace(f.StatusNote) == "" {
		setOnce("status_note", "经营状态为停业的，须说明停业原因")
	}
	for _, d := range []struct {
		name string
		date Date
	}{{"founded_on", f.FoundedOn}, {"p2p_started_on", f.P2PStartedOn}, {"filing_date", f.FilingDate}} {
		if !d.date.IsZero() && d.date.After(today) {
			setOnce(d.name, fmt.Sprintf("日期 %s 晚于今天（%s），请核对", d.date, today))
		}
	}
	if !f.TermEnd.IsZero() && !f.FoundedOn.IsZero() && !f.TermEnd.After(f.FoundedOn) {
		setOnce("term_end", "经营期限须晚于成立日期；长期经营的请留空")
	}
	if !f.P2PStartedOn.IsZero() && !f.FoundedOn.IsZero() && f.P2PStartedOn.Before(f.FoundedOn) {
		setOnce("p2p_started_on", fmt.Sprintf("开始从事网贷业务日期不能早于成立日期 %s", f.FoundedOn))
	}
	shares := make([]Ratio, len(f.Shareholders))
	for i, s := range f.Shareholders {
		shares[i] = s.Share
	}
	if err := ValidateShares(shares); err != nil {
		setOnce(ShareholderPart.Key, ErrorMessage(err))
	}
}

// parseInto reads one typed value into dst (a pointer from a FieldSpec's Ref) and returns
// the message for the field, or "".
func parseInto(kind FieldKind, label string, required, positive bool, choices []Choice, raw string, dst any) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if required {
			if kind == KindChoice {
				return "请选择" + bareLabel(label)
			}
			return "请填写" + bareLabel(label)
		}
		return ""
	}
	if fault := textFault(raw); fault != "" {
		return bareLabel(label) + fault
	}
	switch p := dst.(type) {
	case *string:
		switch kind {
		case KindUSCC:
			if err := ValidateUSCC(raw); err != nil {
				return ErrorMessage(err)
			}
			*p = NormalizeUSCC(raw)
		case KindPhone:
			if err := ValidatePhone(raw); err != nil {
				return ErrorMessage(err)
			}
			*p = NormalizePhone(raw)
		case KindChoice:
			if ChoiceLabel(choices, raw) == raw {
				return "请从列表中选择" + bareLabel(label)
			}
			*p = raw
		default:
			limit := 200
			if kind == KindLongText {
				limit = 2000
			}
			if n := utf8.RuneCountInString(raw); n > limit {
				return fmt.Sprintf("%s最多 %d 个字，现有 %d 个字", bareLabel(label), limit, n)
			}
			*p = raw
		}
	case *Money:
		parse := ParseYuan
		if kind == KindSignedMoney {
			parse = ParseSignedYuan
		}
		m, err := parse(raw)
		if err != nil {
			return ErrorMessage(err)
		}
		if positive && m <= 0 {
			return bareLabel(label) + "须大于 0"
		}
		*p = m
	case *Ratio:
		r, err := ParsePercent(raw)
		if err != nil {
			return ErrorMessage(err)
		}
		*p = r
	case *Date:
		d, err := ParseDate(raw)
		if err != nil {
			return ErrorMessage(err)
		}
		*p = d
	case *int:
		n, err := strconv.Atoi(strings.Map(halfWidth, raw))
		if err != nil || n < 0 || n > 1_000_000 {
			return fmt.Sprintf("%s应为不小于 0 的整数", bareLabel(label))
		}
		*p = n
	}
	return ""
}

// formValue formats a typed value for the form. Optional zero amounts and counts show
// blank, so an unfilled row does not read "0.00".
func formValue(kind FieldKind, required bool, src any) string {
	switch v := src.(type) {
	case *string:
		return *v
	case *Money:
		if *v == 0 && !required {
			return ""
		}
		return v.Yuan()
	case *Ratio:
		if *v == 0 && !required {
			return ""
		}
		return v.Percent()
	case *Date:
		return v.String()
	case *int:
		if *v == 0 && !required {
			return ""
		}
		return strconv.Itoa(*v)
	}
	return ""
}

// DisplayValue formats a typed value for reading: amounts with separators and 元,
// choices by their label.
func DisplayValue(kind FieldKind, choices []Choice, src any) string {
	switch v := src.(type) {
	case *string:
		if kind == KindChoice {
			return ChoiceLabel(choices, *v)
		}
		return *v
	case *Money:
		return v.String() + " 元"
	case *Ratio:
		return v.String()
	case *Date:
		return v.String()
	case *int:
		return strconv.Itoa(*v)
	}
	return ""
}

// bareLabel drops the unit in brackets: "注册资本（元）" → "注册资本".
func bareLabel(label string) string {
	if i := strings.Index(label, "（"); i > 0 {
		return label[:i]
	}
	return label
}

// textFault says what makes s unfit to keep as text, or "": bytes that are not UTF-8
// (PostgreSQL refuses them, so the save would fail) or control characters other than
// tab and line breaks (NUL among them, which PostgreSQL text cannot hold).
func textFault(s string) string {
	if !utf8.ValidString(s) {
		return "含有无法识别的字符（不是有效的 UTF-8 文字），请重新输入"
	}
	for _, r := range s {
		if (r < ' ' && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return "含有不可见的控制字符，请删除后重新输入"
		}
	}
	return ""
}

func validIP(s string) bool { return net.ParseIP(strings.TrimSpace(s)) != nil }
