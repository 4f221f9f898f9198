package models

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The loan-level book (借款明细) a platform uploads for the 穿透式核查 of its monthly
// figures (seeds/003 §8, attachment 2.4): one row per loan the platform has brokered since
// it began, settled loans included with 待还本金 0, as of the reporting month's end. The
// parser here is pure: it reads a CSV or XLSX stream, validates each row and hands the
// good ones and the refused ones (with a Chinese reason) to callbacks, holding no more
// than one row in memory. Duplicate loan ids are found by the store after loading (a
// set of millions of ids would not fit the import's memory budget).

// LoanBookColumn is one column of the template.
type LoanBookColumn struct {
	Header   string // the Chinese header, as in the templates
	Hint     string // what to write, shown on the upload page
	Required bool   // a cell that must not be empty
}

// LoanBookColumns are the template's columns, in order. A book's columns may come in any
// order; they are found by header.
var LoanBookColumns = [loanBookColumnCount]LoanBookColumn{
	{"借款编号", "平台内唯一的借款（项目）编号", true},
	{"借款人编号", "同一借款人在各笔借款中使用同一编号（脱敏）", true},
	{"借款人类型", "自然人、法人 或 其他组织（seeds/003 §9(一) 借款人主体性质）", true},
	{"是否关联关系", "是 或 否（seeds/003 附件 2.4.10）", false},
	{"借款金额（元）", "合同借款本金，最多两位小数", true},
	{"待还本金（元）", "截至报告期末未偿还的本金；已结清填 0", true},
	{"是否分期", "是 或 否", false},
	{"到期日", "yyyy-mm-dd", true},
	{"首次逾期日", "首次未按时还款的应还日，yyyy-mm-dd；未逾期留空", false},
	{"已代偿金额（元）", "第三方或平台已代为偿还的金额（seeds/003 附件 2.4.15）；无则留空或填 0", false},
}

const (
	colLoanID = iota
	colBorrowerID
	colBorrowerType
	colRelated
	colAmount
	colOutstanding
	colInstalment
	colDueDate
	colFirstMissed
	colCompensated
	loanBookColumnCount
)

// Limits of one row: longer cells are refused, not stored.
const (
	MaxLoanIDRunes = 64
	maxCellRunes   = 256
	// MaxLoanBookColumns bounds the cells of one row that are looked at.
	MaxLoanBookColumns = 64
)

// RefusedRow is a row the import did not take, with its row number in the file (the
// header is row 1) and the reason in Chinese.
type RefusedRow struct {
	Row    int64
	LoanID string
	Reason string
}

// LoanBookHandler receives the rows of a book as they are read: Loan gets each valid row,
// Refused each refused one. An error from either stops the parse and is returned.
type LoanBookHandler struct {
	Loan    func(row int64, l Loan) error
	Refused func(r RefusedRow) error
}

// ParseLoanBook reads a loan book of kind KindCSV or KindXLSX from r, as of asOf (the
// reporting month's end: a first missed payment after it is refused), and returns the
// number of data rows read. A book that cannot be read at all (no header, a missing
// column, a damaged workbook) is an EInvalid error; a bad row is a refused row.
func ParseLoanBook(r io.Reader, kind FileKind, asOf Date, h LoanBookHandler) (int64, error) {
	p := &loanBookParser{asOf: asOf, h: h}
	switch kind {
	case KindCSV:
		return p.csv(r)
	case KindXLSX:
		return p.xlsx(r)
	}
	return 0, Errorf(EInvalid, "借款明细只接受 CSV 或 XLSX 文件")
}

type loanBookParser struct {
	asOf   Date
	h      LoanBookHandler
	cols   [loanBookColumnCount]int // the file column of each template column
	header bool
	read   int64
}

func (p *loanBookParser) csv(r io.Reader) (int64, error) {
	cr := csv.NewReader(utf8Reader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	var row int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row++
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if !p.header {
				return p.read, Errorf(EInvalid, "CSV 文件第 %d 行无法解析（%s），请使用系统提供的模板另存为 CSV（UTF-8）", row, pe.Err)
			}
			p.read++
			if err := p.h.Refused(RefusedRow{Row: row, Reason: "CSV 格式错误：" + csvErrText(pe.Err)}); err != nil {
				return p.read, err
			}
			continue
		}
		if err != nil {
			return p.read, Errorf(EInvalid, "借款明细文件读取中断（第 %d 行）：文件不完整", row)
		}
		if err := p.row(row, rec); err != nil {
			return p.read, err
		}
	}
	return p.read, p.end()
}

func csvErrText(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote):
		return "引号不成对"
	case errors.Is(err, csv.ErrFieldCount):
		return "列数不对"
	}
	return "无法解析"
}

