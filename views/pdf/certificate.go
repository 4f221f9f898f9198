package pdf

import (
	"fmt"
	"math"
	"portal/models"
	"regexp"
	"strings"
	"time"
)

// CertificateData is the content of a 整改验收合格证明, issued jointly by the
// local financial regulator and the CBIRC office.
type CertificateData struct {
	Serial      string       // <省简称>-<年>-<6位>, e.g. 沪-2026-000123
	Name        string       // institution's full registered name
	USCC        string       // 统一社会信用代码 (18 characters)
	PlanName    string       // acceptance plan, e.g. 上海市网络借贷信息中介机构整改验收工作方案
	IssueDate   time.Time    // printed in China time
	Authorities [2]Authority // joint issuers, each with seal and signer
	VerifyURL   string       // public verification page, encoded into the QR code
	// Fingerprint is the SHA-256 of the certificate's content, printed as given: the rule
	// that computes it is models.CertificateFingerprint, kept once, with the record.
	Fingerprint string
	// KeyID and Signature are the SM2 signature of the content (issue 14 §2), printed as
	// a compact block; empty for a certificate not yet signed.
	KeyID, Signature string
	// QRText is what the QR code carries when signed: VerifyURL with the key id,
	// signature and content (models.CertificateQR). Empty: the QR carries VerifyURL.
	QRText string
	// Signed is the signed content with its key id and signature, embedded in the PDF's
	// Keywords as "sm2:<base64url content>.<key id>.<signature>" for `portal verify-cert`.
	Signed string
}

// SignedKeywordPrefix starts the PDF Keywords entry that holds the signed content.
const SignedKeywordPrefix = "sm2:"

// CertificateTitle is the title printed on the certificate.
const CertificateTitle = "整改验收合格证明"

// DefaultPlanName is used when CertificateData.PlanName is empty.
const DefaultPlanName = "网络借贷信息中介机构整改验收工作方案"

