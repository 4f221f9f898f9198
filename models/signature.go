package models

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// SM2 signatures (GB/T 32918.2-2016, SM3 digest, the standard's default user id) on the
// documents the portal issues. Issue 14 §2: the province holds a signing key; its public
// key and every rotated-out key, with validity dates, are published at /verify/keys.
// These are the pure rules: what is signed, how a signature is checked. Keeping the
// private key on disk is web's job.

// SigningKey is one published public key of the province.
type SigningKey struct {
	ID          string    `json:"id"`                 // first 16 hex digits of the fingerprint
	Algorithm   string    `json:"algorithm"`          // "SM2-SM3"
	PublicKey   string    `json:"public_key"`         // PEM, SubjectPublicKeyInfo
	Fingerprint string    `json:"fingerprint"`        // hex SM3 of the DER public key
	Issuers     [2]string `json:"issuers"`            // the two issuing authorities the key signs for
	ValidFrom   string    `json:"valid_from"`         // yyyy-mm-dd
	ValidTo     string    `json:"valid_to,omitempty"` // yyyy-mm-dd, set when rotated out
}

// KeyRing is the published list of keys, current last.
type KeyRing struct {
	Province string       `json:"province"`
	Keys     []SigningKey `json:"keys"`
}

// SigningAlgorithm names the scheme in published documents.
const SigningAlgorithm = "SM2-SM3"

// Key finds a key by id.
func (r KeyRing) Key(id string) (SigningKey, bool) {
	for _, k := range r.Keys {
		if k.ID == id {
			return k, true
		}
	}
	return SigningKey{}, false
}

// Current is the key that signs now: the one without an end date.
func (r KeyRing) Current() (SigningKey, bool) {
	for i := len(r.Keys) - 1; i >= 0; i-- {
		if r.Keys[i].ValidTo == "" {
			return r.Keys[i], true
		}
	}
	return SigningKey{}, false
}

// NewSigningKey describes the public half of priv, valid from day.
func NewSigningKey(priv *sm2.PrivateKey, issuers [2]string, day Date) (SigningKey, error) {
	der, err := smx509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return SigningKey{}, err
	}
	sum := sm3.Sum(der)
	fp := hex.EncodeToString(sum[:])
	return SigningKey{ID: fp[:16], Algorithm: SigningAlgorithm, Fingerprint: fp, Issuers: issuers, ValidFrom: day.String(),
		PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}, nil
}

// GenerateSigningKey makes a new SM2 private key.
func GenerateSigningKey() (*sm2.PrivateKey, error) { return sm2.GenerateKey(rand.Reader) }

// SM2Sign signs msg with priv (SM3 over the user id digest and msg), ASN.1 encoded.
func SM2Sign(priv *sm2.PrivateKey, msg []byte) ([]byte, error) {
	return priv.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, nil))
}

// publicKey parses the key's PEM.
func (k SigningKey) publicKey() (*ecdsa.PublicKey, error) {
	b, _ := pem.Decode([]byte(k.PublicKey))
	if b == nil {
		return nil, Errorf(EInvalid, "公钥 %s 格式不正确", k.ID)
	}
	pk, err := smx509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, Errorf(EInvalid, "公钥 %s 无法解析", k.ID)
	}
	pub, ok := pk.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, Errorf(EInvalid, "公钥 %s 不是 SM2 公钥", k.ID)
	}
	return pub, nil
}

// Verify reports whether sig is this key's signature of msg.
func (k SigningKey) Verify(msg, sig []byte) bool {
	pub, err := k.publicKey()
	return err == nil && sm2.VerifyASN1WithSM2(pub, nil, msg, sig)
}

// Covers reports whether a document dated day falls within the key's validity: a key
// rotated out still vouches for what it signed before its end date, and for nothing
// dated after it. (A document re-signed when signing was introduced may predate the
// key, so only the end is checked.)
func (k SigningKey) Covers(day Date) bool {
	if k.ValidTo == "" {
		return true
	}
	end, err := ParseDate(k.ValidTo)
	return err == nil && !day.After(end)
}

// EncodeSignature is the compact form printed and put in QR codes: unpadded base64url.
func EncodeSignature(sig []byte) string { return base64.RawURLEncoding.EncodeToString(sig) }

// DecodeSignature reverses EncodeSignature; padding and standard base64 are accepted too.
func DecodeSignature(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, Errorf(EInvalid, "签名值格式不正确")
	}
	return b, nil
}

