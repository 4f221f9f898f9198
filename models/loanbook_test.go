package models

import (
	"bytes"
	"strings"
	"testing"
)

type parsed struct {
	loans   []Loan
	refused []RefusedRow
	read    int64
	err     error
}

func parseBook(t testing.TB, body []byte, kind FileKind) parsed {
	t.Helper()
	var p parsed
	p.read, p.err = ParseLoanBook(bytes.NewReader(body), kind, NewDate(2026, 11, 30), LoanBookHandler{
		Loan:    func(_ int64, l Loan) error { p.loans = append(p.loans, l); return nil },
		Refused: func(r RefusedRow) error { p.refused = append(p.refused, r); return nil },
	})
	return p
}

const bookHeader = "借款编号,借款人编号,借款人类型,是否关联关系,借款金额（元）,待还本金（元）,是否分期,到期日,首次逾期日,已代偿金额（元）\n"

func TestParseLoanBookRows(t *testing.T) {
	cases := []struct {
		name, row string
		reason    string // "" for a good row
		want      Loan
	}{
		{"good", "L1,B1,自然人,否,1000.50,800,是,2027-01-31,,", "",
			Loan{LoanID: "L1", BorrowerID: "B1", BorrowerType: BorrowerNatural, Amount: 100050, Outstanding: 80000, Instalment: true, DueDate: NewDate(2027, 1, 31)}},
		{"overdue and compensated", "L2,B2,法人,是,2000,2000,否,2026/8/31,2026-08-31,100", "",
			Loan{LoanID: "L2", BorrowerID: "B2", BorrowerType: BorrowerLegal, Related: true, Amount: 200000, Outstanding: 200000, DueDate: NewDate(2026, 8, 31), FirstMissed: NewDate(2026, 8, 31), Compensated: 10000}},
		{"serial date", "L3,B3,其他组织,,1,0,,46387,,", "",
			Loan{LoanID: "L3", BorrowerID: "B3", BorrowerType: BorrowerOther, Amount: 100, DueDate: NewDate(2026, 12, 31)}},
		{"bad amount", "L4,B4,自然人,否,12.345,1,否,2027-01-31,,", "借款金额「12.345」不是有效金额", Loan{}},
		{"zero amount", "L4,B4,自然人,否,0,0,否,2027-01-31,,", "借款金额应大于 0", Loan{}},
		{"unknown type", "L5,B5,合伙人,否,100,1,否,2027-01-31,,", "借款人主体性质「合伙人」无效", Loan{}},
		{"outstanding over amount", "L6,B6,自然人,否,100,100.01,否,2027-01-31,,", "待还本金 100.01 元大于借款金额 100.00 元", Loan{}},
		{"bad flag", "L7,B7,自然人,也许,100,1,否,2027-01-31,,", "是否关联关系「也许」应为 是 或 否", Loan{}},
		{"bad date", "L8,B8,自然人,否,100,1,否,2027-02-30,,", "到期日「2027-02-30」格式不正确", Loan{}},
		{"missed after as-of", "L9,B9,自然人,否,100,1,否,2027-02-01,2026-12-01,", "首次逾期日 2026-12-01 晚于报告期末 2026-11-30", Loan{}},
		{"empty id", ",B9,自然人,否,100,1,否,2027-02-01,,", "「借款编号」为空", Loan{}},
		{"compensated over amount", "L10,B9,自然人,否,100,1,否,2027-02-01,,101", "已代偿金额 101.00 元大于借款金额 100.00 元", Loan{}},
		{"long id", strings.Repeat("x", 65) + ",B9,自然人,否,100,1,否,2027-02-01,,", "借款编号超过 64 个字符", Loan{}},
		{"short row", "L11,B9", "「借款人类型」为空", Loan{}},
		{"control character", "\"L\tX\",B9,自然人,否,100,1,否,2027-02-01,,", "含有控制字符", Loan{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := parseBook(t, []byte(bookHeader+c.row+"\n"), KindCSV)
			if p.err != nil || p.read != 1 {
				t.Fatalf("read %d, err %v", p.read, p.err)
			}
			if c.reason == "" {
				if len(p.loans) != 1 || p.loans[0] != c.want {
					t.Fatalf("got %+v refused %+v, want %+v", p.loans, p.refused, c.want)
				}
				return
			}
			if len(p.refused) != 1 || !strings.Contains(p.refused[0].Reason, c.reason) || p.refused[0].Row != 2 {
				t.Fatalf("refused %+v, want reason %q at row 2", p.refused, c.reason)
			}
		})
	}
}

