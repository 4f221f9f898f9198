package models

import (
	"fmt"
	"strings"
	"time"
)

// Custody banks (存管银行, issue 12 §3): every platform keeps its lenders' funds at a bank
// that has passed the national custody evaluation, and the bank's own monthly statement is
// compared with the platform's declared figures.

// CustodyClause is the hard line the custody bank list decides, in the seeds' words.
const CustodyClause = citeAcceptancePlan + "五(五)“对于未与通过网贷专项整治领导小组办公室组织开展的网贷资金存管业务测评的银行业金融机构开展资金存管业务合作的，不予验收通过”；" +
	citeAcceptanceImpl + "三(三)资金存管要求"

// CustodyBank is one bank of the list the system administrator keeps.
type CustodyBank struct {
	ID          int64
	Name        string
	Code        string
	Evaluated   bool
	EvaluatedOn *Date
	Batch       string
	Source      string
	UpdatedBy   *int64
	UpdatedAt   time.Time
}

// TableName keeps gorm on the migration's table.
func (CustodyBank) TableName() string { return "custody_banks" }

// EvaluationText is the bank's evaluation status in Chinese.
func (b CustodyBank) EvaluationText() string {
	if !b.Evaluated || b.EvaluatedOn == nil {
		return "未通过测评"
	}
	s := "已通过测评（" + b.EvaluatedOn.String()
	if b.Batch != "" {
		s += "，" + b.Batch
	}
	return s + "）"
}

// CustodyBankInput is the administrator's form.
type CustodyBankInput struct {
	Name, Code, EvaluatedOn, Batch, Source string
	Evaluated                              bool
}

// Limits of the bank list's free text.
const (
	MaxCustodyBankName   = 100
	MaxCustodyBankSource = 500
)

// ParseCustodyBank checks the form and returns the bank, or the errors by field (name,
// code, evaluated_on, batch, source).
func ParseCustodyBank(in CustodyBankInput) (CustodyBank, map[string]string) {
	errs := map[string]string{}
	b := CustodyBank{Name: NormalizeBankName(in.Name), Code: NormalizeUSCC(in.Code), Evaluated: in.Evaluated,
		Batch: strings.TrimSpace(in.Batch), Source: strings.TrimSpace(in.Source)}
	switch n := len([]rune(b.Name)); {
	case n == 0:
		errs["name"] = "请填写银行全称"
	case n < 4 || n > MaxCustodyBankName:
		errs["name"] = fmt.Sprintf("银行全称为 4–%d 字", MaxCustodyBankName)
	}
	if err := ValidateUSCC(b.Code); err != nil {
		errs["code"] = "统一社会信用代码：" + ErrorMessage(err)
	}
	if s := strings.TrimSpace(in.EvaluatedOn); s != "" {
		d, err := ParseDate(s)
		if err != nil {
			errs["evaluated_on"] = "测评通过日期应写作 2019-06-30"
		} else {
			b.EvaluatedOn = &d
		}
	}
	if b.Evaluated && b.EvaluatedOn == nil && errs["evaluated_on"] == "" {
		errs["evaluated_on"] = "已通过测评的银行须填写测评通过日期"
	}
	if !b.Evaluated {
		b.EvaluatedOn, b.Batch = nil, ""
	}
	if LongerThan(b.Batch, 50) {
		errs["batch"] = "批次不超过 50 字"
	}
	if LongerThan(b.Source, MaxCustodyBankSource) {
		errs["source"] = fmt.Sprintf("来源说明不超过 %d 字", MaxCustodyBankSource)
	}
	return b, errs
}

// NormalizeBankName is how a bank's name is compared: spaces dropped, full-width
// parentheses, as a platform's file may type it either way.
func NormalizeBankName(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.NewReplacer("(", "（", ")", "）").Replace(s)
}

// CustodyCheck is what the list says about the bank a platform's file names: hard line 6
// of the self-assessment, decided by data.
type CustodyCheck struct {
	Named     string       // the file's custody bank, as typed
	Bank      *CustodyBank // the listed bank of that name; nil when not on the list
	Evaluated bool
}

