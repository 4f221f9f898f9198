package models

// Fuzz targets for the parsers of what platforms and officers type: USCC, money and
// percentages, dates, the admin's calendar import and the institution-file form. Each
// must answer any input with a value or a Chinese message, never a panic, and what it
// accepts must read back the same. `make fuzz` runs each for a while; `go test` runs
// their seeds (below and in testdata/fuzz/) as ordinary tests.

import (
	"net/url"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkMessage fails unless err is a coded error whose Chinese message is printable.
func checkMessage(t *testing.T, input string, err error) {
	t.Helper()
	if ErrorCode(err) != EInvalid {
		t.Fatalf("%q: error without the invalid-input code: %v", input, err)
	}
	msg := ErrorMessage(err)
	if msg == "" || !utf8.ValidString(msg) {
		t.Fatalf("%q: message %q", input, msg)
	}
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range []string{"91440106MA59A1B2CE", " 91440106ma59a1b2ce ", "91440106MA59A1B2CF", "31440000MD0123456X",
		"Y1440106MA59A1B2C", "91440106MA59A1B2CEE", "９1440106MA59A1B2CE", "914401O6MA59A1B2CE", "ı1440106MA59A1B2CE", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateUSCC(s)
		if err != nil {
			checkMessage(t, s, err)
			return
		}
		code := NormalizeUSCC(s)
		if len(code) != 18 || MakeUSCC(code[:17]) != code {
			t.Fatalf("%q accepted as %q, which is not 17 characters and its check character", s, code)
		}
		if err := ValidateUSCC(code); err != nil {
			t.Fatalf("%q accepted, its normal form %q refused: %v", s, code, err)
		}
	})
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"0", "1234.5", "1,234,567.89", " 12.30 ", "１２３．４５", "-12.00", "－５", "92233720368547758.07",
		"92233720368547758.08", "1,23", ",123", "1.", ".5", "1.234", "--1", "1e9", "", " ", "1,234,567,890,123,456", "12\x80", "1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, signed := range []bool{false, true} {
			parse := ParseYuan
			if signed {
				parse = ParseSignedYuan
			}
			m, err := parse(s)
			if err != nil {
				checkMessage(t, s, err)
				continue
			}
			if !signed && m < 0 {
				t.Fatalf("ParseYuan(%q) = %d, negative", s, m)
			}
			for _, shown := range []string{m.Yuan(), m.String()} {
				if back, err := parse(shown); err != nil || back != m {
					t.Fatalf("%q → %d shown as %q reads back %d, %v", s, m, shown, back, err)
				}
			}
		}
	})
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"12.5", "12.50%", "１００", "100.01", "0", "-1", "50％", "%", "3.333"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParsePercent(s)
		if err != nil {
			checkMessage(t, s, err)
			return
		}
		if r < 0 || r > Hundred {
			t.Fatalf("ParsePercent(%q) = %d, outside 0–100%%", s, r)
		}
		for _, shown := range []string{r.String(), r.Percent()} {
			if back, err := ParsePercent(shown); err != nil || back != r {
				t.Fatalf("%q → %d shown as %q reads back %d, %v", s, r, shown, back, err)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-10", " 2026-03-10 ", "2026-02-30", "2024-02-29", "0000-01-01", "9999-12-31", "2026-3-10", "2026/03/10", "", "+002026-03-10", "2026-03-1\xff"} {
		f.Add(s, int16(14))
	}
	f.Fuzz(func(t *testing.T, s string, n int16) {
		d, err := ParseDate(s)
		if err != nil {
			checkMessage(t, s, err)
			return
		}
		if back, err := ParseDate(d.String()); err != nil || back != d {
			t.Fatalf("%q → %v shown as %q reads back %v, %v", s, d, d.String(), back, err)
		}
		var u Date
		if err := u.UnmarshalText([]byte(s)); err != nil || u != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseDate gave %v", s, u, err, d)
		}
		if later := d.AddDays(int(n)); later.Sub(d) != int(n) {
			t.Fatalf("%v + %d days = %v, which is %d days on", d, n, later, later.Sub(d))
		}
	})
}

func FuzzParseCalendarYear(f *testing.F) {
	f.Add(2027, "# 国办发明电〔2026〕X号\n2027-01-01 放假 元旦\n2027-02-06~2027-02-13 放假 春节\n\n2027-02-14 上班 春节调休上班\n")
	f.Add(2027, "2027-10-01至2027-10-07 休 国庆节\r\n2027-09-26 班 国庆节调休上班")
	f.Add(2027, "2027-05-01..2027-05-31 放假 太长")
	f.Add(2027, "2027-05-03—2027-05-01 放假 倒序")
	f.Add(2026, "2027-01-01 放假 元旦")
	f.Add(1999, "1999-01-01 放假 元旦")
	f.Add(2027, "2027-01-01 请假 元旦")
	f.Add(2027, "2027-01-01~ 放假 元旦")
	f.Add(2027, "")
	f.Add(2027, "2027-01-01 放假 元\x00旦")
	f.Add(2027, "2027-01-01 放假 元旦\xff")
	f.Fuzz(func(t *testing.T, year int, text string) {
		days, err := ParseCalendarYear(year, text)
		if err != nil {
			checkMessage(t, text, err)
			return
		}
		if len(days) == 0 {
			t.Fatal("accepted with no day")
		}
		for _, d := range days {
			if d.Date.Year != year || (d.Kind != DayOff && d.Kind != DayWork) || strings.TrimSpace(d.Name) == "" ||
				!utf8.ValidString(d.Name) || strings.ContainsRune(d.Name, 0) {
				t.Fatalf("year %d: day %+v", year, d)
			}
		}
	})
}