func TestParseLoanBookFile(t *testing.T) {
	// Columns in another order, a blank line, a unit in half-width brackets, a bare quote.
	body := "\uFEFF借款人编号,借款编号,借款人类型,是否关联关系,借款金额(元),待还本金,是否分期,到期日,首次逾期日,已代偿金额\n" +
		"B1,L1,自然人,否,10,5,否,2027-01-01,,\n\n" +
		"B1,L\"2,自然人,否,10,5,否,2027-01-01,,\n" +
		"B2,L3,法人,否,10,5,否,2027-01-01,,\n"
	p := parseBook(t, []byte(body), KindCSV)
	if p.err != nil || p.read != 3 || len(p.loans) != 3 || p.loans[0].LoanID != "L1" || p.loans[0].BorrowerID != "B1" || p.loans[1].LoanID != "L\"2" {
		t.Fatalf("%+v", p)
	}
	if p := parseBook(t, []byte("借款编号,借款人编号\nL1,B1\n"), KindCSV); p.err == nil || !strings.Contains(p.err.Error(), "缺少") || !strings.Contains(p.err.Error(), "「借款人类型」") {
		t.Fatalf("missing columns: %v", p.err)
	}
	if p := parseBook(t, []byte("\n\n"), KindCSV); p.err == nil || ErrorCode(p.err) != EInvalid {
		t.Fatalf("empty: %v", p.err)
	}
	if p := parseBook(t, []byte("PK\x03\x04junk"), KindXLSX); p.err == nil || ErrorCode(p.err) != EInvalid {
		t.Fatalf("damaged xlsx: %v", p.err)
	}
}

func TestParseLoanBookGBK(t *testing.T) {
	// "借款编号,…" saved by Excel as GBK CSV.
	var b bytes.Buffer
	if err := WriteLoanBookCSV(&b, LoanSlice([]Loan{LoanBookExample})); err != nil {
		t.Fatal(err)
	}
	gbk, err := encodeGB18030(strings.TrimPrefix(b.String(), "\uFEFF"))
	if err != nil {
		t.Fatal(err)
	}
	p := parseBook(t, gbk, KindCSV)
	if p.err != nil || len(p.loans) != 1 || p.loans[0] != LoanBookExample {
		t.Fatalf("%+v", p)
	}
}

func TestLoanBookRoundTrip(t *testing.T) {
	loans := sampleLoans(50)
	for _, kind := range []FileKind{KindCSV, KindXLSX} {
		var b bytes.Buffer
		write := WriteLoanBookCSV
		if kind == KindXLSX {
			write = WriteLoanBookXLSX
		}
		if err := write(&b, LoanSlice(loans)); err != nil {
			t.Fatal(err)
		}
		p := parseBook(t, b.Bytes(), kind)
		if p.err != nil || len(p.refused) != 0 || len(p.loans) != len(loans) {
			t.Fatalf("%s: read %d refused %+v err %v", kind, p.read, p.refused, p.err)
		}
		for i := range loans {
			if p.loans[i] != loans[i] {
				t.Fatalf("%s row %d: %+v, want %+v", kind, i, p.loans[i], loans[i])
			}
		}
	}
}

// sampleLoans are varied valid loans.
func sampleLoans(n int) []Loan {
	types := []BorrowerType{BorrowerNatural, BorrowerLegal, BorrowerOther}
	out := make([]Loan, n)
	for i := range out {
		l := Loan{LoanID: "L" + itoa(i), BorrowerID: "B" + itoa(i%7), BorrowerType: types[i%7%3], Related: i%5 == 0,
			Amount: Money(100_000 + i*1234), Instalment: i%2 == 0, DueDate: NewDate(2026, 12, 31).AddDays(i)}
		l.Outstanding = l.Amount / Money(1+i%3)
		if i%4 == 0 {
			l.FirstMissed = NewDate(2026, 11, 30).AddDays(-i * 3)
			l.Compensated = l.Outstanding / 10
		}
		out[i] = l
	}
	return out
}

func TestCheckUploadContentCSV(t *testing.T) {
	csv := []byte(bookHeader + "L1,B1,自然人,否,10,5,否,2027-01-01,,\n")
	if k, err := CheckUploadContent("借款明细.csv", bytes.NewReader(csv), int64(len(csv)), LoanBookKinds); err != nil || k != KindCSV {
		t.Fatalf("csv: %v %v", k, err)
	}
	if _, err := CheckUploadContent("借款明细.csv", bytes.NewReader(csv), int64(len(csv)), []FileKind{KindPDF}); err == nil {
		t.Fatal("a text file passed as a material")
	}
	bin := []byte("a,b\x00c\n")
	if _, err := CheckUploadContent("x.csv", bytes.NewReader(bin), int64(len(bin)), LoanBookKinds); err == nil {
		t.Fatal("binary passed as CSV")
	}
}

// The fast path of amounts agrees with ParseYuan on what it takes.
func TestPlainYuanAgreesWithParseYuan(t *testing.T) {
	for _, s := range []string{"0", "1", "12.3", "12.34", "000123.40", "999999999999999.99", "1.", ".5", "1.234", "1,000", "１２", "-1", "1e3", ""} {
		m, ok := plainYuan(s)
		want, err := ParseYuan(s)
		if ok && (err != nil || m != want) {
			t.Errorf("%q: fast %v, ParseYuan %v %v", s, m, want, err)
		}
	}
}
