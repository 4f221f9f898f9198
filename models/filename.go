package models

import (
	"strings"
	"unicode"
)

// MaxFilenameRunes bounds a stored file name; the end (with the extension) is kept.
const MaxFilenameRunes = 120

// SafeFilename is an uploaded file's name as the portal keeps and shows it: without
// folders, without control characters, and without the invisible format characters that
// change how a name reads (bidi overrides and isolates U+202A–U+202E, U+2066–U+2069,
// zero-width characters U+200B–U+200F, U+FEFF, and every other character of Unicode
// category Cf, line and paragraph separators too). "a\u202Egpj.pdf", which displays as
// "afdp.jpg", becomes "agpj.pdf", so the name shown is the name the file carries.
func SafeFilename(s string) string {
	s = s[strings.LastIndexAny(s, `/\`)+1:]
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"', r == unicode.ReplacementChar:
			return -1
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.In(r, unicode.Zl, unicode.Zp):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > MaxFilenameRunes {
		s = strings.TrimSpace(string(r[len(r)-MaxFilenameRunes:]))
	}
	if s == "" || s == "." || s == ".." {
		s = "未命名文件"
	}
	return s
}