var (
	serialRE = regexp.MustCompile(`^\p{Han}-[0-9]{4}-[0-9]{6}$`)
	usccRE   = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{18}$`)
	sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

func (c CertificateData) normalized() (CertificateData, error) {
	c.Serial, c.Name = strings.TrimSpace(c.Serial), strings.TrimSpace(c.Name)
	c.USCC = strings.ToUpper(strings.TrimSpace(c.USCC))
	c.PlanName = strings.Trim(strings.TrimSpace(c.PlanName), "《》")
	if c.PlanName == "" {
		c.PlanName = DefaultPlanName
	}
	for i := range c.Authorities {
		c.Authorities[i].Name = strings.TrimSpace(c.Authorities[i].Name)
	}
	switch {
	case !serialRE.MatchString(c.Serial):
		return c, fmt.Errorf("pdf: serial %q is not <省简称>-<yyyy>-<6 digits>", c.Serial)
	case !usccRE.MatchString(c.USCC):
		return c, fmt.Errorf("pdf: USCC %q is not 18 characters of the USCC alphabet", c.USCC)
	case c.IssueDate.IsZero():
		return c, fmt.Errorf("pdf: issue date is required")
	case !sha256RE.MatchString(c.Fingerprint):
		return c, fmt.Errorf("pdf: fingerprint %q is not a hex SHA-256", c.Fingerprint)
	case c.QRText != "" && !strings.HasPrefix(c.QRText, c.VerifyURL):
		return c, fmt.Errorf("pdf: QR text does not start with the verify URL")
	case strings.ContainsAny(c.Signed, "()\\ ") || strings.ContainsAny(c.Signature+c.KeyID, "()\\ "):
		return c, fmt.Errorf("pdf: signature fields must be base64url")
	}
	return c, required("机构名称", c.Name, "签发机关一", c.Authorities[0].Name, "签发机关二", c.Authorities[1].Name)
}

// Certificate geometry (mm): 公文-like margins, red masthead.
const (
	certLeft, certRight = 28.0, 26.0
	certBodySize        = 14.0
	certBodyLH          = 8.4
	certSealR           = 20.0
	certQR              = 28.0
	certQRTop           = pageH - 21 - certQR
)

var certRed = [3]int{200, 16, 24}

// scopeChangeDays is the scope-change period as the certificate states it: 5个工作日.
var scopeChangeDays = fmt.Sprintf("%d个工作日", models.ScopeChangeWorkingDays)

var certStatic = "编号：经审核，（统一社会信用代码：）已按照《》的要求完成整改，经注册地区（县）核查、" +
	"整改验收小组验收并在指定官方网站公示期满，符合网络借贷信息中介机构整改验收要求，整改验收合格。" +
	"特此证明。该机构应当自取得本证明之日起" + scopeChangeDays + "内向市场监督管理部门申请变更经营范围，增加“网络借贷信息中介”，" +
	"并按规定申请备案登记。本证明不作为对该机构经营能力和信用状况的认可。签发人：扫描二维码或访问以下网址核验本证明：" +
	"签发日期：内容指纹（SHA-256）：\u3000电子签名（SM2，密钥）：未签名"

// Certificate renders the 整改验收合格证明 as a one-page PDF. The same input
// always gives the same bytes.
func (r *Renderer) Certificate(c CertificateData) ([]byte, error) {
	c, err := c.normalized()
	if err != nil {
		return nil, err
	}
	qrURL, shownURL, err := verifyURL(c.VerifyURL)
	if err != nil {
		return nil, err
	}
	a, b := c.Authorities[0], c.Authorities[1]
	body := []string{
		"\u3000\u3000经审核，" + c.Name + "（统一社会信用代码：" + c.USCC + "）已按照《" + c.PlanName +
			"》的要求完成整改，经注册地区（县）核查、整改验收小组验收并在指定官方网站公示期满，" +
			"符合网络借贷信息中介机构整改验收要求，整改验收合格。",
		"\u3000\u3000特此证明。",
		"\u3000\u3000该机构应当自取得本证明之日起" + scopeChangeDays + "内向市场监督管理部门申请变更经营范围，" +
			"增加“网络借贷信息中介”，并按规定申请备案登记。本证明不作为对该机构经营能力和信用状况的认可。",
	}
	fp, issued := c.Fingerprint, DateCN(c.IssueDate)
	d := r.newDoc(docMeta{Title: CertificateTitle + " " + c.Serial, Subject: c.Name, Author: a.Name + "、" + b.Name,
		Date: dateStamp(c.IssueDate), Keywords: c.Signed}, append(body, certStatic, CertificateTitle, c.Serial, a.Name, b.Name,
		a.SealLabel, b.SealLabel, a.Signer, b.Signer, issued, shownURL, fp)...)
	d.left, d.right, d.top, d.bottom = certLeft, certRight, 20, 15
	d.addPage()
	if !d.ok() {
		return nil, d.err
	}
	w := pageW - certLeft - certRight

	// masthead: both issuers in red, the serial, a red rule
	d.color(certRed[0], certRed[1], certRed[2])
	y := 22.0
	for _, n := range []string{a.Name, b.Name} {
		d.setSize(fitSize(d, n, w, 22))
		d.textAlign(certLeft, y+8, w, 'C', n)
		y += 11.5
	}
	d.color(0, 0, 0)
	d.setSize(14)
	d.textAlign(certLeft, y+6, w, 'C', "编号："+c.Serial)
	d.color(certRed[0], certRed[1], certRed[2])
	d.pdf.SetLineWidth(0.9)
	d.pdf.Line(certLeft, y+11, pageW-certRight, y+11)
	d.color(0, 0, 0)

	d.setSize(22)
	y = d.paragraph(certLeft, y+17, w, 12, 'C', CertificateTitle) + 5
	d.setSize(certBodySize)
	for _, p := range body {
		y = d.paragraph(certLeft, y, w, certBodyLH, 'J', p)
	}

	// signatures: two issuers side by side, each stamped, date below
	sigY := math.Max(y+sealAbove*certSealR+4, 200) // 上不压正文: the seal stays clear of the body
	if sigY > 226 {
		return nil, fmt.Errorf("pdf: certificate text too long for one page (name has %d characters)", len([]rune(c.Name)))
	}
	colW := w / 2
	for i, au := range []Authority{a, b} {
		x := certLeft + float64(i)*colW
		d.setSize(fitSize(d, au.Name, colW-6, 15))
		d.textAlign(x, sigY, colW, 'C', au.Name)
		if au.Signer != "" {
			d.setSize(12)
			d.textAlign(x, sigY+7, colW, 'C', "签发人："+au.Signer)
		}
	}
	d.setSize(14)
	d.textAlign(certLeft+colW, sigY+17, colW, 'C', issued)
	for i, au := range []Authority{a, b} { // 下压署名: the name crosses the seal's lower part
		d.seal(certLeft+(float64(i)+0.5)*colW, sigY-sealDrop*certSealR, certSealR, au.Name, au.SealLabel)
	}

	// verification strip: QR code, address, date, fingerprint, signature
	top := certQRTop
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(certLeft, top-3, pageW-certRight, top-3)
	qrText := qrURL
	if c.QRText != "" {
		qrText = c.QRText
	}
	d.qr(certLeft-2, top, certQR, qrText)
	tx := certLeft + certQR + 2
	d.setSize(8)
	d.pdf.SetTextColor(60, 60, 60)
	ty := top + 1.2
	sig := "未签名"
	if c.Signature != "" {
		sig = c.Signature
	}
	for _, s := range []string{"扫描二维码或访问以下网址核验本证明：", shownURL,
		"签发日期：" + DateISO(c.IssueDate) + "\u3000编号：" + c.Serial, "内容指纹（SHA-256）：", fp,
		"电子签名（SM2，密钥 " + c.KeyID + "）：", sig} {
		ty = d.paragraph(tx, ty, pageW-certRight-tx, 3.9, 'L', s)
	}
	return d.output()
}

// fitSize returns size, reduced so that s fits in w.
func fitSize(d *doc, s string, w, size float64) float64 {
	d.setSize(size)
	if sw := d.width(s); sw > w {
		return size * w / sw
	}
	return size
}
