package models

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func itoa(i int) string { return strconv.Itoa(i) }

func encodeGB18030(s string) ([]byte, error) {
	return simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
}

// checkParsed holds for any input: a coded error or none, every loan valid, every refusal
// with a reason and a row after the header, counts that add up.
func checkParsed(t *testing.T, p parsed) {
	if p.err != nil && ErrorCode(p.err) != EInvalid {
		t.Fatalf("uncoded error %v", p.err)
	}
	if int64(len(p.loans)+len(p.refused)) != p.read {
		t.Fatalf("read %d, loans %d, refused %d", p.read, len(p.loans), len(p.refused))
	}
	for _, l := range p.loans {
		if l.LoanID == "" || l.BorrowerID == "" || l.Amount <= 0 || l.Outstanding < 0 || l.Outstanding > l.Amount ||
			l.Compensated < 0 || l.Compensated > l.Amount || l.BorrowerType.Label() == string(l.BorrowerType) ||
			!utf8.ValidString(l.LoanID) || !utf8.ValidString(l.BorrowerID) || l.DueDate.IsZero() ||
			strings.ContainsFunc(l.LoanID+l.BorrowerID, isControl) ||
			l.FirstMissed.After(NewDate(2026, 11, 30)) {
			t.Fatalf("invalid loan passed: %+v", l)
		}
	}
	for _, r := range p.refused {
		if r.Reason == "" || r.Row < 2 || !utf8.ValidString(r.LoanID) || utf8.RuneCountInString(r.LoanID) > MaxLoanIDRunes+1 {
			t.Fatalf("bad refusal %+v", r)
		}
	}
}

func bookSeeds(f *testing.F, kind FileKind) {
	write := WriteLoanBookCSV
	if kind == KindXLSX {
		write = WriteLoanBookXLSX
	}
	for _, loans := range [][]Loan{nil, {LoanBookExample}, sampleLoans(20)} {
		var b bytes.Buffer
		if err := write(&b, LoanSlice(loans)); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	if kind == KindCSV {
		f.Add([]byte(bookHeader + "L1,B1,自然人,否,10,20,否,2027-01-01,,\nL\"2,B1\n\"unterminated"))
		f.Add([]byte(bookHeader + "L1,B1,法人,是,1e3,NaN,是,46387,2026-13-01,-1\n,,,,\n"))
		f.Add([]byte("\xff\xfe\x00b\x00"))
	}
}

// FuzzParseLoanBookCSV feeds untrusted bytes to the loan-book CSV parser.
func FuzzParseLoanBookCSV(f *testing.F) {
	bookSeeds(f, KindCSV)
	f.Fuzz(func(t *testing.T, body []byte) { checkParsed(t, parseBook(t, body, KindCSV)) })
}

// FuzzParseLoanBookXLSX feeds untrusted bytes to the loan-book XLSX parser.
func FuzzParseLoanBookXLSX(f *testing.F) {
	bookSeeds(f, KindXLSX)
	f.Fuzz(func(t *testing.T, body []byte) { checkParsed(t, parseBook(t, body, KindXLSX)) })
}
