package models

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeSharedStringBook writes a workbook the way Excel saves one: every text in the
// shared-string table (the header's first cell as rich text with a phonetic run, which is
// not part of its text), amounts and dates as numbers (a date as its serial day), empty
// cells left out and the cells addressed by reference. It is written by hand, not by
// excelize, so the reader is not only checked against the library that wrote the template.
func writeSharedStringBook(w io.Writer, next func() (Loan, bool)) error {
	return writeSharedStringBookAs(w, "worksheets/data.xml", "strings.xml", next)
}

// writeSharedStringBookAs names the sheet and the strings under xl/ (Excel's own names are
// worksheets/sheet1.xml and sharedStrings.xml).
func writeSharedStringBookAs(w io.Writer, sheetName, sstName string, next func() (Loan, bool)) error {
	dir, err := os.MkdirTemp("", "sstbook")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sheet, err := os.Create(filepath.Join(dir, "sheet"))
	if err != nil {
		return err
	}
	defer sheet.Close()
	sst, err := os.Create(filepath.Join(dir, "sst"))
	if err != nil {
		return err
	}
	defer sst.Close()
	sw, tw := bufio.NewWriter(sheet), bufio.NewWriter(sst)
	nstr := 0
	str := func(s string) string {
		var b bytes.Buffer
		_ = xmlEscape(&b, s)
		fmt.Fprintf(tw, "<si><t>%s</t></si>", b.String())
		nstr++
		return strconv.Itoa(nstr - 1)
	}
	fmt.Fprint(tw, `<si><r><t>借款</t></r><r><rPr><b/></rPr><t>编号</t></r><rPh sb="0" eb="2"><t>ジャッカン</t></rPh></si>`)
	nstr++
	serial := func(d Date) string { return strconv.Itoa(d.Sub(NewDate(1899, 12, 30))) }
	col := func(i int) string { return string(rune('A' + i)) }
	fmt.Fprint(sw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	fmt.Fprint(sw, `<row r="1"><c r="A1" t="s"><v>0</v></c>`)
	for i, h := range LoanBookHeaders()[1:] {
		fmt.Fprintf(sw, `<c r="%s1" t="s"><v>%s</v></c>`, col(i+1), str(h))
	}
	fmt.Fprint(sw, `</row>`)
	row := 2
	for l, ok := next(); ok; l, ok = next() {
		rec := LoanBookRecord(l)
		fmt.Fprintf(sw, `<row r="%d">`, row)
		for i, v := range rec {
			ref := col(i) + strconv.Itoa(row)
			switch {
			case v == "":
			case i == 4 || i == 5 || i == 9:
				fmt.Fprintf(sw, `<c r="%s"><v>%s</v></c>`, ref, v)
			case i == 7:
				fmt.Fprintf(sw, `<c r="%s" s="1"><v>%s</v></c>`, ref, serial(l.DueDate))
			case i == 8:
				fmt.Fprintf(sw, `<c r="%s" s="1"><v>%s</v></c>`, ref, serial(l.FirstMissed))
			default:
				fmt.Fprintf(sw, `<c r="%s" t="s"><v>%s</v></c>`, ref, str(v))
			}
		}
		fmt.Fprint(sw, `</row>`)
		row++
	}
	fmt.Fprint(sw, `</sheetData></worksheet>`)
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	z := zip.NewWriter(w)
	put := func(name, s string) error {
		f, err := z.Create(name)
		if err == nil {
			_, err = io.WriteString(f, s)
		}
		return err
	}
	copyPart := func(name string, src *os.File, head, tail string) error {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, head); err != nil {
			return err
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(f, src); err != nil {
			return err
		}
		_, err = io.WriteString(f, tail)
		return err
	}
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/` + sheetName + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/` + sstName + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="借款明细" sheetId="1" r:id="rId7"/></sheets></workbook>`},
		// the sheet and the strings under names other than the usual ones: found through the relationships
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="` + sheetName + `"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/` + sstName + `"/></Relationships>`},
	} {
		if err := put(p[0], p[1]); err != nil {
			return err
		}
	}
	if err := copyPart("xl/"+sheetName, sheet, "", ""); err != nil {
		return err
	}
	if err := copyPart("xl/"+sstName, sst, fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, nstr, nstr), `</sst>`); err != nil {
		return err
	}
	return z.Close()
}

func xmlEscape(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}

