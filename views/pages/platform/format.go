package platform

import (
	"strings"

	"portal/models"
)

var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// numeral is the Chinese ordinal of a section: 0 → 一.
func numeral(i int) string {
	if i < len(numerals) {
		return numerals[i]
	}
	return itoa(int64(i + 1))
}

func joinCN(items []string) string { return strings.Join(items, "、") }

func placeholder(k models.FieldKind) string {
	switch k {
	case models.KindMoney, models.KindSignedMoney:
		return "如 50000000.00"
	case models.KindPercent:
		return "如 12.50"
	case models.KindDate:
		return "yyyy-mm-dd"
	case models.KindPhone:
		return "020-87654321"
	}
	return ""
}

func inputMode(k models.FieldKind) string {
	switch k {
	case models.KindMoney, models.KindSignedMoney, models.KindPercent:
		return "decimal"
	case models.KindCount:
		return "numeric"
	}
	return "text"
}

// fileField names the file input of a slot: file-1, file-2 …
func fileField(slot int) string { return "file-" + itoa(int64(slot)) }

// FileField is fileField for handlers keying errors.
func FileField(slot int) string { return fileField(slot) }

// saName names a self-assessment field: answer_3, explanation_3, evidence_3.
func saName(what string, no int) string { return what + "_" + itoa(int64(no)) }

// SAName is saName for handlers.
func SAName(what string, no int) string { return saName(what, no) }

func hasItemError(errs map[string]string, no int) bool {
	return errs[saName("answer", no)] != "" || errs[saName("explanation", no)] != "" || errs[saName("evidence", no)] != ""
}

// requirement reads 必交，共 3 份 / 选交，共 1 份.
func requirement(required bool, files int) string {
	if required {
		return "必交，共 " + itoa(int64(files)) + " 份"
	}
	return "选交，共 " + itoa(int64(files)) + " 份"
}
