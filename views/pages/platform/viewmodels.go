// Package platform holds the pages of the platform side: the institution file, the
// application with its checklist, materials and self-assessment. Officers see the same
// pages read-only.
package platform

import (
	"fmt"
	"strconv"
	"strings"

	"portal/models"
	"portal/views/components"
)

// Input is one field of the file form, with what was typed and its error.
type Input struct {
	ID, Name, Label, Hint string
	Kind                  models.FieldKind
	Value, Error          string
	Required              bool
	Options               []components.Option // a select's choices, "请选择" first
	Suggestions           []string            // a text input's offered values (a datalist); typing stays free
}

// Wide inputs take a whole line of the grid.
func (i Input) Wide() bool {
	return i.Kind == models.KindLongText || i.Name == "registered_address" || i.Name == "business_addresses" || i.Name == "name"
}

// FormRow is one row of a repeated part.
type FormRow struct {
	Index  int
	Inputs []Input
}

// FormBlock is a section of scalar fields or a repeated part, in page order.
type FormBlock struct {
	Title  string
	Inputs []Input // a section's fields
	Part   string  // a repeated part's key; "" for a section
	Label  string  // one row of the part, as in "股东"
	Rows   []FormRow
	Error  string // the part's error, such as shares above 100%
	CanAdd bool
}

// FileFormPage is the edit form of the file.
type FileFormPage struct {
	Institution string
	District    string
	Blocks      []FormBlock
	Errors      components.FieldErrors
	Notice      string // after adding or removing a row: not saved yet
	Lock        string // why the file cannot change now
}

// ViewBlock is a section of the read-only file: facts or a table.
type ViewBlock struct {
	Title   string
	Items   []models.DisplayItem
	Headers []string
	Rows    [][]string
	IsTable bool
}

// FileViewPage is the file as read by the platform or its officers.
type FileViewPage struct {
	Title       string
	Institution string
	USCC        string
	District    string
	Blocks      []ViewBlock
	Conditions  models.Conditions
	CondErr     string
	Missing     []string // fields a submission would still need
	Lock        string
	EditURL     string // "" when the viewer may not edit
	HistoryURL  string
	Updated     string
}

// HistoryPage lists the saves of the file.
type HistoryPage struct {
	Institution string
	BackURL     string
	Changes     []HistoryChange
	Pager       components.Pager
}

// HistoryChange is one save.
type HistoryChange struct {
	At, Actor string
	Fields    []HistoryField
}

// HistoryField is one field of a save.
type HistoryField struct{ Field, Old, New string }

// MB formats a size for people: "200 MB", "40.5 MB", "204.1 KB".
func MB(n int64) string {
	switch {
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// Size formats a file size with the exact byte count.
func Size(n int64) string { return fmt.Sprintf("%s（%s 字节）", MB(n), strconv.FormatInt(n, 10)) }

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// numeral is the Chinese ordinal of a section: 0 → 一.
func numeral(i int) string {
	if i < len(numerals) {
		return numerals[i]
	}
	return components.Itoa(int64(i + 1))
}

func joinCN(items []string) string { return strings.Join(items, "、") }

func placeholder(k models.FieldKind) string {
	switch k {
	case models.KindMoney, models.KindSignedMoney:
		return "如 50000000.00"
	case models.KindPercent:
		return "如 12.50"
	case models.KindDate:
		return "yyyy-mm-dd"
	case models.KindPhone:
		return "020-87654321"
	}
	return ""
}

func inputMode(k models.FieldKind) string {
	switch k {
	case models.KindMoney, models.KindSignedMoney, models.KindPercent:
		return "decimal"
	case models.KindCount:
		return "numeric"
	}
	return "text"
}

// fileField names the file input of a slot: file-1, file-2 …
func fileField(slot int) string { return "file-" + components.Itoa(int64(slot)) }

// FileField is fileField for handlers keying errors.
func FileField(slot int) string { return fileField(slot) }

// saName names a self-assessment field: answer_3, explanation_3, evidence_3.
func saName(what string, no int) string { return what + "_" + components.Itoa(int64(no)) }

// SAName is saName for handlers.
func SAName(what string, no int) string { return saName(what, no) }

func hasItemError(errs map[string]string, no int) bool {
	return errs[saName("answer", no)] != "" || errs[saName("explanation", no)] != "" || errs[saName("evidence", no)] != ""
}

// requirement reads 必交，共 3 份 / 选交，共 1 份.
func requirement(required bool, files int) string {
	if required {
		return "必交，共 " + components.Itoa(int64(files)) + " 份"
	}
	return "选交，共 " + components.Itoa(int64(files)) + " 份"
}

// MirrorRow is one of the platform's notices with where it mirrored it.
type MirrorRow struct {
	ID         int64
	Start, End models.Date
	Status     string
	StatusText string
	MirrorURL  string
	Active     bool
}

// MirrorPage lists the platform's notices with the mirror form.
type MirrorPage struct {
	Institution string
	Rows        []MirrorRow
	FormID      int64
	URL         string
	Errors      components.FieldErrors
}

// ScopePage is the platform's certificate and business-scope change.
type ScopePage struct {
	HasCertificate bool
	CertificateID  int64
	Serial         string
	IssueDate      models.Date
	CertRevoked    bool
	State          models.State
	Version        int
	Deadline       models.Date
	DeadlineText   string
	Overdue        bool
	ChangeDate     models.Date
	Late           bool
	FilingNumber   string
	FilingDate     models.Date
	Action         string // multipart form URL with the CSRF token
	Date           string
	Errors         components.FieldErrors
}
