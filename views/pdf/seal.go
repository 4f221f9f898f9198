package pdf

import (
	"math"

	"github.com/jung-kurt/gofpdf"
)

// Seal ink: a slightly transparent red multiplied onto the page, so text
// under the seal shows through the way stamped ink does.
var sealRGB = [3]int{214, 32, 38}

const (
	sealAlpha    = 0.88
	sealCondense = 0.74 // seal characters are narrow and tall
	// A seal is placed with its centre sealDrop radii above the baseline of
	// the name it stamps, so the name runs under the label through the lower
	// part of the ring; it then reaches sealAbove radii above that baseline.
	sealDrop  = 0.8
	sealAbove = sealDrop + 1
)

// seal draws a round official seal centred at (cx, cy): a thick red ring,
// the authority name along the upper arc (one rotated character at a time),
// a five-pointed star in the middle and an optional horizontal label
// (e.g. 整改验收专用章) under the star.
func (d *doc) seal(cx, cy, radius float64, name, label string) {
	if !d.ok() {
		return
	}
	p := d.pdf
	p.SetAlpha(sealAlpha, "Multiply")
	d.color(sealRGB[0], sealRGB[1], sealRGB[2])
	ring := radius * 0.05
	p.SetLineWidth(ring)
	p.Circle(cx, cy, radius-ring/2, "D")
	star(p, cx, cy, radius*0.3)
	p.SetLineWidth(radius * 0.006) // stroke the glyphs too: seal lettering is bold
	p.SetTextRenderingMode(2)
	maxSpan := 250.0 // degrees of arc the name may cover
	if label != "" {
		maxSpan = 215 // leave the bottom free for the label
	}
	d.arcText(cx, cy, radius-ring-radius*0.05, maxSpan*math.Pi/180, []rune(name))
	if label != "" {
		d.sealLabel(cx, cy+radius*0.52, radius*1.1, radius*0.19, label)
	}
	p.SetTextRenderingMode(0)
	p.SetAlpha(1, "Normal")
	d.color(0, 0, 0)
}

// star fills a five-pointed star with outer radius r, one point up.
func star(p *gofpdf.Fpdf, cx, cy, r float64) {
	pts := make([]gofpdf.PointType, 10)
	for i := range pts {
		rr := r
		if i%2 == 1 {
			rr = r * 0.382
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts[i] = gofpdf.PointType{X: cx + rr*math.Cos(a), Y: cy + rr*math.Sin(a)}
	}
	p.Polygon(pts, "F")
}

// arcText sets chars clockwise along the upper arc whose outer edge (the
// top of the characters) lies at radius outer, symmetric about the top,
// spanning at most maxSpan radians (characters shrink to fit).
func (d *doc) arcText(cx, cy, outer, maxSpan float64, chars []rune) {
	n := len(chars)
	if n == 0 {
		return
	}
	const minSpan = 150 * math.Pi / 180
	h := outer * 0.36 // character height (em), shrunk below for long names
	var rc, step float64
	for i := 0; i < 3; i++ { // settle size and spacing together
		rc = outer - h/2
		step = h * sealCondense * 1.12 / rc
		if n > 1 && step*float64(n-1) > maxSpan {
			step = maxSpan / float64(n-1)
			h = step * rc / (sealCondense * 1.12)
		}
	}
	if n > 1 && step*float64(n-1) < minSpan {
		step = math.Min(minSpan/float64(n-1), 2*step)
	}
	saved := d.size
	d.setSize(h * 72 / 25.4)
	for i, c := range chars {
		a := (float64(i) - float64(n-1)/2) * step // clockwise from the top
		d.pdf.TransformBegin()
		d.pdf.TransformRotate(-a*180/math.Pi, cx, cy)
		d.pdf.TransformScaleX(sealCondense*100, cx, cy)
		s := string(c)
		d.text(cx-d.width(s)/2, cy-rc+0.38*h, s)
		d.transformEnd()
	}
	d.setSize(saved)
}

// sealLabel sets a short horizontal line of condensed text centred on
// (cx, baseline), at most maxW wide and at most h high.
func (d *doc) sealLabel(cx, baseline, maxW, h float64, label string) {
	saved := d.size
	d.setSize(h * 72 / 25.4)
	if w := d.width(label) * sealCondense; w > maxW {
		d.setSize(d.size * maxW / w)
	}
	d.pdf.TransformBegin()
	d.pdf.TransformScaleX(sealCondense*100, cx, baseline)
	d.text(cx-d.width(label)/2, baseline, label)
	d.transformEnd()
	d.setSize(saved)
}

// transformEnd closes a transform. The PDF font state set inside it is
// lost with the graphics state, while gofpdf still believes it is current,
// so the font is selected again.
func (d *doc) transformEnd() {
	d.pdf.TransformEnd()
	if d.fontOn {
		pt, _ := d.pdf.GetFontSize()
		d.pdf.SetFontSize(pt)
	}
}
