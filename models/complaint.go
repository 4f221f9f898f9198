package models

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ComplainantType is who files a complaint (举报) during a public notice: "异地整治办、
// 出借人或借款人、其他网贷机构以及社会公众" (seeds/004 plan 1 四(二)5(1)).
type ComplainantType string

const (
	ComplainantRegulator ComplainantType = "regulator"
	ComplainantLender    ComplainantType = "lender"
	ComplainantBorrower  ComplainantType = "borrower"
	ComplainantPlatform  ComplainantType = "platform"
	ComplainantPublic    ComplainantType = "public"
)

// ComplainantTypes lists the types in the order the form offers them.
var ComplainantTypes = []ComplainantType{ComplainantRegulator, ComplainantLender, ComplainantBorrower, ComplainantPlatform, ComplainantPublic}

var complainantLabels = map[ComplainantType]string{
	ComplainantRegulator: "外地监管部门", ComplainantLender: "出借人", ComplainantBorrower: "借款人",
	ComplainantPlatform: "其他网贷机构", ComplainantPublic: "社会公众",
}

// Label is the Chinese name.
func (t ComplainantType) Label() string {
	if l, ok := complainantLabels[t]; ok {
		return l
	}
	return string(t)
}

// Complaint statuses.
const (
	ComplaintPending   = "pending"
	ComplaintUpheld    = "upheld"
	ComplaintNotUpheld = "not_upheld"
)

// ComplaintStatusLabel is the Chinese status.
func ComplaintStatusLabel(s string) string {
	switch s {
	case ComplaintPending:
		return "核查中"
	case ComplaintUpheld:
		return "经核查属实"
	case ComplaintNotUpheld:
		return "经核查不属实"
	}
	return s
}

// Complaint is one complaint against an institution in public notice.
type Complaint struct {
	ID              int64
	Ref             string
	NoticeID        int64
	ApplicationID   int64
	InstitutionID   int64
	ComplainantType ComplainantType
	ComplainantName string
	Contact         string
	Content         string
	Status          string
	Finding         string
	PublicReason    string
	HandledBy       *int64
	HandledAt       *time.Time
	IP              string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Limits of the complaint form.
const (
	MaxComplaintContent  = 5000 // characters
	MinComplaintContent  = 10
	MaxPublicReason      = 200
	MaxComplaintFiles    = 5
	MaxAttachmentBytes   = 10 << 20 // per file
	MaxComplaintUpload   = MaxComplaintFiles*MaxAttachmentBytes + 1<<20
	complaintNameMaxRune = 50
)

// ComplaintInput is what a complainant typed.
type ComplaintInput struct {
	Type    string
	Name    string
	Contact string
	Content string
}

var (
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlinePattern = regexp.MustCompile(`^0[0-9]{2,3}-[0-9]{7,8}$`)
)

// ValidateContact accepts a mobile number, a 区号-号码 landline or an e-mail address.
func ValidateContact(s string) error {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Errorf(EInvalid, "请填写联系方式，以便核查人员与您联系")
	case mobilePattern.MatchString(s), landlinePattern.MatchString(s):
		return nil
	case strings.Contains(s, "@"):
		if a, err := mail.ParseAddress(s); err == nil && a.Address == s {
			return nil
		}
	}
	return Errorf(EInvalid, "联系方式应为手机号（如 13812345678）、固定电话（如 020-12345678）或电子邮箱")
}

// Anonymous reports whether the complainant left no contact details: the city cannot
// reach them, so nobody tells them the outcome; they look it up by reference number.
func (in ComplaintInput) Anonymous() bool { return strings.TrimSpace(in.Contact) == "" }

