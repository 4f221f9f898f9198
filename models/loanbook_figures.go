package models

import "sort"

// LoanBookResult is what a loan book shows of its month: the seeds/003 §8 figures it
// determines (LoanBookFieldKeys, plus the cumulative and compensation items of a book
// that lists every loan since the platform began) and the borrowers above their cap.
type LoanBookResult struct {
	Figures        MonthlyFigures
	Top10Balance   Money
	LargestBalance Money
	Violations     []CapBreach
}

// CapBreach is one borrower whose total outstanding balance on the platform is above the
// cap of seeds/000 十 and plan 1 五(三).
type CapBreach struct {
	BorrowerID string
	Type       BorrowerType
	Total      Money
	Cap        Money
	Loans      int64
}

// BorrowerTypeOf is the type a borrower is held to when its loans disagree: the one with
// the lowest cap (a natural person is never let off as an organisation), then legal
// before other.
func BorrowerTypeOf(types ...BorrowerType) BorrowerType {
	best := BorrowerType("")
	rank := map[BorrowerType]int{BorrowerNatural: 3, BorrowerLegal: 2, BorrowerOther: 1}
	for _, t := range types {
		if rank[t] > rank[best] {
			best = t
		}
	}
	return best
}

// LoanBookFigures computes the result from loans, one by one, with the loan-level rules
// (Overdue, Overdue90, CapViolation). It is the reference: the store computes the same in
// SQL over millions of rows, and its tests hold the two equal.
func LoanBookFigures(rs RuleSetID, p Period, loans []Loan) LoanBookResult {
	asOf := p.MonthEnd()
	f := MonthlyFigures{Period: p}
	type borrower struct {
		balance Money
		types   []BorrowerType
		loans   int64
	}
	bs := map[string]*borrower{}
	for _, l := range loans {
		f.CumulativeAmount += l.Amount
		f.CumulativeCount++
		b := bs[l.BorrowerID]
		if b == nil {
			b = &borrower{}
			bs[l.BorrowerID] = b
		}
		b.types = append(b.types, l.BorrowerType)
		if l.Outstanding > 0 {
			f.Balance += l.Outstanding
			f.BalanceCount++
			b.balance += l.Outstanding
			b.loans++
			if l.Related {
				f.RelatedBalance += l.Outstanding
				f.RelatedCount++
			}
		}
		if a, ok := Overdue(l, asOf); ok {
			f.OverdueAmount += a
			f.OverdueCount++
		}
		if a, ok := Overdue90(rs, l, asOf); ok {
			f.Overdue90Amount += a
			f.Overdue90Count++
		}
		if l.Compensated > 0 {
			f.CompensationAmount += l.Compensated
			f.CompensationCount++
		}
	}
	r := LoanBookResult{}
	balances := make([]Money, 0, len(bs))
	for id, b := range bs {
		f.CumulativeBorrowers++
		if b.balance > 0 {
			f.CurrentBorrowers++
			balances = append(balances, b.balance)
		}
		t := BorrowerTypeOf(b.types...)
		if CapViolation(t, b.balance) {
			r.Violations = append(r.Violations, CapBreach{BorrowerID: id, Type: t, Total: b.balance, Cap: BorrowerCap(t), Loans: b.loans})
		}
	}
	sort.Slice(balances, func(i, j int) bool { return balances[i] > balances[j] })
	for i, b := range balances {
		if i < 10 {
			r.Top10Balance += b
		}
	}
	if len(balances) > 0 {
		r.LargestBalance = balances[0]
	}
	f.Top10Share = RatioOf(r.Top10Balance, f.Balance)
	f.LargestBorrowerShare = RatioOf(r.LargestBalance, f.Balance)
	sort.Slice(r.Violations, func(i, j int) bool { return r.Violations[i].BorrowerID < r.Violations[j].BorrowerID })
	r.Figures = f
	return r
}
