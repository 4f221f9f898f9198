package models

import "fmt"

// Cross-checks of one month's figures (SPEC §5 "Figures that contradict each other are
// rejected"): each refusal belongs to a form field (MonthlyFigureFields keys), names both
// fields and cites the definitions it rests on.

const (
	citeDefs = citeNationalDisclosure + "附件"
)

func fieldLabel(key string) string {
	if f, ok := MonthlyFigureFieldOf(key); ok {
		return f.Label
	}
	return key
}

// CheckMonthlyFigures refuses contradictions within cur, and between cur and prev, an
// earlier month's accepted figures of the same institution (nil when there is none). The
// result is empty when the figures hold together.
func CheckMonthlyFigures(cur MonthlyFigures, prev *MonthlyFigures) []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{Field: field, Err: Errorf(EInvalid, format, args...)})
	}
	if !cur.Period.Valid() {
		add("period", "报告期无效，应写作“年-月”，例如 2026-11")
	}
	val := func(key string) int64 {
		f, _ := MonthlyFigureFieldOf(key)
		return f.Value(cur)
	}
	show := func(key string, v int64) string {
		f, _ := MonthlyFigureFieldOf(key)
		return f.Format(v)
	}

	// Signs and shares.
	negative := map[string]bool{}
	for _, f := range MonthlyFigureFields {
		v := f.Value(cur)
		if v < 0 {
			negative[f.Key] = true
			add(f.Key, "%s不能为负数，收到 %s（%s）", f.Label, f.Format(v), f.Clause)
		} else if f.Kind == FigureShare && v > int64(Hundred) {
			add(f.Key, "%s为 %s，不能超过 100%%（%s）", f.Label, f.Format(v), f.Clause)
		}
	}

	// not-above: a ≤ b, with the clause that makes a part of b.
	notAbove := func(a, b, why, clause string) {
		if negative[a] || negative[b] {
			return
		}
		if va, vb := val(a), val(b); va > vb {
			add(a, "%s（%s）不能大于%s（%s）：%s（%s）", fieldLabel(a), show(a, va), fieldLabel(b), show(b, vb), why, clause)
		}
	}
	notAbove("balance", "cumulative_amount", "借贷余额是累计撮合借款中尚未偿还的部分", citeDefs+"2.4.1、2.4.3")
	notAbove("balance_count", "cumulative_count", "有余额的借款都是累计撮合的借款", citeDefs+"2.4.2、2.4.3")
	notAbove("current_lenders", "cumulative_lenders", "当期出借人都是累计出借人", citeDefs+"2.4.5、2.4.7")
	notAbove("current_borrowers", "cumulative_borrowers", "当期借款人都是累计借款人", citeDefs+"2.4.4、2.4.6")
	notAbove("cumulative_borrowers", "cumulative_count", "每位借款人至少借款一笔，同一借款人只计一次", citeDefs+"2.4.2、2.4.4")
	notAbove("current_borrowers", "balance_count", "每位当期借款人至少有一笔待还借款", citeDefs+"2.4.6")
	notAbove("largest_borrower_share", "top10_share", "最大单一借款人属于前十大借款人", citeDefs+"2.4.8、2.4.9")
	notAbove("related_balance", "balance", "关联关系借款余额是借贷余额的一部分", citeDefs+"2.4.3、2.4.10")
	notAbove("related_count", "balance_count", "关联关系借款是有余额借款的一部分", citeDefs+"2.4.10")
	notAbove("overdue90_amount", "overdue_amount", "逾期90天以上的借款都是逾期借款", citeDefs+"2.4.11、2.4.13")
	notAbove("overdue90_count", "overdue_count", "逾期90天以上的借款都是逾期借款", citeDefs+"2.4.12、2.4.14")
	notAbove("overdue90_amount", "balance", "逾期90天以上金额是借款本金余额", citeDefs+"2.4.3、2.4.13")
	notAbove("overdue_count", "balance_count", "逾期借款都是尚未结清的借款", citeDefs+"2.4.3、2.4.12")

	// An amount and its count are zero together.
	pair := func(amount, count, clause string) {
		if negative[amount] || negative[count] {
			return
		}
		a, c := val(amount), val(count)
		switch {
		case a > 0 && c == 0:
			add(count, "%s为 %s，%s却为 0（%s）", fieldLabel(amount), show(amount, a), fieldLabel(count), clause)
		case a == 0 && c > 0:
			add(amount, "%s为 %s，%s却为 0（%s）", fieldLabel(count), show(count, c), fieldLabel(amount), clause)
		}
	}
	pair("cumulative_amount", "cumulative_count", n8("(一)"))
	pair("balance", "balance_count", n8("(二)"))
	pair("related_balance", "related_count", n8("(六)"))
	pair("overdue_amount", "overdue_count", n8("(七)"))
	pair("overdue90_amount", "overdue90_count", n8("(八)"))
	pair("compensation_amount", "compensation_count", n8("(九)"))
	// Outstanding loans have borrowers and lenders.
	if b := val("balance"); b > 0 && !negative["balance"] {
		for _, k := range []string{"current_borrowers", "current_lenders"} {
			if val(k) == 0 {
				add(k, "借贷余额为 %s，%s却为 0（%s）", show("balance", b), fieldLabel(k), citeDefs+"2.4.6、2.4.7")
			}
		}
		if val("top10_share") == 0 {
			add("top10_share", "借贷余额为 %s，%s却为 0（%s）", show("balance", b), fieldLabel("top10_share"), citeDefs+"2.4.8")
		}
	} else if b == 0 {
		for _, k := range []string{"top10_share", "largest_borrower_share"} {
			if v := val(k); v > 0 {
				add(k, "借贷余额为 0，%s不应为 %s（%s）", fieldLabel(k), show(k, v), citeDefs+"2.4.8、2.4.9")
			}
		}
	}
	// With ten borrowers or fewer, the top ten are all of them.
	if n := val("current_borrowers"); n > 0 && n <= 10 && val("balance") > 0 {
		if v := val("top10_share"); v != int64(Hundred) && v <= int64(Hundred) {
			add("top10_share", "当期借款人数量为 %d 人（不超过 10 人），%s应为 100%%，收到 %s（%s）", n, fieldLabel("top10_share"), show("top10_share", v), citeDefs+"2.4.8")
		}
	}

	// Pigeonhole bounds on the shares of n current borrowers: the largest holds at least
	// 1/n of the balance, the top ten at least 10/n, and the top ten together at most ten
	// times the largest. One basis point per share absorbs the rounding to 0.01%.
	if n, b := val("current_borrowers"), val("balance"); n > 10 && b > 0 {
		top, big := val("top10_share"), val("largest_borrower_share")
		if n < int64(Hundred) && big >= 0 && big <= int64(Hundred) && big*n < int64(Hundred)-n {
			add("largest_borrower_share", "当期借款人数量为 %d 人，最大单一借款人待还金额占比至少应为 1/%d（约 %s），收到 %s（%s）",
				n, n, Ratio(int64(Hundred)/n), show("largest_borrower_share", big), citeDefs+"2.4.6、2.4.9")
		}
		if n < 10*int64(Hundred) && top >= 0 && top <= int64(Hundred) && top*n < 10*int64(Hundred)-n {
			add("top10_share", "当期借款人数量为 %d 人，前十大借款人待还金额占比至少应为 10/%d（约 %s），收到 %s（%s）",
				n, n, Ratio(10*int64(Hundred)/n), show("top10_share", top), citeDefs+"2.4.6、2.4.8")
		}
		if big >= 0 && top <= int64(Hundred) && top > 10*big+10 {
			add("top10_share", "前十大借款人待还金额占比（%s）超过最大单一借款人待还金额占比（%s）的 10 倍：前十大借款人每户均不超过最大单一借款人（%s）",
				show("top10_share", top), show("largest_borrower_share", big), citeDefs+"2.4.8、2.4.9")
		}
	}

	if prev != nil && prev.Period.Valid() && prev.Period.Key() < cur.Period.Key() {
		out = append(out, checkAgainstPrevious(cur, *prev)...)
	}
	return out
}

