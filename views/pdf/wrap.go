package pdf

import (
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// WrapText splits text into lines no wider than width, measured with the
// current font of pdf rune by rune. Unlike gofpdf's MultiCell/SplitText it
// never drops a character at a CJK line break.
//
//   - "\n" ends a line; lines may be empty.
//   - A line may break between any two CJK characters; runs of Latin letters
//     and digits (words, numbers, URLs) stay together unless one alone is
//     wider than the line.
//   - A space where a line breaks is dropped; no other character is dropped
//     or duplicated, so the lines joined equal text minus newlines and
//     breaking spaces.
//   - A word split across lines never leaves "-" at the end of a line.
//   - Where it can, no line starts with closing punctuation (，。、；：）》」 …)
//     and none ends with opening punctuation (（《「 …).
func WrapText(pdf *gofpdf.Fpdf, text string, width float64) []string {
	cache := map[rune]float64{}
	return wrapText(text, width, func(c rune) float64 {
		w, ok := cache[c]
		if !ok {
			w = pdf.GetStringWidth(string(c))
			cache[c] = w
		}
		return w
	})
}

const (
	closingPunct = "，。、；：？！）》」』】〕〉”’…—·%‰℃,.;:?!)]}>％～"
	openingPunct = "（《「『【〔〈“‘([{<"
	wrapEpsilon  = 1e-9
)

type token struct {
	s     string
	w     float64
	space bool
}

func isWordRune(c rune) bool {
	return c > ' ' && c < 0x2E80 && !strings.ContainsRune("（《「『【〔〈“‘”’…—，。、；：？！）》」』】〕〉", c)
}

// tokenize splits a paragraph into breakable units: single spaces, words
// (runs of Latin-script runes), and single other characters.
func tokenize(p string, measure func(rune) float64) []token {
	var toks []token
	rs := []rune(p)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		t := token{s: string(rs[i:j]), space: rs[i] == ' '}
		for _, c := range rs[i:j] {
			t.w += measure(c)
		}
		toks = append(toks, t)
		i = j
	}
	return toks
}

func startsWith(t token, set string) bool {
	for _, c := range t.s {
		return strings.ContainsRune(set, c)
	}
	return false
}

func endsWith(t token, set string) bool {
	rs := []rune(t.s)
	return len(rs) > 0 && strings.ContainsRune(set, rs[len(rs)-1])
}

func wrapText(text string, width float64, measure func(rune) float64) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		out = append(out, wrapParagraph(tokenize(p, measure), width, measure)...)
	}
	return out
}

func wrapParagraph(toks []token, width float64, measure func(rune) float64) []string {
	var lines []string
	var cur []token
	curW := 0.0
	soft := false // the current line continues a wrapped one
	emit := func(ts []token) {
		var b strings.Builder
		for _, t := range ts {
			b.WriteString(t.s)
		}
		lines = append(lines, b.String())
	}
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.space && soft && len(cur) == 0 {
			i++ // a breaking space at the start of a wrapped line
			continue
		}
		if curW+t.w <= width+wrapEpsilon {
			cur, curW = append(cur, t), curW+t.w
			i++
			continue
		}
		if t.space { // break at the space, dropping it
			emit(trimSpaces(cur))
			cur, curW, soft = nil, 0, true
			i++
			continue
		}
		if len(cur) == 0 { // one word wider than the line: split it
			head, tail := splitWord(t, width, measure)
			emit([]token{head})
			soft = true
			if tail.s == "" {
				i++
			} else {
				toks[i] = tail
			}
			continue
		}
		keep := len(cur)
		if startsWith(t, closingPunct) { // carry the character it follows along
			k := keep
			for k > 1 && startsWith(cur[k-1], closingPunct) {
				k--
			}
			if k > 1 {
				keep = k - 1
			}
		}
		for keep > 1 && (endsWith(cur[keep-1], openingPunct) || cur[keep-1].space) {
			keep--
		}
		if keep < len(cur) && !allSpaces(cur[:keep]) {
			i -= len(cur) - keep
		} else {
			keep = len(cur)
		}
		emit(trimSpaces(cur[:keep]))
		cur, curW, soft = nil, 0, true
	}
	if len(cur) > 0 || !soft {
		emit(cur)
	}
	return lines
}

// trimSpaces drops trailing space tokens (breaking spaces).
func trimSpaces(ts []token) []token {
	for len(ts) > 0 && ts[len(ts)-1].space {
		ts = ts[:len(ts)-1]
	}
	return ts
}

func allSpaces(ts []token) bool {
	for _, t := range ts {
		if !t.space {
			return false
		}
	}
	return true
}

// splitWord cuts t after as many runes as fit in width, at least one (a
// character wider than the whole line is put on a line of its own).
func splitWord(t token, width float64, measure func(rune) float64) (token, token) {
	rs := []rune(t.s)
	n, w := 0, 0.0
	for n < len(rs) && (n == 0 || w+measure(rs[n]) <= width+wrapEpsilon) {
		w += measure(rs[n])
		n++
	}
	// A line-final hyphen reads as soft hyphenation to text extractors
	// (pdftotext drops it), so a cut word never ends in one: a signature
	// copied off the page must stay the signature.
	for n > 1 && n < len(rs) && rs[n-1] == '-' {
		n--
		w -= measure(rs[n])
	}
	return token{s: string(rs[:n]), w: w}, token{s: string(rs[n:]), w: t.w - w}
}
