package models

import (
	"strings"
	"testing"
)

func TestOverdue90Boundary(t *testing.T) {
	asOf := d(t, "2026-09-30")
	// By hand: 07-02 → 09-30 is 29 (July) + 31 + 30 = 90 days.
	cases := []struct {
		rs          RuleSetID
		firstMissed string
		days        int
		counts      bool
		why         string
	}{
		{RuleSetNational, "2026-07-03", 89, false, "003 att. 2.4.13: 89 days"},
		{RuleSetNational, "2026-07-02", 90, false, "003 att. 2.4.13 “90天(不含)”: 90 days excluded"},
		{RuleSetNational, "2026-07-01", 91, true, "003 att. 2.4.13: 91 days"},
		{RuleSetShanghai, "2026-07-03", 89, false, "002 table: 89 days"},
		{RuleSetShanghai, "2026-07-02", 90, true, "002 table “90天以上(含)”: 90 days included"},
		{RuleSetShanghai, "2026-07-01", 91, true, "002 table: 91 days"},
	}
	for _, c := range cases {
		l := Loan{LoanID: "L1", Outstanding: 50_000 * OneYuan, FirstMissed: d(t, c.firstMissed), DueDate: d(t, "2027-01-01")}
		if got := DaysOverdue(l, asOf); got != c.days {
			t.Errorf("%s: DaysOverdue = %d, want %d", c.why, got, c.days)
		}
		p, counts := Overdue90(c.rs, l, asOf)
		want := Money(0)
		if c.counts {
			want = 50_000 * OneYuan
		}
		if counts != c.counts || p != want {
			t.Errorf("%s: Overdue90 = %v, %v; want %v, %v", c.why, p, counts, want, c.counts)
		}
	}
}

func TestOverdue90InstalmentAndCompensation(t *testing.T) {
	asOf := d(t, "2026-09-30")
	inst := Loan{Instalment: true, Amount: 120_000 * OneYuan, Outstanding: 60_000 * OneYuan,
		FirstMissed: d(t, "2026-07-02"), DueDate: d(t, "2027-06-30")}
	// 002 table (5): the first missed instalment is 90 days old: all 60,000 unpaid
	// principal counts, not only the instalments already due.
	if p, ok := Overdue90(RuleSetShanghai, inst, asOf); !ok || p != 60_000*OneYuan {
		t.Errorf("Shanghai instalment: %v %v", p, ok)
	}
	if _, ok := Overdue90(RuleSetNational, inst, asOf); ok {
		t.Errorf("national: 90 days is not above 90 (003 att. 2.4.13)")
	}
	inst.FirstMissed = d(t, "2026-07-01")
	if p, ok := Overdue90(RuleSetNational, inst, asOf); !ok || p != 60_000*OneYuan {
		t.Errorf("national 91 days: the loan's principal balance (003 att. 2.4.13): %v %v", p, ok)
	}

	comp := Loan{Outstanding: 100_000 * OneYuan, Compensated: 30_000 * OneYuan, FirstMissed: d(t, "2026-06-01")}
	if p, ok := Overdue90(RuleSetShanghai, comp, asOf); !ok || p != 70_000*OneYuan {
		t.Errorf("002 table (4): compensated 30,000 deducted from 100,000: %v %v", p, ok)
	}
	if p, ok := Overdue90(RuleSetNational, comp, asOf); !ok || p != 100_000*OneYuan {
		t.Errorf("003 att. 2.4.13 principal balance, no deduction: %v %v", p, ok)
	}
	comp.Compensated = 100_000 * OneYuan
	if p, ok := Overdue90(RuleSetShanghai, comp, asOf); ok || p != 0 {
		t.Errorf("002: fully compensated loan does not count: %v %v", p, ok)
	}
}

func TestLoanBalance(t *testing.T) {
	l := Loan{Outstanding: 100_000 * OneYuan, Compensated: 30_000 * OneYuan}
	if got := LoanBalance(RuleSetNational, l); got != 100_000*OneYuan {
		t.Errorf("003 att. 2.4.3 total balance: %v", got)
	}
	if got := LoanBalance(RuleSetShanghai, l); got != 70_000*OneYuan {
		t.Errorf("002 table 交易余额 应扣除代偿: %v", got)
	}
	l.Compensated = 120_000 * OneYuan
	if got := LoanBalance(RuleSetShanghai, l); got != 0 {
		t.Errorf("never negative: %v", got)
	}
}

