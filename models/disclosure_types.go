package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The shared vocabulary of disclosure supervision (issue 11): the rules that read these
// types live in disclosure_*.go files beside this one.

// RuleSetID names the disclosure guideline that binds an institution. The national one
// (seeds/003) is the default; a province or city may adopt the Shanghai one (seeds/002).
type RuleSetID string

const (
	RuleSetNational RuleSetID = "national" // 网络借贷信息中介机构业务活动信息披露指引 (seeds/003)
	RuleSetShanghai RuleSetID = "shanghai" // 上海市网络借贷信息中介机构业务活动信息披露指引 (seeds/002)
)

// Label is the Chinese name shown in the UI.
func (r RuleSetID) Label() string {
	switch r {
	case RuleSetNational:
		return "全国信息披露指引"
	case RuleSetShanghai:
		return "上海市信息披露指引"
	}
	return string(r)
}

// Period is a reporting month: the figures are as of its last day.
type Period struct {
	Year  int
	Month int // 1–12
}

func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, p.Month) }

// Valid says the period names a real month.
func (p Period) Valid() bool {
	return p.Year >= 2000 && p.Year <= 9999 && p.Month >= 1 && p.Month <= 12
}

// Key orders periods as an integer: 202611.
func (p Period) Key() int { return p.Year*100 + p.Month }

// Prev is the month before.
func (p Period) Prev() Period {
	if p.Month == 1 {
		return Period{p.Year - 1, 12}
	}
	return Period{p.Year, p.Month - 1}
}

// Next is the month after.
func (p Period) Next() Period {
	if p.Month == 12 {
		return Period{p.Year + 1, 1}
	}
	return Period{p.Year, p.Month + 1}
}

// MonthEnd is the as-of date of the figures.
func (p Period) MonthEnd() Date { return NewDate(p.Year, time.Month(p.Month)+1, 0) }

// PeriodOf is the period a date falls in.
func PeriodOf(d Date) Period { return Period{d.Year, int(d.Month)} }

// ParsePeriod reads "2026-11" (also "2026-1", "202611").
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	var y, m string
	if a, b, ok := strings.Cut(s, "-"); ok {
		y, m = a, b
	} else if len(s) == 6 {
		y, m = s[:4], s[4:]
	}
	yy, err1 := strconv.Atoi(y)
	mm, err2 := strconv.Atoi(m)
	p := Period{yy, mm}
	if err1 != nil || err2 != nil || len(y) != 4 || !p.Valid() {
		return Period{}, Errorf(EInvalid, "报告期应写作“年-月”，例如 2026-11")
	}
	return p, nil
}

// BorrowerType is the 借款人主体性质 of seeds/003 §9(一): it decides the single-borrower
// cap (seed 000 §十).
type BorrowerType string

const (
	BorrowerNatural BorrowerType = "natural" // 自然人
	BorrowerLegal   BorrowerType = "legal"   // 法人
	BorrowerOther   BorrowerType = "other"   // 其他组织
)

// Label is the Chinese name, as written in a loan book.
func (b BorrowerType) Label() string {
	switch b {
	case BorrowerNatural:
		return "自然人"
	case BorrowerLegal:
		return "法人"
	case BorrowerOther:
		return "其他组织"
	}
	return string(b)
}

// MonthlyFigures are the items of seeds/003 §8, as of a month end, plus the two balances
// the filing conditions of seeds/001 二(三)(四) are checked against. Counts are int64;
// amounts are Money (分); shares are Ratio (basis points, 100 = 1%).
type MonthlyFigures struct {
	Period Period

	CumulativeAmount Money // §8(一) 累计借贷金额
	CumulativeCount  int64 // §8(一) 累计借贷笔数
	Balance          Money // §8(二) 借贷余额
	BalanceCount     int64 // §8(二) 借贷余额笔数

	CumulativeLenders   int64 // §8(三) 累计出借人数量
	CumulativeBorrowers int64 // §8(三) 累计借款人数量
	CurrentLenders      int64 // §8(四) 当期出借人数量
	CurrentBorrowers    int64 // §8(四) 当期借款人数量

	Top10Share           Ratio // §8(五) 前十大借款人待还金额占比
	LargestBorrowerShare Ratio // §8(五) 最大单一借款人待还金额占比

	RelatedBalance Money // §8(六) 关联关系借款余额
	RelatedCount   int64 // §8(六) 关联关系借款笔数

	OverdueAmount   Money // §8(七) 逾期金额
	OverdueCount    int64 // §8(七) 逾期笔数
	Overdue90Amount Money // §8(八) 逾期90天以上金额, under the institution's rule set
	Overdue90Count  int64 // §8(八) 逾期90天以上笔数

	CompensationAmount Money // §8(九) 累计代偿金额
	CompensationCount  int64 // §8(九) 累计代偿笔数

	FeeSchedule string // §8(十) 收费标准

	RiskReserveBalance  Money // 一般风险准备金余额 (seeds/001 二(三))
	CompensationBalance Money // 出借人风险补偿金余额 (seeds/001 二(四))
}

// Loan is one row of a loan-level book (借款明细), as of the book's month end.
type Loan struct {
	LoanID       string
	BorrowerID   string
	BorrowerType BorrowerType
	Related      bool  // 关联关系借款
	Amount       Money // 借款金额
	Outstanding  Money // 待还本金
	Instalment   bool  // 分期还款
	// DueDate is the final due date; FirstMissed the first instalment or repayment not
	// paid (zero when none is missed). Days overdue count from FirstMissed.
	DueDate     Date
	FirstMissed Date
	Compensated Money // 已代偿金额: may be deducted from overdue principal (seeds/002 表)
}
