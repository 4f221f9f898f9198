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

// ends cuts b as the upload reader sees it: its first and last bytes.
func ends(b []byte) (head, tail []byte) {
	return b[:min(len(b), SniffHeadBytes)], b[max(0, len(b)-SniffTailBytes):]
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
		head, tail := ends(f.body)
		got, err := CheckUploadContent(f.name, head, tail, int64(len(f.body)), all)
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
		{"截断.docx", zipOf(t, 10, "[Content_Types].xml", "word/document.xml")[:40], "docx", "文件末尾没有压缩包目录"},
		{"空.pdf", nil, "pdf", "是空文件"},
	}
	for _, f := range refused {
		head, tail := ends(f.body)
		_, err := CheckUploadContent(f.name, head, tail, int64(len(f.body)), ParseKinds(f.accepted))
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
	names, err := ZipEntryNames(buf.Bytes(), int64(buf.Len()))
	if err != nil || len(names) != 1 || names[0] != "OFD.xml" {
		t.Fatalf("names %v, %v", names, err)
	}
}

func TestKindsLabel(t *testing.T) {
	if got := KindsLabel(ParseKinds("pdf, ofd,unknown,docx")); got != "PDF、OFD、Word 文档（DOCX）" {
		t.Errorf("KindsLabel = %s", got)
	}
}
