package pdf

import (
	"bytes"
	"fmt"
	"portal/models"
	"sort"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// A4 portrait, millimetres.
const (
	pageW = 210.0
	pageH = 297.0
)

// doc is one document being rendered: gofpdf with the document's font, text
// helpers that measure, wrap and align, and the first error.
type doc struct {
	r     *Renderer
	pdf   *gofpdf.Fpdf
	runes map[rune]bool // characters declared up front (the font subset)
	size  float64       // current font size, points
	err   error
	// footers prints page numbers on every page
	footers bool
	fontOn  bool    // a font has been selected in pdf
	left    float64 // margins
	right   float64
	top     float64
	bottom  float64
}

// asciiPrintable is always part of the subset: digits for page numbers,
// Latin letters in URLs and codes.
const asciiPrintable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// newDoc starts an A4 document. texts must contain every string the document
// will draw (static labels and input); their characters form the font subset.
func (r *Renderer) newDoc(meta docMeta, texts ...string) *doc {
	d := &doc{r: r, runes: map[rune]bool{}, size: 12}
	if len(r.fonts) == 0 {
		d.err = errNoFont
		return d
	}
	for _, s := range append(texts, asciiPrintable, meta.Title) {
		for _, c := range s {
			d.runes[c] = true
		}
	}
	var subset, missing []rune
	for c := range d.runes {
		if r.fontFor(c) >= 0 {
			subset = append(subset, c)
		} else if c > ' ' && c != '\u3000' {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		sort.Slice(missing, func(i, j int) bool { return missing[i] < missing[j] })
		d.err = fmt.Errorf("pdf: no installed font has these characters: %q", string(missing))
		return d
	}
	sort.Slice(subset, func(i, j int) bool { return subset[i] < subset[j] })
	p := gofpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetCatalogSort(true)
	stamp := meta.Date.In(models.ChinaTime)
	p.SetCreationDate(stamp)
	p.SetModificationDate(stamp)
	p.SetTitle(meta.Title, true)
	p.SetSubject(meta.Subject, true)
	p.SetAuthor(meta.Author, true)
	p.SetCreator("portal views/pdf", true)
	if meta.Keywords != "" {
		p.SetKeywords(meta.Keywords, false)
	}
	p.SetAutoPageBreak(false, 0)
	p.SetLineCapStyle("butt")
	p.AliasNbPages("{nb}")
	font := r.fonts[0].data // benchmark baseline: gofpdf parses and cuts the whole font
	if !r.fullFont {
		font = subsetOf(r.fonts, subset)
	}
	d.fail(guardGofpdf(func() { p.AddUTF8FontFromBytes(docFont, "", font) }))
	d.pdf = p
	d.fail(p.Error())
	return d
}

// guardGofpdf runs a gofpdf call that reads the font, turning a panic into an error:
// gofpdf's font reader indexes without bounds checks, and a damaged font file must fail
// the document, not the request.
func guardGofpdf(call func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("pdf: gofpdf cannot read the font: %v", p)
		}
	}()
	call()
	return nil
}

type docMeta struct {
	Title, Subject, Author string
	Date                   time.Time
	Keywords               string // ASCII only (a signed-content token)
}

// docFont is the family name of the document's one font: a subset holding
// exactly the characters the document uses, from the primary font or, for
// characters it lacks, a fallback.
const docFont = "doc"

func (d *doc) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// ok reports whether drawing should go on.
func (d *doc) ok() bool {
	if d.err == nil && d.pdf != nil {
		d.fail(d.pdf.Error())
	}
	return d.err == nil
}

// addPage finishes the current page (its footer) and starts a new one.
func (d *doc) addPage() {
	if !d.ok() {
		return
	}
	if d.footers && d.pdf.PageNo() > 0 {
		d.footer()
	}
	d.pdf.AddPage()
}

func (d *doc) setSize(pt float64) { d.size = pt }

// fs is the font size in millimetres.
func (d *doc) fs() float64 { return d.size * 25.4 / 72 }

func (d *doc) runeWidth(c rune) float64 { return d.r.width(c, d.fs()) }