// CheckCustodyBank looks the file's bank up in the list.
func CheckCustodyBank(named string, banks []CustodyBank) CustodyCheck {
	c := CustodyCheck{Named: strings.TrimSpace(named)}
	key := NormalizeBankName(named)
	for i := range banks {
		if key != "" && NormalizeBankName(banks[i].Name) == key {
			c.Bank = &banks[i]
			c.Evaluated = banks[i].Evaluated && banks[i].EvaluatedOn != nil
		}
	}
	return c
}

// Text explains the finding in Chinese.
func (c CustodyCheck) Text() string {
	switch {
	case c.Named == "":
		return "机构档案未填写资金存管银行"
	case c.Bank == nil:
		return "机构档案所填存管银行「" + c.Named + "」不在已通过网贷资金存管业务测评的银行名录中"
	case !c.Evaluated:
		return "存管银行「" + c.Bank.Name + "」未通过网贷资金存管业务测评"
	}
	return "存管银行「" + c.Bank.Name + "」" + c.Bank.EvaluationText()
}

// CustodyItemNo is the self-assessment item the custody bank list decides.
const CustodyItemNo = 6

// EvaluateSelfAssessmentWith is EvaluateSelfAssessment with item 6 decided by the custody
// bank list rather than by the platform's answer: an evaluated bank makes it 符合, any
// other finding a hard line the platform cannot answer away. nil custody: the answer.
func EvaluateSelfAssessmentWith(answers map[int]Answer, custody *CustodyCheck) SelfAssessmentResult {
	if custody == nil {
		return EvaluateSelfAssessment(answers)
	}
	own := make(map[int]Answer, len(answers)+1)
	for k, v := range answers {
		own[k] = v
	}
	own[CustodyItemNo] = AnswerYes
	r := EvaluateSelfAssessment(own)
	if !custody.Evaluated {
		it, _ := SelfAssessmentItemByNo(CustodyItemNo)
		v := Violation{it, fmt.Sprintf("第 %d 项「%s」按存管银行名录判定为不符合：%s。依据%s，%s，不能以自评作答消除；请更换为已通过测评的存管银行并更新机构档案。",
			it.No, it.Title, custody.Text(), it.Rule, it.Consequence)}
		// keep the items' order
		at := len(r.Violations)
		for i, x := range r.Violations {
			if x.Item.No > CustodyItemNo {
				at = i
				break
			}
		}
		r.Violations = append(r.Violations[:at], append([]Violation{v}, r.Violations[at:]...)...)
	}
	return r
}

// RelationshipStatus is the bank's decision on a platform naming it.
type RelationshipStatus string

const (
	RelationshipPending   RelationshipStatus = ""
	RelationshipConfirmed RelationshipStatus = "confirmed"
	RelationshipDeclined  RelationshipStatus = "declined"
)

// Label is the status in Chinese.
func (s RelationshipStatus) Label() string {
	switch s {
	case RelationshipConfirmed:
		return "已确认存管关系"
	case RelationshipDeclined:
		return "已否认存管关系"
	}
	return "待确认"
}

// MaxRelationshipNote bounds the note of a decision.
const MaxRelationshipNote = 500

// ValidateRelationshipDecision checks the bank's decision: declining needs a reason.
func ValidateRelationshipDecision(d RelationshipStatus, note string) error {
	note = strings.TrimSpace(note)
	switch {
	case d != RelationshipConfirmed && d != RelationshipDeclined:
		return FieldErrorf("decision", EInvalid, "请选择确认或否认存管关系")
	case d == RelationshipDeclined && note == "":
		return FieldErrorf("note", EInvalid, "否认存管关系时请说明理由，例如“未与本行签订存管协议”")
	case LongerThan(note, MaxRelationshipNote):
		return FieldErrorf("note", EInvalid, "说明不超过 %d 字", MaxRelationshipNote)
	}
	return nil
}

// BankStatementFields are the statement's items, in the form's and the template's order.
var BankStatementFields = []struct{ Key, Label string }{
	{"lender_funds", "出借人资金余额（元）"},
	{"repayment_flows", "借款人还款账户流水（元）"},
	{"risk_reserve", "一般风险准备金账户余额（元）"},
	{"compensation_balance", "出借人风险补偿金账户余额（元）"},
}

