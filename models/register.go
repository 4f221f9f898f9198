package models

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// ScopeChange is the platform's record of its business-scope change at the market
// regulator, adding "网络借贷信息中介" (seeds/004 plan 1 六(一)).
type ScopeChange struct {
	ApplicationID int64 `gorm:"primaryKey"`
	InstitutionID int64
	ChangeDate    Date
	Deadline      Date
	Late          bool
	RecordedBy    int64
	CreatedAt     time.Time
}

// ScopeChangeLate reports whether a change made on changed missed the deadline.
func ScopeChangeLate(deadline, changed Date) bool { return changed.After(deadline) }

// ValidateScopeChangeDate refuses a change date before the certificate or in the future.
func ValidateScopeChangeDate(changed, certified, today Date) error {
	switch {
	case changed.IsZero():
		return Errorf(EInvalid, "请填写经营范围变更登记日期")
	case changed.Before(certified):
		return Errorf(EInvalid, "变更日期不能早于合格证明签发日期 %s", certified)
	case changed.After(today):
		return Errorf(EInvalid, "变更日期不能晚于今天（%s）", today)
	}
	return nil
}

// Filing is the filing registration (备案登记) of an institution.
type Filing struct {
	ID            int64
	ApplicationID int64
	InstitutionID int64
	FilingNumber  string
	FilingDate    Date
	RecordedBy    int64
	CreatedAt     time.Time
}

var filingNumberPattern = regexp.MustCompile(`^[\p{Han}A-Za-z0-9〔〕\[\]()（）\-]{4,40}$`)

// ValidateFiling checks a filing number and date: the date may not precede the scope
// change nor lie in the future.
func ValidateFiling(number string, date, scopeChanged, today Date) map[string]string {
	errs := map[string]string{}
	if !filingNumberPattern.MatchString(strings.TrimSpace(number)) {
		errs["filing_number"] = "备案编号为 4–40 位汉字、字母、数字或括号，例如 粤网贷备〔2026〕001号"
	}
	switch {
	case date.IsZero():
		errs["filing_date"] = "请填写备案登记日期（yyyy-mm-dd）"
	case date.Before(scopeChanged):
		errs["filing_date"] = "备案日期不能早于经营范围变更日期 " + scopeChanged.String()
	case date.After(today):
		errs["filing_date"] = "备案日期不能晚于今天（" + today.String() + "）"
	}
	return errs
}

// RegisterEntry is one row of the public filing register.
type RegisterEntry struct {
	InstitutionID int64
	Name          string
	USCC          string
	District      string
	FilingNumber  string
	FilingDate    Date
	CustodyBank   string
	Website       string
	// Set when the certificate the filing rests on was revoked: the entry then leaves
	// the default register and shows only under the 已撤销 filter.
	Revoked       bool
	RevokedAt     *time.Time
	RevokedReason string
}

// RevokedDate is the day in China the certificate was revoked, or the zero Date.
func (e RegisterEntry) RevokedDate() Date {
	if e.RevokedAt == nil {
		return Date{}
	}
	return DateOf(*e.RevokedAt)
}

// RegisterStatus filters the register: the default lists the filings whose certificate
// is valid; a filing whose certificate was revoked is kept on record and shown, marked,
// only when asked for.
type RegisterStatus string

const (
	RegisterValid   RegisterStatus = ""        // 有效备案 (default)
	RegisterRevoked RegisterStatus = "revoked" // 已撤销
	RegisterAll     RegisterStatus = "all"     // 全部
)

// ParseRegisterStatus reads the filter from a query; anything unknown is the default.
func ParseRegisterStatus(s string) RegisterStatus {
	switch RegisterStatus(strings.TrimSpace(s)) {
	case RegisterRevoked:
		return RegisterRevoked
	case RegisterAll:
		return RegisterAll
	}
	return RegisterValid
}

// RegisterStatusChoices are the filter's options, in order.
var RegisterStatusChoices = []Choice{{"", "有效备案"}, {string(RegisterRevoked), "已撤销"}, {string(RegisterAll), "全部"}}

// RegisterHeader is the register's column titles, for CSV and XLSX.
var RegisterHeader = []string{"机构名称", "统一社会信用代码", "注册地", "备案编号", "备案日期", "存管银行", "网站"}

// registerStatusHeader are the columns an export with revoked entries adds.
var registerStatusHeader = []string{"状态", "撤销日期", "撤销理由"}

// RegisterHeaderFor is the export's header: the default register has no status
// columns, since every entry in it is valid.
func RegisterHeaderFor(st RegisterStatus) []string {
	if st == RegisterValid {
		return RegisterHeader
	}
	return append(slices.Clone(RegisterHeader), registerStatusHeader...)
}

// Cells is the entry as text, in RegisterHeader order.
func (e RegisterEntry) Cells() []string {
	return []string{e.Name, e.USCC, e.District, e.FilingNumber, e.FilingDate.String(), e.CustodyBank, e.Website}
}

// CellsFor is the entry as text, in RegisterHeaderFor(st) order.
func (e RegisterEntry) CellsFor(st RegisterStatus) []string {
	c := e.Cells()
	if st == RegisterValid {
		return c
	}
	if e.Revoked {
		return append(c, "已撤销", e.RevokedDate().String(), e.RevokedReason)
	}
	return append(c, "有效", "", "")
}
