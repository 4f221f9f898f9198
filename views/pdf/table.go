package pdf

import "math"

// Form table geometry (mm) and type size (pt).
const (
	cellPadX   = 2.2
	cellPadY   = 1.8
	tableLine  = 0.25
	tableFrame = 0.6
	tableSize  = 11.0
	tableLH    = 6.2
	rowMinH    = 10.0
	contSuffix = "（续）"
)

// cell is one cell of a table row. A label cell is centred; a value cell
// holds wrapped text or, when choices is set, a grid of check boxes.
type cell struct {
	w       float64 // width; 0 takes what the other cells leave
	text    string
	label   bool
	choices []choice
}

type choice struct {
	text    string
	checked bool
}

// table draws bordered form rows down the page, breaking pages as needed:
// a row with long text is split across pages, its labels marked （续）.
type table struct {
	d      *doc
	x, w   float64
	y, top float64 // current position; top of the table on this page
}

func (d *doc) newTable(y float64) *table {
	return &table{d: d, x: d.left, w: pageW - d.left - d.right, y: y, top: y}
}

// laid is a row with its widths and content laid out in lines.
type laid struct {
	cells []cell
	lines [][]line
	cols  []int // check box columns for choice cells
}

func (t *table) layout(cells []cell) laid {
	d := t.d
	d.setSize(tableSize)
	fixed, free := 0.0, 0
	for _, c := range cells {
		fixed += c.w
		if c.w == 0 {
			free++
		}
	}
	l := laid{cells: append([]cell(nil), cells...), lines: make([][]line, len(cells)), cols: make([]int, len(cells))}
	for i := range l.cells {
		c := &l.cells[i]
		if c.w == 0 {
			c.w = (t.w - fixed) / float64(free)
		}
		inner := c.w - 2*cellPadX
		if c.choices == nil {
			l.lines[i] = d.wrap(c.text, inner)
			continue
		}
		widest := 0.0
		for _, ch := range c.choices {
			widest = math.Max(widest, choiceW(d, ch.text))
		}
		l.cols[i] = max(1, int((inner+choiceGap)/(widest+choiceGap)))
		rows := (len(c.choices) + l.cols[i] - 1) / l.cols[i]
		l.lines[i] = make([]line, rows) // one line box per row of boxes
		if c.text != "" {
			l.lines[i] = append(l.lines[i], d.wrap(c.text, inner)...)
		}
	}
	return l
}

func (l laid) height() float64 {
	n := 0
	for _, ls := range l.lines {
		n = max(n, len(ls))
	}
	return math.Max(rowMinH, float64(n)*tableLH+2*cellPadY)
}

// row draws one row, splitting it over pages when it holds long text.
func (t *table) row(cells ...cell) {
	l := t.layout(cells)
	bottom := pageH - t.d.bottom
	for t.d.ok() {
		h := l.height()
		avail := bottom - t.y
		if h <= avail {
			t.draw(l, h)
			return
		}
		fit := int((avail - 2*cellPadY) / tableLH)
		first, rest, ok := l.split(fit, t.d.wrap)
		switch {
		case ok && fit >= 2:
			t.draw(first, avail)
			t.pageBreak()
			l = rest
		case t.y > t.top+0.01: // not at the top yet: try a fresh page
			t.pageBreak()
		default: // taller than a page and cannot split: let it overflow
			t.draw(l, h)
			return
		}
	}
}

// split cuts the row after n lines of its one long text cell; the other
// cells must fit in n lines; labels are shown again, marked continued.
func (l laid) split(n int, wrap func(string, float64) []line) (laid, laid, bool) {
	long := -1
	for i, ls := range l.lines {
		if len(ls) > n {
			if long >= 0 || l.cells[i].choices != nil {
				return l, l, false
			}
			long = i
		}
	}
	if long < 0 || n < 1 {
		return l, l, false
	}
	first := laid{cells: l.cells, lines: append([][]line(nil), l.lines...), cols: l.cols}
	rest := laid{cells: append([]cell(nil), l.cells...), lines: make([][]line, len(l.lines)), cols: l.cols}
	first.lines[long] = l.lines[long][:n]
	rest.lines[long] = l.lines[long][n:]
	for i, c := range rest.cells {
		if i != long && c.label && c.text != "" {
			rest.lines[i] = wrap(c.text+contSuffix, c.w-2*cellPadX)
		}
	}
	return first, rest, true
}

// draw strokes the row's cells with height h and fills in their content,
// centred vertically.
func (t *table) draw(l laid, h float64) {
	d := t.d
	d.setSize(tableSize)
	d.pdf.SetLineWidth(tableLine)
	x := t.x
	for _, c := range l.cells {
		d.pdf.Rect(x, t.y, c.w, h, "D")
		x += c.w
	}
	x = t.x
	for i, c := range l.cells {
		n := len(l.lines[i])
		top := t.y + (h-float64(n)*tableLH)/2
		inner := c.w - 2*cellPadX
		switch {
		case c.choices != nil:
			top = t.choices(x+cellPadX, top, inner, c.choices, l.cols[i])
			d.lines(x+cellPadX, top, inner, tableLH, 'J', l.lines[i][(len(c.choices)+l.cols[i]-1)/l.cols[i]:])
		case c.label:
			d.lines(x+cellPadX, top, inner, tableLH, 'C', l.lines[i])
		default:
			d.lines(x+cellPadX, top, inner, tableLH, 'J', l.lines[i])
		}
		x += c.w
	}
	t.y += h
}

// block draws a fixed-height row: a label cell and a cell drawn by fn.
func (t *table) block(label string, labelW, h float64, fn func(x, y, w, h float64)) {
	t.need(h)
	t.draw(t.layout([]cell{{w: labelW, text: label, label: true}, {}}), h)
	if t.d.ok() {
		fn(t.x+labelW, t.y-h, t.w-labelW, h)
	}
}

// need starts a new page unless h millimetres are left on this one.
func (t *table) need(h float64) {
	if t.y+h > pageH-t.d.bottom && t.y > t.top+0.01 {
		t.pageBreak()
	}
}

// frame strokes the heavier outer border of the table on this page.
func (t *table) frame() {
	if t.y > t.top && t.d.ok() {
		t.d.pdf.SetLineWidth(tableFrame)
		t.d.pdf.Rect(t.x, t.top, t.w, t.y-t.top, "D")
	}
}

func (t *table) pageBreak() {
	t.frame()
	t.d.addPage()
	t.y, t.top = t.d.top, t.d.top
}

// end finishes the table and returns the y below it.
func (t *table) end() float64 {
	t.frame()
	return t.y
}