// MaxStatementNote bounds a statement's note.
const MaxStatementNote = 500

// ParseBankStatement reads a statement as typed (the form, a template or the API): the
// period and the four amounts in 元. It returns the errors by field; none means ok.
func ParseBankStatement(typed map[string]string) (BankStatement, map[string]string) {
	errs := map[string]string{}
	var s BankStatement
	if p, err := ParsePeriod(typed["period"]); err != nil {
		errs["period"] = ErrorMessage(err)
	} else {
		s.Period = p
	}
	dst := map[string]*Money{"lender_funds": &s.LenderFunds, "repayment_flows": &s.RepaymentFlows,
		"risk_reserve": &s.RiskReserve, "compensation_balance": &s.CompensationBalance}
	for _, f := range BankStatementFields {
		v := strings.TrimSpace(typed[f.Key])
		if v == "" {
			errs[f.Key] = "请填写" + strings.TrimSuffix(f.Label, "（元）")
			continue
		}
		m, err := ParseYuan(v)
		if err != nil {
			errs[f.Key] = strings.TrimSuffix(f.Label, "（元）") + "：" + ErrorMessage(err)
			continue
		}
		*dst[f.Key] = m
	}
	if LongerThan(typed["note"], MaxStatementNote) {
		errs["note"] = fmt.Sprintf("说明不超过 %d 字", MaxStatementNote)
	}
	return s, errs
}

// ValidateStatementPeriod refuses a month that has not ended by today.
func ValidateStatementPeriod(p Period, today Date) error {
	if !p.MonthEnd().Before(today) {
		return FieldErrorf("period", EInvalid, "%s 尚未结束，对账单须在月末之后报送", p)
	}
	return nil
}

// BankFlag is one difference between the bank's statement and what it is compared with.
type BankFlag struct {
	Item     string // 一般风险准备金 …
	Against  string // 机构申报 / 按借贷余额计提要求
	Expected Money
	Bank     Money
}

// Text is the flag in Chinese.
func (f BankFlag) Text() string {
	if f.Against == "按借贷余额计提要求" {
		return fmt.Sprintf("%s账户余额 %s 元，低于%s %s 元", f.Item, f.Bank, f.Against, f.Expected)
	}
	return fmt.Sprintf("%s申报 %s 元，银行 %s 元", f.Item, f.Expected, f.Bank)
}

// CompareBankStatement compares the bank's statement with the platform's declared
// figures of the same month (both reserve accounts, BankDifferences) and with the reserve
// requirements computed from the declared balance (seeds/001 二(三)(四): 1% / 3% and 3% /
// 6% by operating class): a difference beyond the tolerance is a flag. A difference of
// exactly the tolerance is within it. The lender funds and repayment flows have no declared
// counterpart in the monthly report (seeds/003 §8), so they are kept and shown, not compared.
func CompareBankStatement(declared MonthlyFigures, class OperatingClass, bank BankStatement, tolerance Money) []BankFlag {
	var out []BankFlag
	decl := func(item string, d, b Money) {
		if x := d - b; x > tolerance || -x > tolerance {
			out = append(out, BankFlag{item, "机构申报", d, b})
		}
	}
	decl("一般风险准备金", declared.RiskReserveBalance, bank.RiskReserve)
	decl("出借人风险补偿金", declared.CompensationBalance, bank.CompensationBalance)
	if th, ok := filingThresholdsByClass[class]; ok {
		need := func(item string, share Ratio, b Money) {
			if n := declared.Balance.PortionUp(share); n-b > tolerance {
				out = append(out, BankFlag{item, "按借贷余额计提要求", n, b})
			}
		}
		need("一般风险准备金", th.reserve, bank.RiskReserve)
		need("出借人风险补偿金", th.compensation, bank.CompensationBalance)
	}
	return out
}

// BankFlagsText joins the flags for a warning's detail.
func BankFlagsText(fs []BankFlag) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Text()
	}
	return strings.Join(parts, "；")
}