// Validate returns the field errors of a complaint, keyed by form field. Name and contact
// are optional: anyone may complain (seeds/004 plan 1 四(二)5(1) names 社会公众), and a
// complainant may stay anonymous; a contact that is given must be one that reaches them.
func (in ComplaintInput) Validate() map[string]string {
	errs := map[string]string{}
	if _, ok := complainantLabels[ComplainantType(in.Type)]; !ok {
		errs["type"] = "请选择举报人类型"
	}
	if utf8.RuneCountInString(strings.TrimSpace(in.Name)) > complaintNameMaxRune {
		errs["name"] = "姓名或单位名称不超过 50 个字"
	}
	if strings.TrimSpace(in.Contact) != "" {
		if err := ValidateContact(in.Contact); err != nil {
			errs["contact"] = ErrorMessage(err)
		}
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Content)); {
	case n < MinComplaintContent:
		errs["content"] = "请具体描述举报事项（不少于 10 个字），如涉及的产品、时间、金额"
	case n > MaxComplaintContent:
		errs["content"] = "举报内容不超过 5000 字，较长的材料请作为附件上传"
	}
	return errs
}

// ComplainantNameText is the complainant's name as pages show it: 匿名 when none was given.
func ComplainantNameText(name string) string {
	if strings.TrimSpace(name) == "" {
		return "匿名"
	}
	return name
}

// ContactText is the contact as pages show it, saying so when none was left.
func ContactText(contact string) string {
	if strings.TrimSpace(contact) == "" {
		return "未留联系方式（不另行告知核查结果）"
	}
	return contact
}

// MaskName keeps the first character: 张三丰 → 张**.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// MaskContact hides the middle of a phone number or the mailbox of an e-mail address:
// 13812345678 → 138****5678, 020-12345678 → 020-****5678, li@x.cn → l*@x.cn.
func MaskContact(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.IndexByte(s, '@'); at > 0 {
		return s[:1] + strings.Repeat("*", max(at-1, 1)) + s[at:]
	}
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	keepHead := 3
	if i := strings.IndexByte(s, '-'); i > 0 {
		keepHead = i + 1
	}
	if keepHead > len(s)-4 {
		keepHead = 0
	}
	return s[:keepHead] + strings.Repeat("*", len(s)-4-keepHead) + s[len(s)-4:]
}

// ComplaintRef formats a reference number from the filing day and a random number:
// JB-20261123-4F7K2Q. The alphabet has no 0/O or 1/I so it can be read out on the phone.
func ComplaintRef(day Date, random []byte) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	var b strings.Builder
	for _, x := range random[:6] {
		b.WriteByte(alphabet[int(x)%len(alphabet)])
	}
	return "JB-" + strings.ReplaceAll(day.String(), "-", "") + "-" + b.String()
}

var complaintRefPattern = regexp.MustCompile(`^JB-[0-9]{8}-[2-9A-HJ-NP-Z]{6}$`)

// ValidateComplaintRef checks the shape of a reference number typed into the look-up,
// so a typo is told apart from a number that does not exist.
func ValidateComplaintRef(ref string) error {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	switch {
	case ref == "":
		return Errorf(EInvalid, "请输入受理编号")
	case !complaintRefPattern.MatchString(ref):
		return Errorf(EInvalid, "受理编号格式应为 JB-年月日-6 位字母数字，如 JB-20261123-4F7K2Q，请核对后重新输入")
	}
	return nil
}

// ComplaintVerification is the city's verification (核查) of a complaint.
type ComplaintVerification struct {
	Upheld       bool
	Finding      string // what was checked and found; recorded internally
	PublicReason string // upheld: the short public reason the notice shows as revoked
}

// Validate returns the field errors of a verification. Upheld, the public reason is what
// the revoked notice shows; not upheld, it is the city's public reply on the complainant's
// status page (查询页面), so either way the complainant learns why.
func (v ComplaintVerification) Validate() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(v.Finding)); {
	case n < 4:
		errs["finding"] = "请写明核查情况和结论的理由"
	case n > MaxOpinionLength:
		errs["finding"] = fmt.Sprintf("核查情况不超过 %d 字", MaxOpinionLength)
	}
	reason := strings.TrimSpace(v.PublicReason)
	switch {
	case v.Upheld && reason == "":
		errs["public_reason"] = "举报属实须填写公开说明（将在公示页面显示撤销原因，不含举报人信息）"
	case !v.Upheld && reason == "":
		errs["public_reason"] = "举报不属实须填写给举报人的公开答复（将显示在举报查询页面，说明核查了什么、为何不属实）"
	case utf8.RuneCountInString(reason) > MaxPublicReason:
		errs["public_reason"] = "公开说明不超过 200 字"
	}
	return errs
}
