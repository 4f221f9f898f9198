package models

import (
	"regexp"
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
}

// RegisterHeader is the register's column titles, for CSV and XLSX.
var RegisterHeader = []string{"机构名称", "统一社会信用代码", "注册地", "备案编号", "备案日期", "存管银行", "网站"}

// Cells is the entry as text, in RegisterHeader order.
func (e RegisterEntry) Cells() []string {
	return []string{e.Name, e.USCC, e.District, e.FilingNumber, e.FilingDate.String(), e.CustodyBank, e.Website}
}