// utf8Reader decodes a GB18030 (GBK) CSV, as Excel in Chinese saves "CSV", into UTF-8;
// UTF-8 passes through, its byte-order mark dropped. The choice is made on the first
// 64 KB.
func utf8Reader(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF {
		br.Discard(3)
		return br
	}
	valid := head
	for i := 0; i < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); i++ {
		valid = valid[:len(valid)-1] // a character cut at the end of the peek
	}
	if utf8.Valid(valid) {
		return br
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
}

func (p *loanBookParser) xlsx(r io.Reader) (int64, error) {
	var last int64
	ok, err := xlsxSheetRows(r, MaxLoanBookColumns, func(row int64, rec []string) error {
		last = row
		return p.row(row, rec)
	})
	switch {
	case !ok && errors.Is(err, errXLSXNoSheet):
		return 0, Errorf(EInvalid, "借款明细 XLSX 文件中没有工作表")
	case !ok:
		return 0, Errorf(EInvalid, "借款明细 XLSX 文件无法打开（文件可能已损坏或加密），请使用系统提供的模板")
	case errors.Is(err, errXLSXDamaged):
		return p.read, Errorf(EInvalid, "借款明细 XLSX 文件第 %d 行无法读取：文件可能已损坏", last+1)
	case err != nil:
		return p.read, err // the handler's, or the spool's (disk)
	}
	return p.read, p.end()
}

func (p *loanBookParser) end() error {
	if !p.header {
		return Errorf(EInvalid, "借款明细是空的：没有找到表头行，请使用系统提供的模板")
	}
	return nil
}

// headerKey reduces a header to its name: spaces and a parenthesised unit dropped.
func headerKey(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
	for _, open := range []string{"（", "("} {
		if i := strings.Index(s, open); i > 0 {
			s = s[:i]
		}
	}
	return strings.Join(strings.Fields(s), "")
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (p *loanBookParser) readHeader(row int64, rec []string) error {
	for i := range p.cols {
		p.cols[i] = -1
	}
	for j, c := range rec[:min(len(rec), MaxLoanBookColumns)] {
		k := headerKey(c)
		for i, col := range LoanBookColumns {
			if k == headerKey(col.Header) && p.cols[i] < 0 {
				p.cols[i] = j
			}
		}
	}
	var missing []string
	for i, col := range LoanBookColumns {
		if p.cols[i] < 0 {
			missing = append(missing, "「"+col.Header+"」")
		}
	}
	if len(missing) > 0 {
		return Errorf(EInvalid, "借款明细第 %d 行（表头）缺少 %s 列，请使用系统提供的模板", row, strings.Join(missing, "、"))
	}
	p.header = true
	return nil
}

func (p *loanBookParser) row(row int64, rec []string) error {
	if blank(rec) {
		return nil
	}
	if !p.header {
		return p.readHeader(row, rec)
	}
	p.read++
	l, reason := p.loan(rec)
	if reason != "" {
		return p.h.Refused(RefusedRow{Row: row, LoanID: clip(l.LoanID, MaxLoanIDRunes), Reason: reason})
	}
	return p.h.Loan(row, l)
}

// clip keeps at most n runes of valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func (p *loanBookParser) cell(rec []string, col int) string {
	j := p.cols[col]
	if j >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[j])
}