// A workbook as Excel saves it (shared strings, numbers, serial dates, cells left out,
// parts named through the relationships) and one written by excelize's ordinary cell API
// (shared strings too) read back to the loans written.
func TestParseLoanBookSharedStrings(t *testing.T) {
	loans := sampleLoans(40)
	loans[3].FirstMissed = NewDate(2026, 10, 1)
	var b bytes.Buffer
	if err := writeSharedStringBook(&b, LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	p := parseBook(t, b.Bytes(), KindXLSX)
	if p.err != nil || len(p.refused) != 0 || fmt.Sprint(p.loans) != fmt.Sprint(loans) {
		t.Fatalf("hand-written workbook: %v, refused %v\n got %v\nwant %v", p.err, p.refused, p.loans, loans)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"借款编号", "借款人编号", "借款人类型", "是否关联关系", "借款金额（元）", "待还本金（元）", "是否分期", "到期日", "首次逾期日", "已代偿金额（元）"}); err != nil {
		t.Fatal(err)
	}
	for i, l := range loans[:5] {
		rec := LoanBookRecord(l)
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = v
		}
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+3), &row); err != nil { // row 2 left empty
			t.Fatal(err)
		}
	}
	b.Reset()
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	var rows []int64
	_, err := ParseLoanBook(bytes.NewReader(b.Bytes()), KindXLSX, NewDate(2026, 11, 30), LoanBookHandler{
		Loan:    func(row int64, _ Loan) error { rows = append(rows, row); return nil },
		Refused: func(r RefusedRow) error { t.Errorf("refused %+v", r); return nil },
	})
	if err != nil || fmt.Sprint(rows) != "[3 4 5 6 7]" {
		t.Fatalf("excelize workbook: %v, rows %v", err, rows)
	}
	// a shared-string index past the table is a damaged file, with its row
	// (the same length, the parts stored: only the index changes; 10 is the first loan id
	// after the ten header texts, 90 is past the table's 20 strings)
	bad := bytes.Replace(mustBook(t, loans[:2]), []byte(`<c r="A2" t="s"><v>10<`), []byte(`<c r="A2" t="s"><v>90<`), 1)
	if p := parseBook(t, bad, KindXLSX); p.err == nil || !strings.Contains(p.err.Error(), "无法") {
		t.Fatalf("bad index: %v", p.err)
	}
}

func mustBook(t *testing.T, loans []Loan) []byte {
	var b bytes.Buffer
	if err := writeSharedStringBook(&b, LoanSlice(loans)); err != nil {
		t.Fatal(err)
	}
	// the parts stored, not deflated, so that a test can edit their bytes
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return out.Bytes()
}

// peakHeapOf runs f and returns the largest growth of the heap objects while it ran,
// sampled every millisecond (runtime/metrics).
func peakHeapOf(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	base := s[0].Value.Uint64()
	done, out := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var top uint64
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				out <- top
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	top := <-out
	return top - min(top, base)
}

// BenchmarkLoanBookXLSX100kVs200k parses an Excel-style workbook (shared strings) of
// 100,000 and of 200,000 loans: the live heap's peak growth stays that of one row and the
// buffers (ratio ≈ 1, not 2), since the file and its shared strings are read from disk.
//
//	go test ./models -run '^$' -bench LoanBookXLSX100kVs200k -benchtime 1x
func BenchmarkLoanBookXLSX100kVs200k(b *testing.B) {
	dir := b.TempDir()
	books := map[int]string{}
	for _, n := range []int{100_000, 200_000} {
		path := filepath.Join(dir, strconv.Itoa(n)+".xlsx")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		next := func() (Loan, bool) {
			if i >= n {
				return Loan{}, false
			}
			i++
			return Loan{LoanID: "JK" + strconv.Itoa(1_000_000_000+i), BorrowerID: "B" + strconv.Itoa(i/3), BorrowerType: BorrowerNatural,
				Amount: Money(1_000_000 + i%5000*100), Outstanding: Money(500_000), Instalment: i%2 == 0, DueDate: NewDate(2027, 1, 1).AddDays(i % 700)}, true
		}
		if err := writeSharedStringBookAs(f, "worksheets/sheet1.xml", "sharedStrings.xml", next); err != nil {
			b.Fatal(err)
		}
		f.Close()
		books[n] = path
	}
	parse := func(n int) (uint64, time.Duration) {
		f, err := os.Open(books[n])
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		var rows int64
		start := time.Now()
		peak := peakHeapOf(func() {
			_, err = ParseLoanBook(f, KindXLSX, NewDate(2026, 11, 30), LoanBookHandler{
				Loan:    func(int64, Loan) error { rows++; return nil },
				Refused: func(r RefusedRow) error { return fmt.Errorf("refused %+v", r) },
			})
		})
		if err != nil || rows != int64(n) {
			b.Fatalf("%d: %v, %d rows", n, err, rows)
		}
		return peak, time.Since(start)
	}
	var p1, p2 uint64
	var t1, t2 time.Duration
	for b.Loop() {
		p1, t1 = parse(100_000)
		p2, t2 = parse(200_000)
	}
	mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
	b.ReportMetric(mb(p1), "MB-peak-heap-100k")
	b.ReportMetric(mb(p2), "MB-peak-heap-200k")
	b.ReportMetric(float64(p2)/float64(max(p1, 1)), "peak-heap-ratio-200k/100k")
	b.ReportMetric(t2.Seconds()/t1.Seconds(), "time-ratio-200k/100k")
}