func checkAgainstPrevious(cur, prev MonthlyFigures) []FieldError {
	var out []FieldError
	for _, f := range MonthlyFigureFields {
		if !f.Cumulative {
			continue
		}
		if c, p := f.Value(cur), f.Value(prev); c < p {
			out = append(out, FieldError{Field: f.Key, Err: Errorf(EInvalid,
				"%s（%s）少于 %s 报告的%s（%s）：累计数自成立以来只增不减（%s）",
				f.Label, f.Format(c), prev.Period, f.Label, f.Format(p), f.Clause)})
		}
	}
	// A balance grows only by new loans, which the cumulative figures count as well.
	growth := func(bal, cum string, clause string) {
		b, _ := MonthlyFigureFieldOf(bal)
		c, _ := MonthlyFigureFieldOf(cum)
		db, dc := b.Value(cur)-b.Value(prev), c.Value(cur)-c.Value(prev)
		if db > 0 && dc >= 0 && db > dc { // a fallen cumulative figure is refused above
			out = append(out, FieldError{Field: bal, Err: Errorf(EInvalid,
				"%s较 %s 增加 %s，超过同期%s的增加 %s：余额只能因新撮合的借款而增加（%s）",
				b.Label, prev.Period, b.Format(db), c.Label, c.Format(dc), clause)})
		}
	}
	growth("balance", "cumulative_amount", citeDefs+"2.4.1、2.4.3")
	growth("balance_count", "cumulative_count", citeDefs+"2.4.2、2.4.3")
	return out
}

// FieldErrorsText joins the messages for logs and tests.
func FieldErrorsText(errs []FieldError) string {
	s := ""
	for i, e := range errs {
		if i > 0 {
			s += "\n"
		}
		s += fmt.Sprintf("%s: %s", e.Field, e.Err.Message)
	}
	return s
}
