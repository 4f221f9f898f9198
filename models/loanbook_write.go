package models

import (
	"encoding/csv"
	"io"

	"github.com/xuri/excelize/v2"
)

// LoanBookHeaders are the template's header cells.
func LoanBookHeaders() []string {
	h := make([]string, len(LoanBookColumns))
	for i, c := range LoanBookColumns {
		h[i] = c.Header
	}
	return h
}

// LoanBookRecord is a loan as a row of the template, the inverse of the parser.
func LoanBookRecord(l Loan) []string {
	missed := ""
	if !l.FirstMissed.IsZero() {
		missed = l.FirstMissed.String()
	}
	return []string{l.LoanID, l.BorrowerID, l.BorrowerType.Label(), yesNoText(l.Related),
		l.Amount.Yuan(), l.Outstanding.Yuan(), yesNoText(l.Instalment), l.DueDate.String(), missed, l.Compensated.Yuan()}
}

func yesNoText(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// LoanBookExample is the sample row of the templates.
var LoanBookExample = Loan{LoanID: "JK2026110001", BorrowerID: "B000123", BorrowerType: BorrowerNatural,
	Amount: 50_000 * OneYuan, Outstanding: 30_000 * OneYuan, Instalment: true, DueDate: NewDate(2027, 5, 31)}

// WriteLoanBookCSV writes a CSV book (UTF-8 with a byte-order mark, so Excel reads the
// Chinese headers) of the loans next gives until it answers false.
func WriteLoanBookCSV(w io.Writer, next func() (Loan, bool)) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(LoanBookHeaders()); err != nil {
		return err
	}
	for l, ok := next(); ok; l, ok = next() {
		if err := cw.Write(LoanBookRecord(l)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteLoanBookXLSX writes an XLSX book with excelize's stream writer, every cell as text
// (so a loan id such as 00123 keeps its zeros).
func WriteLoanBookXLSX(w io.Writer, next func() (Loan, bool)) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "借款明细"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := 1
	put := func(cells []string) error {
		v := make([]any, len(cells))
		for i, c := range cells {
			v[i] = c
		}
		name, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(name, v)
	}
	if err := sw.SetColWidth(1, len(LoanBookColumns), 18); err != nil {
		return err
	}
	if err := put(LoanBookHeaders()); err != nil {
		return err
	}
	for l, ok := next(); ok; l, ok = next() {
		if err := put(LoanBookRecord(l)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// LoanSlice is a next function over loans, for the writers.
func LoanSlice(loans []Loan) func() (Loan, bool) {
	i := 0
	return func() (Loan, bool) {
		if i >= len(loans) {
			return Loan{}, false
		}
		i++
		return loans[i-1], true
	}
}