func TestOverdue(t *testing.T) {
	asOf := d(t, "2026-09-30")
	cases := []struct {
		name string
		l    Loan
		want Money
		ok   bool
		days int
	}{
		{"missed today: the day runs to 24:00 (003 att. 2.4.11)", Loan{Outstanding: 1000, FirstMissed: asOf}, 0, false, 0},
		{"missed yesterday: 1 day", Loan{Outstanding: 1000, FirstMissed: d(t, "2026-09-29")}, 1000, true, 1},
		{"bullet loan past its due date without a recorded miss", Loan{Outstanding: 1000, DueDate: d(t, "2026-06-30")}, 1000, true, 92},
		{"due date ahead, nothing missed", Loan{Outstanding: 1000, DueDate: d(t, "2026-12-31")}, 0, false, 0},
		{"repaid loan past its due date", Loan{Outstanding: 0, DueDate: d(t, "2026-06-30")}, 0, false, 0},
	}
	for _, c := range cases {
		p, ok := Overdue(c.l, asOf)
		if p != c.want || ok != c.ok || DaysOverdue(c.l, asOf) != c.days {
			t.Errorf("%s: %v %v %d", c.name, p, ok, DaysOverdue(c.l, asOf))
		}
	}
	// The bullet loan above is 92 days overdue: M90+ in both sets.
	if _, ok := Overdue90(RuleSetNational, cases[2].l, asOf); !ok {
		t.Errorf("bullet loan 92 days overdue not M90+")
	}
}

func TestBorrowerCaps(t *testing.T) {
	// seeds/000 十, plan 1 五(三): natural person ≤ 200,000 元, legal person or other ≤
	// 1,000,000 元; 不超过 includes the cap itself.
	cases := []struct {
		t     BorrowerType
		total string
		viol  bool
	}{
		{BorrowerNatural, "200000.00", false},
		{BorrowerNatural, "200000.01", true},
		{BorrowerNatural, "1000000", true},
		{BorrowerLegal, "1000000.00", false},
		{BorrowerLegal, "1000000.01", true},
		{BorrowerOther, "1000000.00", false},
		{BorrowerOther, "1000000.01", true},
		{BorrowerOther, "200000.01", false},
	}
	for _, c := range cases {
		if got := CapViolation(c.t, yuanOf(t, c.total)); got != c.viol {
			t.Errorf("%s %s: violation %v, want %v", c.t.Label(), c.total, got, c.viol)
		}
	}
	if BorrowerCap(BorrowerNatural) != yuanOf(t, "200000") || BorrowerCap(BorrowerLegal) != yuanOf(t, "1000000") || BorrowerCap("x") != 0 {
		t.Errorf("caps: %v %v", BorrowerCap(BorrowerNatural), BorrowerCap(BorrowerLegal))
	}
	if CapViolation("x", yuanOf(t, "99999999")) {
		t.Errorf("unknown type has no cap")
	}
}

func TestParseBorrowerType(t *testing.T) {
	for in, want := range map[string]BorrowerType{"自然人": BorrowerNatural, " 个人 ": BorrowerNatural, "法人": BorrowerLegal,
		"企业": BorrowerLegal, "其他组织": BorrowerOther, "其它组织": BorrowerOther, "legal": BorrowerLegal} {
		if got, err := ParseBorrowerType(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "个体户", "natural person"} {
		if _, err := ParseBorrowerType(bad); ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), "第九条(一)") {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
}

func FuzzParseBorrowerType(f *testing.F) {
	for _, s := range []string{"自然人", "法人", "其他组织", "", " 企业法人", "\xff\xfe", strings.Repeat("人", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bt, err := ParseBorrowerType(s)
		if err != nil {
			if bt != "" || len([]rune(ErrorMessage(err))) > 200 {
				t.Fatalf("%q: %q %v", s, bt, err)
			}
			return
		}
		if BorrowerCap(bt) == 0 {
			t.Fatalf("%q parsed to %q without a cap", s, bt)
		}
		if again, err := ParseBorrowerType(bt.Label()); err != nil || again != bt {
			t.Fatalf("label %q does not parse back: %v", bt.Label(), err)
		}
	})
}
