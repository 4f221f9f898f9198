package models

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// zipOf builds a real zip with the named entries, padded by filler so the central
// directory lands far from the start.
func zipOf(t *testing.T, filler int, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(bytes.Repeat([]byte("x"), filler))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckUploadContent(t *testing.T) {
	all := ParseKinds("pdf,ofd,jpeg,png,docx,xlsx")
	files := []struct {
		name string
		body []byte
		want FileKind
	}{
		{"报告.pdf", []byte("%PDF-1.7\n...%%EOF"), KindPDF},
		{"扫描件.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, KindJPEG},
		{"截图.png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), KindPNG},
		{"合同.docx", zipOf(t, 10, "[Content_Types].xml", "_rels/.rels", "word/document.xml"), KindDOCX},
		{"报表.xlsx", zipOf(t, 10, "[Content_Types].xml", "xl/workbook.xml"), KindXLSX},
		{"报告.ofd", zipOf(t, 10, "OFD.xml", "Doc_0/Document.xml"), KindOFD},
		// the directory far from the head: only the tail shows it
		{"大文档.docx", zipOf(t, 3<<20, "word/media/image1.png", "[Content_Types].xml", "word/document.xml"), KindDOCX},
		{"改名.txt", []byte("%PDF-1.4 renamed"), KindPDF}, // the content decides, not the name
	}
	for _, f := range files {
		got, err := CheckUploadContent(f.name, bytes.NewReader(f.body), int64(len(f.body)), all)
		if err != nil || got != f.want {
			t.Errorf("%s: %s, %v; want %s", f.name, got, err, f.want)
		}
	}

	refused := []struct {
		name     string
		body     []byte
		accepted string
		want     string
	}{
		{"伪装.pdf", []byte("MZ\x90\x00 an executable"), "pdf", "无法识别文件「伪装.pdf」的格式"},
		{"图片.pdf", []byte("\x89PNG\r\n\x1a\n\x00"), "pdf,ofd", "实际格式为 PNG 图片，本项材料只接受 PDF、OFD 格式"},
		{"旧版.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, "docx", "旧版 Office 格式"},
		{"普通.zip", zipOf(t, 10, "a.txt"), "docx", "无法识别"},
		{"截断.docx", zipOf(t, 10, "[Content_Types].xml", "word/document.xml")[:40], "docx", "压缩包目录不完整或已损坏"},
		{"空.pdf", nil, "pdf", "是空文件"},
		// issue 8 §2.7: a plain ZIP holding evil.exe, named report.docx, is no Word file
		{"report.docx", zipOf(t, 10, "evil.exe"), "pdf,ofd,jpeg,png,docx", "无法识别文件「report.docx」的格式"},
		{"report.docx", zipOf(t, 10, "[Content_Types].xml", "evil.exe"), "docx,xlsx", "无法识别"},
	}
	for _, f := range refused {
		_, err := CheckUploadContent(f.name, bytes.NewReader(f.body), int64(len(f.body)), ParseKinds(f.accepted))
		if ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), f.want) {
			t.Errorf("%s: %v; want %q", f.name, err, f.want)
		}
	}
}

func TestZipEntryNamesWithComment(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.Create("OFD.xml")
	zw.SetComment("签章文件")
	zw.Close()
	names, err := ZipEntryNames(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(names) != 1 || names[0] != "OFD.xml" {
		t.Fatalf("names %v, %v", names, err)
	}
}

func TestKindsLabel(t *testing.T) {
	if got := KindsLabel(ParseKinds("pdf, ofd,unknown,docx")); got != "PDF、OFD、Word 文档（DOCX）" {
		t.Errorf("KindsLabel = %s", got)
	}
}

// The crafted containers of testdata/zip get a coded refusal, never a panic; the
// genuine ones are recognised.
func TestCraftedZipsAreRefused(t *testing.T) {
	all := ParseKinds("pdf,ofd,jpeg,png,docx,xlsx")
	want := map[string]FileKind{"genuine.docx": KindDOCX, "genuine.xlsx": KindXLSX, "genuine.ofd": KindOFD}
	for name, body := range craftedZIPs(t) {
		got, err := CheckUploadContent(name, bytes.NewReader(body), int64(len(body)), all)
		if k, ok := want[name]; ok {
			if err != nil || got != k {
				t.Errorf("%s: %s, %v; want %s", name, got, err, k)
			}
			continue
		}
		if ErrorCode(err) != EInvalid || got != "" {
			t.Errorf("%s: %q, %v; want a coded refusal", name, got, err)
		}
	}
}

// A directory that declares more entries than fit in ZipDirectoryBudget is refused
// before archive/zip reads it all into memory.
func TestZipDirectoryBudget(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; buf.Len() < 2*ZipDirectoryBudget; i++ {
		zw.CreateHeader(&zip.FileHeader{Name: strings.Repeat("n", 200) + string(rune('a'+i%26)), Method: zip.Store})
		if i%1000 == 0 {
			zw.Flush()
		}
	}
	zw.Close()
	if _, err := ZipEntryNames(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil || !strings.Contains(err.Error(), "目录过大") {
		t.Fatalf("ZipEntryNames over the budget = %v", err)
	}
}

func TestSafeFilename(t *testing.T) {
	for in, want := range map[string]string{
		"a\u202Egpj.pdf": "agpj.pdf",
		"报告\u200B\u200C\u200D\u200E\u200F.pdf": "报告.pdf",
		"\uFEFF年报.pdf":                         "年报.pdf",
		"x\u2066y\u2067z\u2068w\u2069.docx":    "xyzw.docx",
		"\u202A\u202B\u202C\u202D.pdf":         ".pdf",
		"C:\\Users\\张三\\审计报告.pdf":              "审计报告.pdf",
		"../../etc/passwd":                     "passwd",
		"tab\there\r\n.pdf":                    "tabhere.pdf",
		"line\u2028sep.pdf":                    "linesep.pdf",
		"say \"hi\".pdf":                       "say hi.pdf",
		"bad\xffutf8.pdf":                      "badutf8.pdf",
		"\u202E":                               "未命名文件",
		"..":                                   "未命名文件",
		"  ":                                   "未命名文件",
		strings.Repeat("长", 200) + ".pdf":      strings.Repeat("长", MaxFilenameRunes-4) + ".pdf",
	} {
		if got := SafeFilename(in); got != want {
			t.Errorf("SafeFilename(%q) = %q; want %q", in, got, want)
		}
	}
}