// loan validates one row; reason is empty for a good one.
func (p *loanBookParser) loan(rec []string) (l Loan, reason string) {
	var cells [loanBookColumnCount]string
	for i := range cells {
		cells[i] = p.cell(rec, i)
		if !utf8.ValidString(cells[i]) {
			return l, "「" + LoanBookColumns[i].Header + "」含有无法识别的字符（文件编码应为 UTF-8 或 GBK）"
		}
		if strings.ContainsFunc(cells[i], isControl) {
			return l, "「" + LoanBookColumns[i].Header + "」含有控制字符（如换行、制表符）"
		}
		if utf8.RuneCountInString(cells[i]) > maxCellRunes {
			return l, "「" + LoanBookColumns[i].Header + "」内容过长"
		}
		if LoanBookColumns[i].Required && cells[i] == "" {
			return l, "「" + LoanBookColumns[i].Header + "」为空"
		}
	}
	l.LoanID = cells[colLoanID]
	if utf8.RuneCountInString(l.LoanID) > MaxLoanIDRunes {
		return l, "借款编号超过 64 个字符"
	}
	l.BorrowerID = cells[colBorrowerID]
	if utf8.RuneCountInString(l.BorrowerID) > MaxLoanIDRunes {
		return l, "借款人编号超过 64 个字符"
	}
	var ok bool
	var err error
	if l.BorrowerType, err = ParseBorrowerType(cells[colBorrowerType]); err != nil {
		return l, ErrorMessage(err)
	}
	if l.Related, ok = parseYesNo(cells[colRelated]); !ok {
		return l, "是否关联关系「" + cells[colRelated] + "」应为 是 或 否"
	}
	if l.Instalment, ok = parseYesNo(cells[colInstalment]); !ok {
		return l, "是否分期「" + cells[colInstalment] + "」应为 是 或 否"
	}
	if l.Amount, err = parseBookMoney(cells[colAmount]); err != nil {
		return l, "借款金额「" + cells[colAmount] + "」不是有效金额（元，最多两位小数）"
	}
	if l.Amount <= 0 {
		return l, "借款金额应大于 0"
	}
	if l.Outstanding, err = parseBookMoney(cells[colOutstanding]); err != nil {
		return l, "待还本金「" + cells[colOutstanding] + "」不是有效金额（元，最多两位小数）"
	}
	if l.Outstanding > l.Amount {
		return l, "待还本金 " + l.Outstanding.String() + " 元大于借款金额 " + l.Amount.String() + " 元"
	}
	if cells[colCompensated] != "" {
		if l.Compensated, err = parseBookMoney(cells[colCompensated]); err != nil {
			return l, "已代偿金额「" + cells[colCompensated] + "」不是有效金额（元，最多两位小数）"
		}
		if l.Compensated > l.Amount {
			return l, "已代偿金额 " + l.Compensated.String() + " 元大于借款金额 " + l.Amount.String() + " 元"
		}
	}
	if l.DueDate, ok = parseBookDate(cells[colDueDate]); !ok {
		return l, "到期日「" + cells[colDueDate] + "」格式不正确，应为 yyyy-mm-dd"
	}
	if cells[colFirstMissed] != "" {
		if l.FirstMissed, ok = parseBookDate(cells[colFirstMissed]); !ok {
			return l, "首次逾期日「" + cells[colFirstMissed] + "」格式不正确，应为 yyyy-mm-dd"
		}
		if l.FirstMissed.After(p.asOf) {
			return l, "首次逾期日 " + l.FirstMissed.String() + " 晚于报告期末 " + p.asOf.String()
		}
	}
	return l, ""
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "是", "y", "yes", "1", "true":
		return true, true
	case "", "否", "n", "no", "0", "false":
		return false, true
	}
	return false, false
}

// parseBookMoney is ParseYuan, plus the binary-float noise of a number cell written by a
// spreadsheet (12.300000000000001): a value within a millionth of a 分 is taken.
func parseBookMoney(s string) (Money, error) {
	if m, ok := plainYuan(s); ok {
		return m, nil
	}
	m, err := ParseYuan(s)
	if err == nil {
		return m, nil
	}
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || f < 0 || f > 1e13 || math.IsNaN(f) {
		return 0, err
	}
	c := math.Round(f * 100)
	if math.Abs(c-f*100) > 1e-4 {
		return 0, err
	}
	return Money(c), nil
}

// plainYuan is the fast path of a book's amounts, "12345" or "12345.6" or "12345.67":
// ASCII digits, at most two decimals, below 10^15 元. Anything else goes to ParseYuan.
func plainYuan(s string) (Money, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 15 || len(frac) > 2 || (dot && frac == "") {
		return 0, false
	}
	var v int64
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	for i := 0; i < 2; i++ {
		v *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v += int64(c - '0')
		}
	}
	return Money(v), true
}

var dateSeparators = strings.NewReplacer("/", "-", ".", "-")

// parseBookDate reads yyyy-mm-dd, also with / or . and single-digit parts, and the day
// serial number of a spreadsheet date cell (days since 1899-12-30).
func parseBookDate(s string) (Date, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 20000 || n > 80000 { // 1954 … 2119
			return Date{}, false
		}
		return NewDate(1899, 12, 30).AddDays(n), true
	}
	s = dateSeparators.Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return Date{}, false
	}
	y, e1 := strconv.Atoi(parts[0])
	m, e2 := strconv.Atoi(parts[1])
	d, e3 := strconv.Atoi(parts[2])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 {
		return Date{}, false
	}
	dt := NewDate(y, time.Month(m), d)
	if dt.Day != d { // 2026-02-30
		return Date{}, false
	}
	return dt, true
}

// MaxLoanBookBytes caps one loan-book upload: a million loans take about 100 MB as CSV.
const MaxLoanBookBytes int64 = 1 << 30

func isControl(r rune) bool { return r < 0x20 || r == 0x7F }
