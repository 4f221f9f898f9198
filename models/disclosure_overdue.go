package models

import "strings"

// Loan-level rules: overdue, overdue 90 days under each rule set, single-borrower caps.

// OverdueSince is the day from which l is overdue: its first missed instalment or
// repayment, or, when none is recorded, its final due date if principal is still unpaid
// after it. Zero when l is not overdue by asOf.
func OverdueSince(l Loan, asOf Date) Date {
	start := l.FirstMissed
	if start.IsZero() && l.Outstanding > 0 && !l.DueDate.IsZero() {
		start = l.DueDate
	}
	if start.IsZero() || !asOf.After(start) {
		return Date{}
	}
	return start
}

// DaysOverdue counts the days l is overdue at the end of asOf: a repayment due on D and
// not received is 1 day overdue at the end of D+1 (the due day runs to 24:00). 0 when not
// overdue.
func DaysOverdue(l Loan, asOf Date) int {
	s := OverdueSince(l, asOf)
	if s.IsZero() {
		return 0
	}
	return asOf.Sub(s)
}

// Overdue is l's part of 逾期金额 and 逾期笔数 (003 attachment 2.4.11–2.4.12): a loan
// with a repayment due and not received. The amount is its unpaid principal; interest is
// not in the loan book.
func Overdue(l Loan, asOf Date) (principal Money, counts bool) {
	if DaysOverdue(l, asOf) < 1 || l.Outstanding <= 0 {
		return 0, false
	}
	return l.Outstanding, true
}

// Overdue90 is l's part of the overdue-90-days amount and count under rule set rs:
//   - national: overdue more than 90 days, 90 itself excluded ("逾期90天(不含)以上的借款
//     本金余额", 003 attachment 2.4.13–2.4.14); the loan's principal balance;
//   - Shanghai: 90 days or more ("逾期90天以上(含)"); for an instalment loan whose first
//     missed payment is 90 days or more old, all its unpaid principal; principal only,
//     and the amount compensated by a third party or the platform is deducted (002
//     attachment table, 交易逾期情况 (1)(4)(5)).
//
// A loan whose principal is nil after deduction does not count.
func Overdue90(rs RuleSetID, l Loan, asOf Date) (principal Money, counts bool) {
	r := DisclosureRules(rs)
	days := DaysOverdue(l, asOf)
	if days < 90 || (days == 90 && !r.Overdue90Inclusive) {
		return 0, false
	}
	p := l.Outstanding
	if r.DeductCompensated && l.Compensated > 0 {
		p -= l.Compensated
	}
	if p <= 0 {
		return 0, false
	}
	return p, true
}

// LoanBalance is l's part of the balance (借贷余额) under rs: its unpaid principal;
// under Shanghai less what was compensated, never below nil (DisclosureRuleSet.BalanceClause).
func LoanBalance(rs RuleSetID, l Loan) Money {
	b := l.Outstanding
	if DisclosureRules(rs).BalanceDeductsCompensated && l.Compensated > 0 {
		b -= l.Compensated
	}
	if b < 0 {
		return 0
	}
	return b
}

// Single-borrower caps (seeds/000 十; plan 1 五(三)): "借款人为自然人的，上限原则上不超过
// 人民币20万元；借款人为法人或其他组织的，上限原则上不超过人民币100万元". 不超过 includes
// the figure itself.
const (
	NaturalPersonCap  = 200_000 * OneYuan
	LegalPersonCap    = 1_000_000 * OneYuan
	BorrowerCapClause = citeMicroLoan + "十；" + citeAcceptancePlan + "五(三)"
)

// BorrowerCap is the cap on a borrower's total outstanding balance on the platform; 0 for
// an unknown type (ParseBorrowerType refuses those before).
func BorrowerCap(t BorrowerType) Money {
	switch t {
	case BorrowerNatural:
		return NaturalPersonCap
	case BorrowerLegal, BorrowerOther:
		return LegalPersonCap
	}
	return 0
}

// CapViolation reports whether a borrower's total outstanding balance on the platform,
// all its loans together, is above its cap.
func CapViolation(t BorrowerType, totalOutstanding Money) bool {
	c := BorrowerCap(t)
	return c > 0 && totalOutstanding > c
}

// ParseBorrowerType reads 借款人主体性质 as a loan book writes it: 自然人 / 法人 / 其他组织
// (also 个人, 企业, 企业法人, and the English keys).
func ParseBorrowerType(s string) (BorrowerType, error) {
	switch strings.TrimSpace(s) {
	case "自然人", "个人", string(BorrowerNatural):
		return BorrowerNatural, nil
	case "法人", "企业", "企业法人", "公司", string(BorrowerLegal):
		return BorrowerLegal, nil
	case "其他组织", "其它组织", string(BorrowerOther):
		return BorrowerOther, nil
	}
	return "", Errorf(EInvalid, "借款人主体性质「%s」无效，应为自然人、法人或其他组织（%s第九条(一)）", truncateRunes(strings.TrimSpace(s), 20), citeNationalDisclosure)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