// CertificateSignedContent is what the province signs for a certificate (issue 14 §2):
// serial, institution name, USCC, the two issuers, issue date and the content
// fingerprint, as compact JSON in this order.
func CertificateSignedContent(c Certificate) []byte {
	b, _ := json.Marshal(struct {
		V           int       `json:"v"`
		Kind        string    `json:"kind"`
		Serial      string    `json:"serial"`
		Name        string    `json:"name"`
		USCC        string    `json:"uscc"`
		Issuers     [2]string `json:"issuers"`
		IssueDate   string    `json:"issue_date"`
		Fingerprint string    `json:"fingerprint"`
	}{1, "certificate", strings.TrimSpace(c.Serial), strings.TrimSpace(c.Name), strings.ToUpper(strings.TrimSpace(c.USCC)),
		[2]string{strings.TrimSpace(c.Authority1), strings.TrimSpace(c.Authority2)}, c.IssueDate.String(), CertificateFingerprint(c)})
	return b
}

// ParseCertificateSignedContent reads the signed content back into a certificate, for
// the offline verifier that finds it embedded in the PDF.
func ParseCertificateSignedContent(b []byte) (Certificate, error) {
	var v struct {
		V           int       `json:"v"`
		Kind        string    `json:"kind"`
		Serial      string    `json:"serial"`
		Name        string    `json:"name"`
		USCC        string    `json:"uscc"`
		Issuers     [2]string `json:"issuers"`
		IssueDate   string    `json:"issue_date"`
		Fingerprint string    `json:"fingerprint"`
	}
	if err := json.Unmarshal(b, &v); err != nil || v.Kind != "certificate" || v.V != 1 {
		return Certificate{}, Errorf(EInvalid, "不是本系统签发的合格证明签名内容")
	}
	d, err := ParseDate(v.IssueDate)
	if err != nil {
		return Certificate{}, Errorf(EInvalid, "签发日期「%s」格式不正确", v.IssueDate)
	}
	c := Certificate{Serial: v.Serial, Name: v.Name, USCC: v.USCC, Authority1: v.Issuers[0], Authority2: v.Issuers[1], IssueDate: d}
	c.Fingerprint = CertificateFingerprint(c)
	if c.Fingerprint != v.Fingerprint {
		return c, Errorf(EInvalid, "内容指纹与证明内容不符")
	}
	return c, nil
}

// SignatureCheck is the outcome of checking a signed document.
type SignatureCheck struct {
	OK      bool
	KeyID   string
	Reason  string // Chinese, why it failed, or what passed
	Revoked *Revocation
}

// VerifyCertificate checks a certificate's signature against the published keys and,
// when a revocation list is given, that it is not on it. The list must itself be
// verified first (VerifyRevocationList).
func VerifyCertificate(ring KeyRing, c Certificate, keyID string, sig []byte, revoked *RevocationList) SignatureCheck {
	r := SignatureCheck{KeyID: keyID}
	if len(sig) == 0 || keyID == "" {
		r.Reason = "该证明没有电子签名"
		return r
	}
	k, ok := ring.Key(keyID)
	if !ok {
		r.Reason = "签名密钥「" + keyID + "」不在已公布的密钥列表中"
		return r
	}
	if !k.Covers(c.IssueDate) {
		r.Reason = "签发日期 " + c.IssueDate.String() + " 晚于签名密钥的停用日期 " + k.ValidTo
		return r
	}
	if !k.Verify(CertificateSignedContent(c), sig) {
		r.Reason = "电子签名与证明内容不符：内容可能被改动"
		return r
	}
	if revoked != nil {
		if e := revoked.Find(c.Serial); e != nil {
			r.Revoked = e
			r.Reason = "该证明已于 " + e.RevokedOn + " 撤销：" + e.Reason
			return r
		}
	}
	r.OK = true
	r.Reason = "电子签名有效（SM2，密钥 " + keyID + "）"
	return r
}

// CertificateQR is the text of a certificate's QR code: its verification address
// (verifyURL, .../verify/<serial>) with the key id and signature in the query, and the
// rest of the signed content (name, USCC, issue date) in the fragment, which a phone
// does not send. An app holding the published keys checks it offline; a plain scanner
// opens the page. The issuers come from the key.
func CertificateQR(verifyURL string, c Certificate, keyID string, sig []byte) string {
	if len(sig) == 0 {
		return verifyURL
	}
	return verifyURL + "?k=" + keyID + "&s=" + EncodeSignature(sig) + "#" + c.Name + "|" + c.USCC + "|" + c.IssueDate.String()
}

