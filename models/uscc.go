package models

import (
	"strings"
	"unicode/utf8"
)

// The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters,
//
//	1     登记管理部门代码 (registration authority)
//	2     机构类别代码 (kind of organisation, meaningful per authority)
//	3–8   登记管理机关行政区划码 (GB/T 2260, digits)
//	9–17  主体标识码 (the organisation code of GB 11714)
//	18    校验码, computed over 1–17
//
// drawn from 0-9 and A-Z without I, O, Z, S, V (31 characters), so that no character is
// mistaken for another.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccKinds maps each registration authority to its name and its valid kind codes. The
// 2015 standard listed 1, 5, 9 and Y; the authorities 2, 3, 4, 6, 7, 8, A and N were
// assigned afterwards and appear on real certificates (law firms are 31…), so they are
// accepted too rather than rejecting genuine codes.
var usccKinds = map[byte]struct {
	name  string
	kinds string
}{
	'1': {"机构编制", "1239"}, // 机关, 事业单位, 中央编办直管群众团体, 其他
	'2': {"外交", "19"},
	'3': {"司法行政", "123459"}, // 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
	'4': {"文化", "19"},
	'5': {"民政", "1239"}, // 社会团体, 民办非企业单位, 基金会, 其他
	'6': {"旅游", "129"},
	'7': {"宗教", "129"},
	'8': {"工会", "19"},
	'9': {"工商", "123"}, // 企业, 个体工商户, 农民专业合作社
	'A': {"中央军委改革和编制办公室", "19"},
	'N': {"农业", "1239"},
	'Y': {"其他", "1"},
}

const usccStandard = "（GB 32100-2015）"

// NormalizeUSCC is how a code is stored: without surrounding spaces, in upper case.
func NormalizeUSCC(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidateUSCC checks NormalizeUSCC(s) and says in Chinese what is wrong with it.
func ValidateUSCC(s string) error {
	code := NormalizeUSCC(s)
	if code == "" {
		return Errorf(EInvalid, "请填写统一社会信用代码")
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		return Errorf(EInvalid, "统一社会信用代码应为 18 位，您填写了 %d 位%s", n, usccStandard)
	}
	for i, r := range []rune(code) {
		if !strings.ContainsRune(usccAlphabet, r) {
			hint := "只能使用数字 0-9 和大写字母（不含 I、O、Z、S、V）"
			if strings.ContainsRune("IOZSV", r) {
				hint = "统一社会信用代码不使用字母 I、O、Z、S、V，请核对是否为数字 1、0、2、5 或其他字母"
			}
			return Errorf(EInvalid, "统一社会信用代码第 %d 位「%c」不是合法字符：%s%s", i+1, r, hint, usccStandard)
		}
	}
	authority, ok := usccKinds[code[0]]
	if !ok {
		return Errorf(EInvalid, "统一社会信用代码第 1 位「%c」不是有效的登记管理部门代码%s", code[0], usccStandard)
	}
	if !strings.ContainsRune(authority.kinds, rune(code[1])) {
		return Errorf(EInvalid, "统一社会信用代码第 2 位「%c」不是登记管理部门「%s」下有效的机构类别代码%s",
			code[1], authority.name, usccStandard)
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return Errorf(EInvalid, "统一社会信用代码第 3～8 位是行政区划码，应为数字，第 %d 位是「%c」%s", i+1, code[i], usccStandard)
		}
	}
	if usccCheckChar(code[:17]) != code[17] {
		return Errorf(EInvalid, "统一社会信用代码校验位不符，请逐位核对是否输错%s", usccStandard)
	}
	return nil
}

// MakeUSCC appends the check character to a 17-character body, for demo data and tests.
// It panics on a body with a wrong length or a character outside the alphabet.
func MakeUSCC(prefix17 string) string {
	if len(prefix17) != 17 {
		panic("MakeUSCC: body must be 17 characters: " + prefix17)
	}
	return prefix17 + string(usccCheckChar(prefix17))
}

// usccCheckChar is the 18th character: 31 − (Σ value×weight mod 31), where 31 becomes 0.
func usccCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, body[i])
		if v < 0 {
			panic("usccCheckChar: character outside the alphabet: " + body)
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}