func (d *doc) width(s string) float64 {
	w := 0.0
	for _, c := range s {
		w += d.runeWidth(c)
	}
	return w
}

// line is a wrapped line; end marks the last line of a paragraph, which
// justified text leaves flush left.
type line struct {
	s   string
	end bool
}

var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ")

// wrap splits s into lines no wider than w at the current size.
func (d *doc) wrap(s string, w float64) []line {
	var out []line
	for _, p := range strings.Split(newlines.Replace(s), "\n") {
		ls := wrapText(p, w, d.runeWidth)
		for i, l := range ls {
			out = append(out, line{l, i == len(ls)-1})
		}
	}
	return out
}

// text draws s with its baseline at y.
func (d *doc) text(x, y float64, s string) {
	if !d.ok() {
		return
	}
	for _, c := range s {
		if !d.runes[c] {
			d.fail(fmt.Errorf("pdf: internal: character %q drawn but not declared for the font subset", c))
			return
		}
	}
	d.pdf.SetFont(docFont, "", d.size) // a no-op when unchanged
	d.fontOn = true
	d.pdf.Text(x, y, s)
}

// textAlign draws s in the box [x, x+w] aligned 'L', 'C' or 'R'.
func (d *doc) textAlign(x, y, w float64, align byte, s string) {
	switch align {
	case 'C':
		x += (w - d.width(s)) / 2
	case 'R':
		x += w - d.width(s)
	}
	d.text(x, y, s)
}

// baseline returns the baseline for text vertically centred in a line box
// starting at top with height lh (CJK em box: ~0.88 em above baseline).
func (d *doc) baseline(top, lh float64) float64 { return top + lh/2 + 0.36*d.fs() }

// lines draws lines in line boxes of height lh from top, aligned 'L', 'C',
// 'R' or 'J' (justified: lines that do not end a paragraph span the full
// width); it returns the y below the last line.
func (d *doc) lines(x, top, w, lh float64, align byte, ls []line) float64 {
	for _, l := range ls {
		switch {
		case align == 'J' && !l.end:
			d.justify(x, d.baseline(top, lh), w, l.s)
		case align == 'J':
			d.text(x, d.baseline(top, lh), l.s)
		default:
			d.textAlign(x, d.baseline(top, lh), w, align, l.s)
		}
		top += lh
	}
	return top
}

// justify spreads the characters of s evenly over w, as Chinese body text
// is set; a line with much slack (before a long word) stays flush left.
func (d *doc) justify(x, y, w float64, s string) {
	rs := []rune(s)
	slack := w - d.width(s)
	if len(rs) < 2 || slack <= 0 || slack > 0.12*w {
		d.text(x, y, s)
		return
	}
	gap := slack / float64(len(rs)-1)
	for _, c := range rs {
		d.text(x, y, string(c))
		x += d.runeWidth(c) + gap
	}
}

// paragraph wraps and draws s; it returns the y below it.
func (d *doc) paragraph(x, top, w, lh float64, align byte, s string) float64 {
	return d.lines(x, top, w, lh, align, d.wrap(s, w))
}

func (d *doc) color(r, g, b int) {
	d.pdf.SetTextColor(r, g, b)
	d.pdf.SetDrawColor(r, g, b)
	d.pdf.SetFillColor(r, g, b)
}

// footer prints "第 n 页 共 m 页" centred at the bottom of the current page.
func (d *doc) footer() {
	if !d.ok() {
		return
	}
	d.color(0, 0, 0)
	d.setSize(9)
	d.textAlign(0, pageH-10, pageW, 'C', fmt.Sprintf("第 %d 页 共 {nb} 页", d.pdf.PageNo()))
}

// footerText holds the footer's characters, for the font subset.
const footerText = "第页共"

func (d *doc) output() ([]byte, error) {
	if d.footers {
		d.footer()
	}
	if !d.ok() {
		return nil, d.err
	}
	var buf bytes.Buffer
	var err error
	if perr := guardGofpdf(func() { err = d.pdf.Output(&buf) }); perr != nil { // Output cuts the font again
		return nil, perr
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
