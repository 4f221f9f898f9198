package models

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// addSeeds adds every file under the given testdata folders to the fuzz corpus.
func addSeeds(f *testing.F, dirs ...string) {
	for _, d := range dirs {
		paths, _ := filepath.Glob(filepath.Join("testdata", d, "*"))
		if len(paths) == 0 {
			f.Fatalf("no seeds in testdata/%s", d)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// FuzzCheckUploadContent feeds untrusted bytes to the type sniffing of every upload
// (PDF, OFD, JPEG, PNG, DOCX, XLSX): it must answer a kind or a coded refusal, never
// panic, and a kind it names must be one that was accepted and match the content.
func FuzzCheckUploadContent(f *testing.F) {
	addSeeds(f, "zip", "sniff")
	all := ParseKinds("pdf,ofd,jpeg,png,docx,xlsx")
	f.Fuzz(func(t *testing.T, body []byte) {
		k, err := CheckUploadContent("上传.bin", bytes.NewReader(body), int64(len(body)), all)
		if err != nil {
			if ErrorCode(err) != EInvalid || k != "" {
				t.Fatalf("refusal %q with kind %q, code %s", err, k, ErrorCode(err))
			}
			return
		}
		switch k {
		case KindPDF:
			if !bytes.Contains(body[:min(len(body), 1024)], []byte("%PDF-")) {
				t.Fatal("PDF without a header")
			}
		case KindJPEG, KindPNG:
		case KindOFD, KindDOCX, KindXLSX:
			names, err := ZipEntryNames(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatalf("%s whose entries cannot be listed: %v", k, err)
			}
			joined := "\n" + strings.Join(names, "\n")
			need := map[FileKind][]string{KindOFD: {"\nOFD.xml"}, KindDOCX: {"\n[Content_Types].xml", "\nword/"}, KindXLSX: {"\n[Content_Types].xml", "\nxl/"}}[k]
			for _, n := range need {
				if !strings.Contains(joined, n) {
					t.Fatalf("%s without %s: %q", k, n, names)
				}
			}
		default:
			t.Fatalf("unknown kind %q", k)
		}
		// accepting only the kind found keeps it; accepting none of it refuses
		if _, err := CheckUploadContent("x", bytes.NewReader(body), int64(len(body)), []FileKind{k}); err != nil {
			t.Fatalf("kind %s refused when it alone is accepted: %v", k, err)
		}
	})
}

// FuzzZipEntryNames: archive/zip behind the directory budget never panics on a
// container, whatever its offsets and counts claim.
func FuzzZipEntryNames(f *testing.F) {
	addSeeds(f, "zip")
	f.Fuzz(func(t *testing.T, body []byte) {
		names, err := ZipEntryNames(bytes.NewReader(body), int64(len(body)))
		if err == nil && int64(len(names)) > int64(len(body))/22 {
			t.Fatalf("%d entries listed from %d bytes", len(names), len(body))
		}
	})
}

// FuzzSafeFilename: a kept name never carries a folder, a control or format character,
// is valid UTF-8, non-empty and at most MaxFilenameRunes long.
func FuzzSafeFilename(f *testing.F) {
	for _, s := range []string{"a\u202Egpj.pdf", "报告.pdf", "..\\..\\x", "\uFEFF", "\u2066x\u2069", "a\x00b", strings.Repeat("长", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := SafeFilename(in)
		if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxFilenameRunes || strings.ContainsAny(s, `/\"`) {
			t.Fatalf("SafeFilename(%q) = %q", in, s)
		}
		for _, r := range s {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("SafeFilename(%q) keeps %U", in, r)
			}
		}
		if SafeFilename(s) != s {
			t.Fatalf("SafeFilename is not idempotent on %q", in)
		}
	})
}
