package pdf

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
)

// unitWidth: CJK and full-width characters 1, everything else 0.5.
func unitWidth(c rune) float64 {
	if c >= 0x2E80 || strings.ContainsRune("“”‘’…—", c) {
		return 1
	}
	return 0.5
}

func lineWidth(s string) float64 {
	w := 0.0
	for _, c := range s {
		w += unitWidth(c)
	}
	return w
}

// checkLines verifies that lines are text with only newlines and spaces
// at line boundaries removed, and that every line fits.
func checkLines(t *testing.T, text string, width float64, lines []string) {
	t.Helper()
	pos := 0
	for i, l := range lines {
		if i > 0 { // a line boundary may swallow breaking spaces and one newline
			for pos < len(text) && text[pos] == ' ' {
				pos++
			}
			if pos < len(text) && text[pos] == '\n' {
				pos++
			}
		}
		if !strings.HasPrefix(text[pos:], l) {
			t.Fatalf("line %d %q does not continue the text at %q\nlines: %q", i, l, text[pos:], lines)
		}
		pos += len(l)
		if w := lineWidth(l); w > width+1e-9 {
			t.Fatalf("line %d %q is %.2f wide, more than %.2f", i, l, w, width)
		}
	}
	for pos < len(text) && text[pos] == ' ' {
		pos++
	}
	if pos != len(text) {
		t.Fatalf("text left over after the last line: %q\nlines: %q", text[pos:], lines)
	}
}

func TestWrapCases(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"cjk anywhere", "网络借贷信息中介机构", 4, []string{"网络借贷", "信息中介", "机构"}},
		{"no char lost at breaks", "一二三四五六七八九十", 3, []string{"一二三", "四五六", "七八九", "十"}},
		{"latin word kept whole", "代码91310115MA1K4XYW34", 8, []string{"代码", "91310115MA1K4XYW34"[:16], "34"}},
		{"number kept whole", "余额下降37.5%，符合", 5, []string{"余额下降", "37.5%，符", "合"}},
		{"closing punctuation not first", "甲乙丙丁。戊己", 4, []string{"甲乙丙", "丁。戊己"}},
		{"closing pair not first", "甲乙丙丁。”戊", 5, []string{"甲乙丙", "丁。”戊"}},
		{"opening punctuation not last", "甲乙丙《丁戊》", 4, []string{"甲乙丙", "《丁戊》"}},
		{"space breaks dropped", "hello world again", 5, []string{"hello", "world", "again"}},
		{"inner spaces kept", "ab cd", 10, []string{"ab cd"}},
		{"hard breaks and empty lines", "甲\n\n乙", 5, []string{"甲", "", "乙"}},
		{"empty", "", 5, []string{""}},
		{"long url split", "http://127.0.0.1:8080/verify", 5, []string{"http://127", ".0.0.1:808", "0/verify"}},
		{"leading indent kept", "\u3000\u3000甲乙丙", 3, []string{"\u3000\u3000甲", "乙丙"}},
		{"char wider than line", "甲乙", 0.5, []string{"甲", "乙"}},
		{"split signature never ends a line in a hyphen", "MEQCIFx-D5d", 4, []string{"MEQCIFx", "-D5d"}},
		{"hyphen run moves whole", "abcd--ef", 2.5, []string{"abcd", "--ef"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := wrapText(c.text, c.width, unitWidth)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("wrap(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
			if c.width >= 1 {
				checkLines(t, c.text, c.width, got)
			}
		})
	}
}

func TestWrapRandom(t *testing.T) {
	mixed := []string{"网", "络", "借", "贷", "信", "息", "，", "。", "、", "；", "（", "）", "《", "》", "“", "”",
		"ABC", "2026", "91310115MA1K4XYW34", "37.5%", " ", " ", "a", "http://x.y/z?q=1", "\n", "\u3000"}
	cjk := []string{"网", "络", "借", "贷", "信", "息", "，", "。", "、", "；", "（", "）", "《", "》", "“", "”"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 4000; i++ {
		pieces := mixed
		if i%2 == 1 {
			pieces = cjk
		}
		var b strings.Builder
		for n := rng.Intn(40); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := b.String()
		width := 1 + float64(rng.Intn(30))/2
		lines := wrapText(text, width, unitWidth)
		checkLines(t, text, width, lines)
		if i%2 == 0 || width < 2 {
			continue
		}
		// in CJK text a wrapped line starts with closing punctuation only
		// when the line before has no other character to carry along
		for j := 1; j < len(lines); j++ {
			r, _ := utf8.DecodeRuneInString(lines[j])
			if !strings.ContainsRune(closingPunct, r) {
				continue
			}
			carriers := 0
			for _, c := range lines[j-1] {
				if !strings.ContainsRune(closingPunct, c) {
					carriers++
				}
			}
			if carriers > 1 {
				t.Errorf("width %v: line %d starts with %q: %q", width, j, r, lines)
			}
		}
	}
}

// TestWrapTextRealFont checks the exported function with the Song font and
// gofpdf's own measurements, on the MultiCell case that loses characters.
func TestWrapTextRealFont(t *testing.T) {
	r := renderer(t)
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("song", "", r.fonts[0].data)
	p.AddPage()
	p.SetFont("song", "", 12)
	text := "经审核，上海陆家嘴网络借贷信息中介服务有限责任公司（统一社会信用代码：91310115MA1K4XYW34）已按照《上海市网络借贷信息中介机构整改验收工作方案》的要求完成整改，整改验收合格。"
	for _, w := range []float64{20, 37.3, 60, 100, 156} {
		lines := WrapText(p, text, w)
		if got := strings.Join(lines, ""); got != text {
			t.Fatalf("width %v: joined lines differ from the input:\n got %q\nwant %q", w, got, text)
		}
		for i, l := range lines {
			if lw := p.GetStringWidth(l); lw > w+1e-6 {
				t.Fatalf("width %v: line %d %q is %.2f wide", w, i, l, lw)
			}
			if w > 30 && i > 0 && strings.ContainsAny(l[:3], "，。）》") { // at 20 mm a split code leaves no carrier
				t.Errorf("width %v: line %d starts with closing punctuation: %q", w, i, l)
			}
		}
		if w == 60 && !strings.Contains(strings.Join(lines, "|"), "91310115MA1K4XYW34") {
			t.Errorf("USCC split across lines: %q", lines)
		}
	}
	if err := p.Error(); err != nil {
		t.Fatal(err)
	}
}
