package pdf

import (
	"fmt"
	"time"
)

var checkMethods = []string{
	"核查账务系统", "资金流水", "项目真实性", "网站信息披露",
	"抽查借贷合同", "暗访线下营销和宣传", "产品合规性调查",
}

// CheckMethods returns the on-site check methods of plan 6 四(二), in the
// order the forms list them; OnSiteCheck.Methods takes these names.
func CheckMethods() []string { return append([]string(nil), checkMethods...) }

// Institution identifies the platform a form is about.
type Institution struct {
	Name     string // full registered name
	USCC     string // 统一社会信用代码
	District string // 注册地（区）, e.g. 黄浦区
}

// OnSiteCheck is the district's on-site check.
type OnSiteCheck struct {
	Date         time.Time
	Participants string   // 参加人员, including third-party firms
	Methods      []string // chosen from CheckMethods()
	Findings     string   // 核查发现
}

// Authority is an issuing body and the label in the middle of its seal.
type Authority struct {
	Name      string // e.g. 上海市黄浦区金融工作办公室
	SealLabel string // optional, e.g. 整改验收专用章
	Signer    string // optional 签发人 (the certificate names one per authority)
}

// SignOff is the bottom of a district form: officer, sealing body, date.
type SignOff struct {
	Officer   string // 经办人
	Authority Authority
	Date      time.Time
	Stamp     Stamp // SM2 signature block, printed at the foot of the last page when set
}

const (
	formMargin = 20.0
	labelW     = 36.0
	valueW     = 50.0 // the second value column of four-column rows
	choiceBox  = 3.4
	choiceGap  = 5.0
	checkMark  = "√"
	sealR      = 18.0
	signH      = 52.0 // height of the sealed sign-off block
)

func choiceW(d *doc, s string) float64 { return choiceBox + 1.2 + d.width(s) }

// choices draws check boxes in cols columns from top; returns the y below.
func (t *table) choices(x, top, w float64, cs []choice, cols int) float64 {
	d := t.d
	colW := w / float64(cols)
	for i, c := range cs {
		cx, cy := x+float64(i%cols)*colW, top+float64(i/cols)*tableLH
		by := cy + (tableLH-choiceBox)/2
		d.pdf.SetLineWidth(0.25)
		d.pdf.Rect(cx, by, choiceBox, choiceBox, "D")
		if c.checked { // a stroked √ glyph: bold, and pdftotext reads it
			d.setSize(11)
			d.pdf.SetLineWidth(0.18)
			d.pdf.SetTextRenderingMode(2)
			d.textAlign(cx+0.2, by+choiceBox*0.92, choiceBox, 'C', checkMark)
			d.pdf.SetTextRenderingMode(0)
			d.setSize(tableSize)
		}
		d.text(cx+choiceBox+1.2, d.baseline(cy, tableLH), c.text)
	}
	return top + float64((len(cs)+cols-1)/cols)*tableLH
}

func methodChoices(chosen map[string]bool) []choice {
	cs := make([]choice, len(checkMethods))
	for i, m := range checkMethods {
		cs[i] = choice{m, chosen[m]}
	}
	return cs
}

// formSpec is what differs between the district forms.
type formSpec struct {
	title   string
	subject string
	inst    Institution
	sign    SignOff
	texts   []string       // every other string the rows draw
	rows    func(t *table) // the body rows
}

const formStatic = "填报单位：填报日期：机构名称统一社会信用代码注册地（区）经办人单位盖章（）" + footerText + checkMark + contSuffix

// form renders a district form: title, header line, institution rows, the
// body rows, the officer row and a sealed sign-off block.
func (r *Renderer) form(s formSpec) ([]byte, error) {
	if err := required("机构名称", s.inst.Name, "统一社会信用代码", s.inst.USCC,
		"注册地（区）", s.inst.District, "经办人", s.sign.Officer, "盖章单位", s.sign.Authority.Name); err != nil {
		return nil, err
	}
	if s.sign.Date.IsZero() {
		return nil, fmt.Errorf("pdf: %s: sign-off date is required", s.title)
	}
	a, date := s.sign.Authority, DateCN(s.sign.Date)
	texts := append([]string{formStatic, s.title, s.inst.Name, s.inst.USCC, s.inst.District,
		s.sign.Officer, a.Name, a.SealLabel, date, stampStatic}, s.texts...)
	d := r.newDoc(docMeta{Title: s.title, Subject: s.subject, Author: a.Name, Date: dateStamp(s.sign.Date), Keywords: s.sign.Stamp.Token}, texts...)
	d.left, d.right, d.top, d.bottom = formMargin, formMargin, formMargin, formMargin
	d.footers = true
	d.addPage()
	if !d.ok() {
		return nil, d.err
	}
	d.setSize(18)
	y := d.paragraph(d.left, 22, pageW-2*formMargin, 10, 'C', s.title)
	d.setSize(10.5)
	d.text(d.left, y+7, "填报单位："+a.Name)
	d.textAlign(d.left, y+7, pageW-2*formMargin, 'R', "填报日期："+date)

	t := d.newTable(y + 10)
	t.row(cell{w: labelW, text: "机构名称", label: true}, cell{text: s.inst.Name})
	t.row(cell{w: labelW, text: "统一社会信用代码", label: true}, cell{text: s.inst.USCC},
		cell{w: labelW, text: "注册地（区）", label: true}, cell{w: valueW, text: s.inst.District})
	s.rows(t)
	t.need(rowMinH + signH) // keep the officer with the seal
	t.row(cell{w: labelW, text: "经办人", label: true}, cell{text: s.sign.Officer})
	t.block("单位盖章", labelW, signH, func(x, y, w, h float64) {
		d.setSize(12)
		right, base := x+w-12, y+h-17
		d.textAlign(x, base, right-x, 'R', a.Name+"（盖章）")
		d.textAlign(x, base+9, right-x, 'R', date)
		cx := right - d.width("（盖章）") - d.width(a.Name)/2
		d.seal(cx, base-sealDrop*sealR, sealR, a.Name, a.SealLabel)
	})
	t.end()
	d.stamp(s.sign.Stamp, pageH-formMargin+1.5)
	return d.output()
}

func checkRows(t *table, c OnSiteCheck, chosen map[string]bool) {
	t.row(cell{w: labelW, text: "现场核查方式", label: true}, cell{choices: methodChoices(chosen)})
	t.row(cell{w: labelW, text: "核查日期", label: true}, cell{text: DateCN(c.Date)})
	t.row(cell{w: labelW, text: "参加人员", label: true}, cell{text: c.Participants})
	t.row(cell{w: labelW, text: "核查发现", label: true}, cell{text: c.Findings})
}

const checkStatic = "现场核查方式核查日期参加人员核查发现"

func checkTexts(c OnSiteCheck) []string {
	return append([]string{checkStatic, DateCN(c.Date), c.Participants, c.Findings}, checkMethods...)
}

func (c OnSiteCheck) validate() (map[string]bool, error) {
	if c.Date.IsZero() {
		return nil, fmt.Errorf("pdf: on-site check date is required")
	}
	if err := required("参加人员", c.Participants, "核查发现", c.Findings); err != nil {
		return nil, err
	}
	return checkChosen(checkMethods, c.Methods)
}
