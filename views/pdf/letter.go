package pdf

import (
	"fmt"
	"strings"
	"time"
)

// LetterData is a formal document (公文) of one issuing authority: the red masthead,
// the document number (文号), the title, the addressee, the body and the sealed
// signature with the date. The 不合格告知书 and the public notice are letters.
type LetterData struct {
	Authority string   // issuing authority, on the masthead, the signature and the seal
	SealLabel string   // label under the seal's star, may be empty
	Number    string   // 文号, e.g. 广州金验公〔2026〕3号
	Title     string   // e.g. 整改验收不合格告知书
	Addressee string   // 主送, e.g. the institution's name; empty for a public notice
	Body      []string // paragraphs; each is indented as Chinese body text is
	Date      time.Time
}

// Letter geometry (mm): GB/T 9704-like margins.
const (
	letterLeft, letterRight = 28.0, 26.0
	letterTop, letterBottom = 25.0, 25.0
	letterSize              = 14.0
	letterLH                = 8.2
	letterSealR             = 19.0
)

const letterStatic = "：\u3000" + footerText

func (l LetterData) normalized() (LetterData, error) {
	l.Authority, l.Number, l.Title = strings.TrimSpace(l.Authority), strings.TrimSpace(l.Number), strings.TrimSpace(l.Title)
	l.Addressee = strings.TrimSpace(l.Addressee)
	if l.Date.IsZero() {
		return l, fmt.Errorf("pdf: letter date is required")
	}
	if len(l.Body) == 0 {
		return l, fmt.Errorf("pdf: letter body is required")
	}
	return l, required("发文机关", l.Authority, "文号", l.Number, "标题", l.Title)
}

// Letter renders a formal document as PDF, over as many pages as its body needs, with
// page numbers. The same input always gives the same bytes.
func (r *Renderer) Letter(l LetterData) ([]byte, error) {
	l, err := l.normalized()
	if err != nil {
		return nil, err
	}
	dated := DateCN(l.Date)
	body := make([]string, len(l.Body))
	for i, p := range l.Body {
		body[i] = "\u3000\u3000" + strings.TrimSpace(p)
	}
	texts := append([]string{letterStatic, l.Authority, l.SealLabel, l.Number, l.Title, l.Addressee, dated}, body...)
	d := r.newDoc(docMeta{Title: l.Title + " " + l.Number, Subject: l.Addressee, Author: l.Authority, Date: dateStamp(l.Date)}, texts...)
	d.left, d.right, d.top, d.bottom = letterLeft, letterRight, letterTop, letterBottom
	d.footers = true
	d.addPage()
	if !d.ok() {
		return nil, d.err
	}
	w := pageW - letterLeft - letterRight

	// masthead: the authority in red, the number, a red rule
	d.color(certRed[0], certRed[1], certRed[2])
	d.setSize(fitSize(d, l.Authority, w, 24))
	d.textAlign(letterLeft, 38, w, 'C', l.Authority)
	d.color(0, 0, 0)
	d.setSize(14)
	d.textAlign(letterLeft, 50, w, 'C', l.Number)
	d.color(certRed[0], certRed[1], certRed[2])
	d.pdf.SetLineWidth(0.8)
	d.pdf.Line(letterLeft, 54, pageW-letterRight, 54)
	d.color(0, 0, 0)

	d.setSize(20)
	y := d.paragraph(letterLeft, 62, w, 11, 'C', l.Title) + 4
	d.setSize(letterSize)
	bottom := pageH - letterBottom
	flow := func(s string) {
		for _, ln := range d.wrap(s, w) {
			if y+letterLH > bottom {
				d.addPage()
				d.setSize(letterSize)
				y = letterTop
			}
			y = d.lines(letterLeft, y, w, letterLH, 'J', []line{ln})
		}
	}
	if l.Addressee != "" {
		flow(l.Addressee + "：")
	}
	for _, p := range body {
		flow(p)
	}

	// signature: authority and date flush right, the seal over both (下压署名)
	need := letterLH*3 + letterSealR*2
	if y+need > bottom {
		d.addPage()
		y = letterTop + letterSealR
	}
	sigY := y + letterSealR + 6
	d.setSize(letterSize)
	nameW := d.width(l.Authority)
	dateW := d.width(dated)
	colW := nameW
	if dateW > colW {
		colW = dateW
	}
	x := pageW - letterRight - colW - 8
	d.textAlign(x, sigY, colW, 'C', l.Authority)
	d.textAlign(x, sigY+letterLH, colW, 'C', dated)
	d.seal(x+colW/2, sigY-sealDrop*letterSealR+2, letterSealR, l.Authority, l.SealLabel)
	if !d.ok() {
		return nil, d.err
	}
	return d.output()
}

// Letter renders l with the Default renderer.
func Letter(l LetterData) ([]byte, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Letter(l)
}
