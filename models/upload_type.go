package models

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
)

// FileKind is a file's type as found in its content, never from its name.
type FileKind string

const (
	KindPDF  FileKind = "pdf"
	KindOFD  FileKind = "ofd" // GB/T 33190 版式文件: a zip with OFD.xml at its root
	KindJPEG FileKind = "jpeg"
	KindPNG  FileKind = "png"
	KindDOCX FileKind = "docx" // a zip with [Content_Types].xml and word/
	KindXLSX FileKind = "xlsx" // a zip with [Content_Types].xml and xl/
	// KindCSV is comma-separated text (UTF-8 or GB18030), accepted only where a form asks
	// for it (the loan book): text with no NUL byte or other control character but tab,
	// CR and LF, and a comma in its first line.
	KindCSV FileKind = "csv"
)

// LoanBookKinds are the types a loan book (借款明细) may be uploaded as.
var LoanBookKinds = []FileKind{KindCSV, KindXLSX}

var kindInfo = map[FileKind]struct{ label, mime, ext string }{
	KindPDF:  {"PDF", "application/pdf", ".pdf"},
	KindOFD:  {"OFD", "application/ofd", ".ofd"},
	KindJPEG: {"JPEG 图片", "image/jpeg", ".jpg"},
	KindPNG:  {"PNG 图片", "image/png", ".png"},
	KindDOCX: {"Word 文档（DOCX）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
	KindXLSX: {"Excel 表格（XLSX）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	KindCSV:  {"CSV 文本", "text/csv; charset=utf-8", ".csv"},
}

// Label is the Chinese name of the kind.
func (k FileKind) Label() string {
	if i, ok := kindInfo[k]; ok {
		return i.label
	}
	return string(k)
}

// ContentType is the MIME type sent with a download.
func (k FileKind) ContentType() string {
	if i, ok := kindInfo[k]; ok {
		return i.mime
	}
	return "application/octet-stream"
}

// Extension is the usual file extension, with its dot.
func (k FileKind) Extension() string { return kindInfo[k].ext }

// ParseKinds reads a material's accepted kinds, "pdf,ofd"; unknown names are dropped.
func ParseKinds(csv string) []FileKind {
	var out []FileKind
	for _, s := range strings.Split(csv, ",") {
		k := FileKind(strings.TrimSpace(s))
		if _, ok := kindInfo[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// KindsLabel lists kinds for messages: "PDF、OFD".
func KindsLabel(kinds []FileKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Label()
	}
	return strings.Join(names, "、")
}

// SniffHeadBytes is how much of an upload's start the type check reads: a PDF's header
// may follow up to 1 KB of junk, the other signatures sit at the very start.
const SniffHeadBytes = 8 << 10

// ZipDirectoryBudget bounds how much of a ZIP container the type check reads to list
// its entries. A DOCX, XLSX or OFD keeps its central directory far below this; a crafted
// archive that declares millions of entries is refused instead of filling memory.
const ZipDirectoryBudget = 2 << 20

// CheckUploadContent decides an upload's kind from its content, read from r (the
// complete upload as stored, size bytes), and refuses it unless accepted lists that kind.
// The file's name never decides its type (SPEC §3.1: "size and type checked by content
// …, never by extension alone"). A ZIP container is read with archive/zip: a DOCX must
// hold [Content_Types].xml and word/…, an XLSX [Content_Types].xml and xl/…, an OFD
// OFD.xml at its root (GB/T 33190).
func CheckUploadContent(name string, r io.ReaderAt, size int64, accepted []FileKind) (FileKind, error) {
	if size == 0 {
		return "", Errorf(EInvalid, "文件「%s」是空文件，请选择有内容的文件", name)
	}
	kind, err := detectKind(name, r, size, accepted)
	if err != nil {
		return "", err
	}
	for _, a := range accepted {
		if a == kind {
			return kind, nil
		}
	}
	return "", Errorf(EInvalid, "文件「%s」的实际格式为 %s，本项材料只接受 %s 格式。系统按文件内容判断格式，修改扩展名无效。",
		name, kind.Label(), KindsLabel(accepted))
}

func detectKind(name string, r io.ReaderAt, size int64, accepted []FileKind) (FileKind, error) {
	unknown := Errorf(EInvalid, "无法识别文件「%s」的格式。本项材料接受 %s 格式，系统按文件内容而非扩展名判断格式。", name, KindsLabel(accepted))
	head := make([]byte, min(size, SniffHeadBytes))
	n, err := r.ReadAt(head, 0)
	if n < len(head) && err != nil {
		return "", Errorf(EInvalid, "文件「%s」无法读取，未保存，请重新上传", name)
	}
	head = head[:n]
	switch {
	case bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")): // the header may follow a little junk
		return KindPDF, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return KindJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return KindPNG, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "", Errorf(EInvalid, "文件「%s」是旧版 Office 格式（.doc 或 .xls），请另存为 DOCX、XLSX 或 PDF 后上传", name)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		names, err := ZipEntryNames(r, size)
		if err != nil {
			return "", Errorf(EInvalid, "文件「%s」是压缩包格式，但%s，无法确认为 OFD 或 Office 文档", name, err.Error())
		}
		return zipKind(names, unknown)
	case slices.Contains(accepted, KindCSV) && looksLikeCSV(head):
		return KindCSV, nil
	}
	return "", unknown
}

func zipKind(names []string, unknown error) (FileKind, error) {
	has := func(pred func(string) bool) bool {
		for _, n := range names {
			if pred(n) {
				return true
			}
		}
		return false
	}
	if has(func(n string) bool { return n == "OFD.xml" }) {
		return KindOFD, nil
	}
	if has(func(n string) bool { return n == "[Content_Types].xml" }) {
		switch {
		case has(func(n string) bool { return strings.HasPrefix(n, "word/") }):
			return KindDOCX, nil
		case has(func(n string) bool { return strings.HasPrefix(n, "xl/") }):
			return KindXLSX, nil
		}
	}
	return "", unknown
}

// ZipEntryNames lists the entries of the ZIP container in r (size bytes) with
// archive/zip, which checks every offset and count against the file's size (ZIP64
// included). It reads at most ZipDirectoryBudget bytes; the error text is a Chinese
// clause for the caller's message.
func ZipEntryNames(r io.ReaderAt, size int64) ([]string, error) {
	zr, err := zip.NewReader(&budgetReader{r: r, left: ZipDirectoryBudget}, size)
	switch {
	case errors.Is(err, errBudget):
		return nil, errText("压缩包目录过大")
	case errors.Is(err, zip.ErrInsecurePath):
		// archive/zip still lists the entries; a name such as ../x is only a name here
	case err != nil:
		return nil, errText("压缩包目录不完整或已损坏（文件可能不完整）")
	}
	names := make([]string, len(zr.File))
	for i, f := range zr.File {
		names[i] = f.Name
	}
	return names, nil
}

var errBudget = errors.New("zip directory over budget")

// budgetReader fails once more than left bytes have been read through it.
type budgetReader struct {
	r    io.ReaderAt
	left int64
}

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if int64(len(p)) > b.left {
		return 0, errBudget
	}
	n, err := b.r.ReadAt(p, off)
	b.left -= int64(n)
	return n, err
}

type errText string

func (e errText) Error() string { return string(e) }

// looksLikeCSV says the start of a file is comma-separated text: no control character but
// tab, CR and LF, and a comma before the first line break. Only asked where CSV is
// accepted, so a text file never passes as a material.
func looksLikeCSV(head []byte) bool {
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	if !bytes.Contains(first, []byte(",")) {
		return false
	}
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\r' && b != '\n' || b == 0x7F {
			return false
		}
	}
	return true
}