// ParseCertificateQR reads a QR text back: the certificate's printed fields (issuers
// taken from the key in ring), the key id and the signature.
func ParseCertificateQR(ring KeyRing, text string) (Certificate, string, []byte, error) {
	text = strings.TrimSpace(text)
	body, frag, _ := strings.Cut(text, "#")
	u, err := url.Parse(body)
	if err != nil {
		return Certificate{}, "", nil, Errorf(EInvalid, "二维码内容不是核验地址")
	}
	i := strings.LastIndex(u.Path, "/verify/")
	if i < 0 {
		return Certificate{}, "", nil, Errorf(EInvalid, "二维码内容不是证明核验地址")
	}
	serial := NormalizeSerial(u.Path[i+len("/verify/"):])
	kid, sigText := u.Query().Get("k"), u.Query().Get("s")
	parts := strings.Split(frag, "|")
	if !ValidSerial(serial) || kid == "" || sigText == "" || len(parts) != 3 {
		return Certificate{}, "", nil, Errorf(EInvalid, "二维码中缺少编号、签名或证明内容（可能是未签名的旧证明）")
	}
	sig, err := DecodeSignature(sigText)
	if err != nil {
		return Certificate{}, "", nil, err
	}
	day, err := ParseDate(parts[2])
	if err != nil {
		return Certificate{}, "", nil, Errorf(EInvalid, "二维码中的签发日期格式不正确")
	}
	c := Certificate{Serial: serial, Name: parts[0], USCC: parts[1], IssueDate: day}
	if k, ok := ring.Key(kid); ok {
		c.Authority1, c.Authority2 = k.Issuers[0], k.Issuers[1]
	}
	c.Fingerprint = CertificateFingerprint(c)
	return c, kid, sig, nil
}

// Revocation is one entry of the signed revocation list.
type Revocation struct {
	Serial    string `json:"serial"`
	RevokedOn string `json:"revoked_on"` // yyyy-mm-dd
	Reason    string `json:"reason"`
}

// RevocationList is served signed at /verify/revocations (issue 14 §2: "A revoked
// certificate can no longer pass").
type RevocationList struct {
	Province  string       `json:"province"`
	IssuedAt  string       `json:"issued_at"` // RFC 3339
	KeyID     string       `json:"key_id"`
	Entries   []Revocation `json:"entries"`
	Signature string       `json:"signature,omitempty"`
}

// Find returns the entry for serial, or nil.
func (l *RevocationList) Find(serial string) *Revocation {
	for i := range l.Entries {
		if l.Entries[i].Serial == serial {
			return &l.Entries[i]
		}
	}
	return nil
}

// RevocationListContent is what is signed: the list without its signature.
func RevocationListContent(l RevocationList) []byte {
	l.Signature = ""
	if l.Entries == nil {
		l.Entries = []Revocation{}
	}
	b, _ := json.Marshal(l)
	return b
}

// NewRevocationList orders entries by serial for a stable document.
func NewRevocationList(province string, at time.Time, entries []Revocation) RevocationList {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b Revocation) int { return strings.Compare(a.Serial, b.Serial) })
	if entries == nil {
		entries = []Revocation{}
	}
	return RevocationList{Province: province, IssuedAt: at.UTC().Format(time.RFC3339), Entries: entries}
}

// VerifyRevocationList checks the list's signature; a forged or altered list is refused.
func VerifyRevocationList(ring KeyRing, l RevocationList) error {
	k, ok := ring.Key(l.KeyID)
	if !ok {
		return Errorf(EInvalid, "撤销列表的签名密钥「%s」不在已公布的密钥列表中", l.KeyID)
	}
	sig, err := DecodeSignature(l.Signature)
	if err != nil || !k.Verify(RevocationListContent(l), sig) {
		return Errorf(EInvalid, "撤销列表的电子签名无效：列表可能被改动")
	}
	return nil
}

// DocumentSignedContent is what is signed for the other issued documents (the district's
// opinion forms, the failure notice, the public notice): their kind, reference, date
// and the SHA-256 of the PDF bytes without the signature block.
func DocumentSignedContent(kind, ref string, day Date, sha256hex string) []byte {
	b, _ := json.Marshal(struct {
		V      int    `json:"v"`
		Kind   string `json:"kind"`
		Ref    string `json:"ref"`
		Date   string `json:"date"`
		SHA256 string `json:"sha256"`
	}{1, kind, ref, day.String(), sha256hex})
	return b
}

// CertificateToken is the signed content with key id and signature in one ASCII token,
// "sm2:<base64url content>.<key id>.<signature>", embedded in the certificate PDF so
// `portal verify-cert` can check the file offline. Empty for an unsigned certificate.
func CertificateToken(c Certificate) string {
	if c.Signature == "" {
		return ""
	}
	return "sm2:" + base64.RawURLEncoding.EncodeToString(CertificateSignedContent(c)) + "." + c.KeyID + "." + c.Signature
}

