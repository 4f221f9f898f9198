package models

import (
	"bytes"
	"encoding/binary"
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
)

var kindInfo = map[FileKind]struct{ label, mime, ext string }{
	KindPDF:  {"PDF", "application/pdf", ".pdf"},
	KindOFD:  {"OFD", "application/ofd", ".ofd"},
	KindJPEG: {"JPEG 图片", "image/jpeg", ".jpg"},
	KindPNG:  {"PNG 图片", "image/png", ".png"},
	KindDOCX: {"Word 文档（DOCX）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
	KindXLSX: {"Excel 表格（XLSX）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
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

// How much of an upload's start and end the type check looks at. A zip's central
// directory sits at its end; Office and OFD files keep it far below this size.
const (
	SniffHeadBytes = 8 << 10
	SniffTailBytes = 256 << 10
)

// CheckUploadContent decides an upload's kind from its first and last bytes and refuses
// it unless accepted lists that kind. size is the whole file's length.
func CheckUploadContent(name string, head, tail []byte, size int64, accepted []FileKind) (FileKind, error) {
	if size == 0 {
		return "", Errorf(EInvalid, "文件「%s」是空文件，请选择有内容的文件", name)
	}
	kind, err := detectKind(name, head, tail, size, accepted)
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

func detectKind(name string, head, tail []byte, size int64, accepted []FileKind) (FileKind, error) {
	unknown := Errorf(EInvalid, "无法识别文件「%s」的格式。本项材料接受 %s 格式，系统按文件内容而非扩展名判断格式。", name, KindsLabel(accepted))
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
		names, err := ZipEntryNames(tail, size)
		if err != nil {
			return "", Errorf(EInvalid, "文件「%s」是压缩包格式，但%s，无法确认为 OFD 或 Office 文档", name, err.Error())
		}
		return zipKind(names, unknown)
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

// ZipEntryNames reads the entry names from a zip's central directory, found in tail, the
// last bytes of a file of the given size. The directory must lie wholly inside tail.
func ZipEntryNames(tail []byte, size int64) ([]string, error) {
	const eocdLen, zip64LocatorLen = 22, 20
	eocd := -1
	for i := len(tail) - eocdLen; i >= 0 && i >= len(tail)-eocdLen-0xFFFF; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == 0x06054b50 &&
			i+eocdLen+int(binary.LittleEndian.Uint16(tail[i+20:])) == len(tail) {
			eocd = i
			break
		}
	}
	if eocd < 0 {
		return nil, errText("文件末尾没有压缩包目录（文件可能不完整）")
	}
	count := uint64(binary.LittleEndian.Uint16(tail[eocd+10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(tail[eocd+12:]))
	dirOffset := uint64(binary.LittleEndian.Uint32(tail[eocd+16:]))
	if dirOffset == 0xFFFFFFFF || dirSize == 0xFFFFFFFF || count == 0xFFFF {
		loc := eocd - zip64LocatorLen
		if loc < 0 || binary.LittleEndian.Uint32(tail[loc:]) != 0x07064b50 {
			return nil, errText("压缩包目录不完整")
		}
		rec := int64(binary.LittleEndian.Uint64(tail[loc+8:])) - (size - int64(len(tail)))
		if rec < 0 || rec+56 > int64(loc) || binary.LittleEndian.Uint32(tail[rec:]) != 0x06064b50 {
			return nil, errText("压缩包目录不完整")
		}
		count = binary.LittleEndian.Uint64(tail[rec+32:])
		dirSize = binary.LittleEndian.Uint64(tail[rec+40:])
		dirOffset = binary.LittleEndian.Uint64(tail[rec+48:])
	}
	start := int64(dirOffset) - (size - int64(len(tail)))
	if dirOffset > uint64(size) || start < 0 || uint64(start)+dirSize > uint64(eocd) {
		return nil, errText("压缩包目录过大或位置异常")
	}
	dir := tail[start : start+int64(dirSize)]
	var names []string
	for p := 0; uint64(len(names)) < count; {
		if p+46 > len(dir) || binary.LittleEndian.Uint32(dir[p:]) != 0x02014b50 {
			return nil, errText("压缩包目录已损坏")
		}
		n, e, c := int(binary.LittleEndian.Uint16(dir[p+28:])), int(binary.LittleEndian.Uint16(dir[p+30:])), int(binary.LittleEndian.Uint16(dir[p+32:]))
		if p+46+n > len(dir) {
			return nil, errText("压缩包目录已损坏")
		}
		names = append(names, string(dir[p+46:p+46+n]))
		p += 46 + n + e + c
	}
	return names, nil
}

type errText string

func (e errText) Error() string { return string(e) }
