package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Certificate statuses.
const (
	CertificateValid   = "valid"
	CertificateRevoked = "revoked"
)

// Certificate is an issued 整改验收合格证明 (plan 6 四(五); plan 1 四(一): "整改验收合格
// 证明文件由省金融办、广东银监局联合出具"). Name and USCC are kept as printed.
type Certificate struct {
	ID            int64
	Serial        string
	ApplicationID int64
	InstitutionID int64
	ProvinceID    int64
	Name          string
	USCC          string `gorm:"column:uscc"`
	IssueDate     Date
	Authority1    string `gorm:"column:authority1"`
	Authority2    string `gorm:"column:authority2"`
	Fingerprint   string
	Status        string
	IssuedBy      int64
	RevokedAt     *time.Time
	RevokedReason string
	RevokedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Revoked reports whether the certificate has been revoked.
func (c Certificate) Revoked() bool { return c.Status == CertificateRevoked }

// SerialDigits is the width of a serial's running number.
const SerialDigits = 6

var serialPattern = regexp.MustCompile(`^\p{Han}-[0-9]{4}-[0-9]{6}$`)

// CertificateSerial is "<province abbreviation>-<year>-<6 digits>", e.g. 粤-2026-000001.
func CertificateSerial(provinceAbbr string, year, seq int) (string, error) {
	if utf8.RuneCountInString(provinceAbbr) != 1 {
		return "", Errorf(EInternal, "省份简称「%s」应为一个汉字，请管理员在行政区划中补录", provinceAbbr)
	}
	if seq < 1 || seq > 999_999 {
		return "", Errorf(EInternal, "%d 年证明编号已用尽（最多 999999 号）", year)
	}
	return fmt.Sprintf("%s-%04d-%06d", provinceAbbr, year, seq), nil
}

// ValidSerial reports whether s has the form of a serial; a malformed one is not looked up.
func ValidSerial(s string) bool { return serialPattern.MatchString(s) }

// NormalizeSerial trims what a person might paste around a serial and turns full-width
// hyphens and digits into ASCII.
func NormalizeSerial(s string) string {
	s = strings.TrimSpace(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '－' || r == '—' || r == '–':
			return '-'
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		}
		return r
	}, s)
}

// IssuingAuthorities are the two issuers of a province's certificates: the provincial
// finance office and the banking regulator's office in the province.
func IssuingAuthorities(provinceName string) [2]string {
	short := strings.TrimSuffix(strings.TrimSuffix(provinceName, "省"), "市")
	return [2]string{provinceName + "地方金融监督管理局", "中国银行保险监督管理委员会" + short + "监管局"}
}

// MaxRevokeReason limits the public reason for revoking a certificate.
const MaxRevokeReason = 200

// ValidateRevokeReason checks the reason a province officer gives for revoking.
func ValidateRevokeReason(s string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case n < 4:
		return Errorf(EInvalid, "请写明撤销理由（将在核验页面公开显示）")
	case n > MaxRevokeReason:
		return Errorf(EInvalid, "撤销理由不超过 200 字")
	}
	return nil
}

// Verification results.
const (
	VerifyValid    = "valid"
	VerifyRevoked  = "revoked"
	VerifyNotFound = "not_found"
)

// Verification is one logged look-up of a serial.
type Verification struct {
	ID            int64
	At            time.Time // the first look-up of the window
	Serial        string
	CertificateID *int64
	Result        string
	IP            string
	UserAgent     string
	Hits          int       // look-ups by this client of this serial in the window
	Bucket        time.Time // start of the window (VerificationWindow)
	LastAt        time.Time
}

// Look-ups are kept as counts (issue 8 §2.9): one row per serial, client and
// VerificationWindow; a client's look-ups beyond VerificationSerialsPerClient distinct
// serials in a window are counted under VerificationOverflowSerial.
const (
	VerificationWindow           = time.Hour
	VerificationSerialsPerClient = 20
	VerificationOverflowSerial   = "*"
)

// CertificateCanonical is the serialisation the fingerprint covers: compact JSON of the
// printed fields in a fixed order, the same form views/pdf prints, so anyone holding the
// certificate can recompute it from the verification page.
func CertificateCanonical(c Certificate) []byte {
	b, _ := json.Marshal(struct {
		V           int      `json:"v"`
		Serial      string   `json:"serial"`
		Name        string   `json:"name"`
		USCC        string   `json:"uscc"`
		IssueDate   string   `json:"issue_date"`
		Authorities []string `json:"authorities"`
	}{1, strings.TrimSpace(c.Serial), strings.TrimSpace(c.Name), strings.ToUpper(strings.TrimSpace(c.USCC)),
		c.IssueDate.String(), []string{strings.TrimSpace(c.Authority1), strings.TrimSpace(c.Authority2)}})
	return b
}

// CertificateFingerprint is the hex SHA-256 of CertificateCanonical.
func CertificateFingerprint(c Certificate) string {
	sum := sha256.Sum256(CertificateCanonical(c))
	return hex.EncodeToString(sum[:])
}