// FuzzFileForm posts a form (URL-encoded, as the browser sends it), applies the add and
// remove buttons, and parses it. A file that parses without errors shows again as a form
// that parses to the same file, and passes the check submission makes (ValidateFile).
func FuzzFileForm(f *testing.F) {
	seed := url.Values{}
	for k, v := range validForm().Values {
		seed.Set(k, v)
	}
	f.Add(seed.Encode(), "")
	f.Add(seed.Encode(), "add:shareholders")
	f.Add(seed.Encode(), "remove:shareholders:0")
	f.Add(seed.Encode(), "remove:branches:7")
	f.Add(seed.Encode(), "add:nosuchpart remove:nosuchpart:0")
	f.Add("shareholders.49.name=x&shareholders.50.name=y&shareholders.-1.name=z&persons.01.name=w", "add:persons")
	f.Add("name=%E5%90%8D&uscc=91440106MA59A1B2CE&registered_capital=1&paid_in_capital=2&founded_on=2030-01-01", "")
	f.Add("employees=%EF%BC%91%EF%BC%92&outstanding_balance=-1&shareholders.0.share=101", "")
	f.Add(strings.Replace(seed.Encode(), "name=", "name=%FF%00", 1), "")
	f.Fuzz(func(t *testing.T, posted, ops string) {
		values, _ := url.ParseQuery(posted) // a malformed pair is dropped, as echo does
		form := FileFormFrom(values)
		for _, op := range strings.Fields(ops) {
			kind, rest, _ := strings.Cut(op, ":")
			part, idx, _ := strings.Cut(rest, ":")
			i := 0
			for _, c := range idx {
				i = i*10 + int(c-'0')
				if i > 1000 || i < -1000 {
					break
				}
			}
			switch kind {
			case "add":
				form.AddRow(part)
			case "remove":
				form.RemoveRow(part, i)
			}
		}
		for part, n := range form.Counts {
			if n < 0 || n > MaxRows {
				t.Fatalf("part %s has %d rows", part, n)
			}
		}
		file, errs := ParseFileForm(form, fileToday)
		for name, msg := range errs {
			if msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("field %s: message %q", name, msg)
			}
		}
		if len(errs) > 0 {
			return
		}
		// what is saved is text PostgreSQL takes: UTF-8 without NUL
		for name, v := range FileFormOf(file).Values {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				t.Fatalf("field %s saved as %q", name, v)
			}
		}
		again, errs := ParseFileForm(FileFormOf(file), fileToday)
		if len(errs) > 0 {
			t.Fatalf("the saved file shows as a form with errors: %v", sortedErrors(errs))
		}
		if diff := DiffFiles(file, again); len(diff) != 0 {
			t.Fatalf("the saved file reads back changed: %+v", diff)
		}
		if errs := ValidateFile(file, fileToday); len(errs) > 0 {
			t.Fatalf("a file that saved cleanly fails the submission check: %v", sortedErrors(errs))
		}
	})
}

func sortedErrors(errs FileErrors) []string {
	var out []string
	for k, v := range errs {
		out = append(out, k+": "+v)
	}
	sort.Strings(out)
	return out
}

// TestTextFaultsRefused: bytes PostgreSQL cannot store as text (not UTF-8, NUL) and other
// control characters are refused with a message, in the file form and the calendar import.
func TestTextFaultsRefused(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"广州示例\xff公司", "UTF-8"},
		{"广州示例\x00公司", "控制字符"},
		{"广州示例\x1b[31m公司", "控制字符"},
	} {
		form := validForm()
		form.Values["name"] = c.value
		form.Values["branches.0.address"] = c.value
		_, errs := ParseFileForm(form, fileToday)
		for _, field := range []string{"name", "branches.0.address"} {
			if !strings.Contains(errs[field], c.want) || !utf8.ValidString(errs[field]) {
				t.Errorf("%s = %q: message %q, want one about %s", field, c.value, errs[field], c.want)
			}
		}
		_, err := ParseCalendarYear(2027, "2027-01-01 放假 "+c.value)
		if !strings.Contains(ErrorMessage(err), c.want) {
			t.Errorf("calendar with %q: %v", c.value, err)
		}
	}
	// tabs and line breaks stay: long texts have paragraphs
	form := validForm()
	form.Values["business_scope"] = "网络借贷信息中介服务；\r\n\t互联网信息服务"
	if _, errs := ParseFileForm(form, fileToday); errs["business_scope"] != "" {
		t.Errorf("line breaks refused: %s", errs["business_scope"])
	}
	if msg := ErrorMessage(Errorf(EInvalid, "金额「%s」不对", "1\xff2")); msg != "金额「1\uFFFD2」不对" {
		t.Errorf("message quoting bad bytes: %q", msg)
	}
}