// ParseCertificateToken reads a CertificateToken back.
func ParseCertificateToken(tok string) (Certificate, string, []byte, error) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(tok), "sm2:"), ".")
	if !strings.HasPrefix(strings.TrimSpace(tok), "sm2:") || len(parts) != 3 {
		return Certificate{}, "", nil, Errorf(EInvalid, "文件中没有本系统的电子签名")
	}
	content, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return Certificate{}, "", nil, Errorf(EInvalid, "电子签名内容格式不正确")
	}
	c, err := ParseCertificateSignedContent(content)
	if err != nil {
		return c, "", nil, err
	}
	sig, err := DecodeSignature(parts[2])
	if err != nil {
		return c, "", nil, err
	}
	return c, parts[1], sig, nil
}

// SM2SignDeterministic signs msg with a nonce stream derived from the key and the
// message (HMAC-SM3 keyed by the private scalar, in the spirit of RFC 6979), so the same
// document always gets the same signature and regenerated PDFs keep their bytes.
func SM2SignDeterministic(priv *sm2.PrivateKey, msg []byte) ([]byte, error) {
	return priv.Sign(&detStream{key: priv.D.Bytes(), msg: msg}, msg, sm2.NewSM2SignerOption(true, nil))
}

// detStream fills every read from the start of HMAC-SM3(key, counter || msg): each read
// gives the same bytes, so the library's optional extra one-byte read (which it makes
// at random to stop callers relying on determinism) does not shift the nonce.
type detStream struct {
	key, msg []byte
}

func (d *detStream) Read(p []byte) (int, error) {
	var buf []byte
	for n := uint32(0); len(buf) < len(p); n++ {
		m := hmac.New(sm3.New, d.key)
		m.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		m.Write(d.msg)
		buf = m.Sum(buf)
	}
	return copy(p, buf), nil
}

// DocumentDigest is the hex SHA-256 of a document's content as compact JSON.
func DocumentDigest(content any) string {
	b, _ := json.Marshal(content)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DocumentToken is "sm2doc:<base64url signed content>.<key id>.<signature>", embedded in
// a signed document's PDF Keywords.
func DocumentToken(content []byte, keyID string, sig []byte) string {
	return "sm2doc:" + base64.RawURLEncoding.EncodeToString(content) + "." + keyID + "." + EncodeSignature(sig)
}

// SignedDocument is what a document token says.
type SignedDocument struct {
	Kind, Ref, Date, SHA256 string
	Content                 []byte
	KeyID                   string
	Signature               []byte
}

// ParseDocumentToken reads a DocumentToken back.
func ParseDocumentToken(tok string) (SignedDocument, error) {
	var d SignedDocument
	tok = strings.TrimSpace(tok)
	parts := strings.Split(strings.TrimPrefix(tok, "sm2doc:"), ".")
	if !strings.HasPrefix(tok, "sm2doc:") || len(parts) != 3 {
		return d, Errorf(EInvalid, "文件中没有本系统的文书电子签名")
	}
	content, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return d, Errorf(EInvalid, "文书签名内容格式不正确")
	}
	var v struct {
		V                       int
		Kind, Ref, Date, SHA256 string
	}
	if err := json.Unmarshal(content, &v); err != nil || v.V != 1 {
		return d, Errorf(EInvalid, "文书签名内容格式不正确")
	}
	sig, err := DecodeSignature(parts[2])
	if err != nil {
		return d, err
	}
	return SignedDocument{Kind: v.Kind, Ref: v.Ref, Date: v.Date, SHA256: v.SHA256, Content: content, KeyID: parts[1], Signature: sig}, nil
}

// VerifyDocument checks a document token's signature and its key's validity on the
// document's date.
func VerifyDocument(ring KeyRing, d SignedDocument) SignatureCheck {
	r := SignatureCheck{KeyID: d.KeyID}
	k, ok := ring.Key(d.KeyID)
	if !ok {
		r.Reason = "签名密钥「" + d.KeyID + "」不在已公布的密钥列表中"
		return r
	}
	if day, err := ParseDate(d.Date); err != nil || !k.Covers(day) {
		r.Reason = "文书日期 " + d.Date + " 不在签名密钥的有效期内"
		return r
	}
	if !k.Verify(d.Content, d.Signature) {
		r.Reason = "电子签名与文书内容不符：内容可能被改动"
		return r
	}
	r.OK, r.Reason = true, "电子签名有效（SM2，密钥 "+d.KeyID+"）"
	return r
}
