package pdf

import "strings"

// Stamp is a document's SM2 signature (issue 14 §2): printed as a compact block and
// carried in the PDF's Keywords for `portal verify-cert`.
type Stamp struct {
	KeyID     string
	Signature string // base64url
	Token     string // models.DocumentToken or models.CertificateToken, ASCII
}

const stampStatic = "电子签名（SM2，密钥）：核验公钥见"

// stamp prints the signature in small grey type from top, above the page number.
func (d *doc) stamp(s Stamp, top float64) {
	if !d.ok() || s.Signature == "" {
		return
	}
	if strings.ContainsAny(s.Token+s.Signature+s.KeyID, "()\\ ") {
		d.fail(errBadStamp)
		return
	}
	d.setSize(7)
	d.pdf.SetTextColor(90, 90, 90)
	d.paragraph(d.left, top, pageW-d.left-d.right, 3, 'L', "电子签名（SM2，密钥 "+s.KeyID+"）："+s.Signature)
	d.pdf.SetTextColor(0, 0, 0)
}

type stampError string

func (e stampError) Error() string { return string(e) }

const errBadStamp = stampError("pdf: signature fields must be base64url")
