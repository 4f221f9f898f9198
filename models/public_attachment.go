package models

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
)

// PublicAttachmentTypes names the file types a complaint or a scope-change record may
// carry, for the form's hint.
const PublicAttachmentTypes = "PDF、OFD、JPG、PNG、Word（docx）"

// CheckPublicAttachment decides a file's type by its content, never by its name alone:
// PDF, JPEG and PNG by their signature; OFD and docx are ZIP containers and must also
// carry the matching extension. head is the file's first bytes (512 are enough).
func CheckPublicAttachment(name string, head []byte, size int64) (contentType string, err error) {
	if size <= 0 {
		return "", Errorf(EInvalid, "附件「%s」是空文件", name)
	}
	if size > MaxAttachmentBytes {
		return "", Errorf(EInvalid, "附件「%s」超过 %d MB，请压缩或拆分后上传", name, MaxAttachmentBytes>>20)
	}
	ext := strings.ToLower(filepath.Ext(name))
	sniffed := http.DetectContentType(head)
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf", nil
	case sniffed == "image/jpeg", sniffed == "image/png":
		return sniffed, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) && ext == ".ofd":
		return "application/ofd", nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) && ext == ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil
	}
	return "", Errorf(EInvalid, "附件「%s」的格式不受支持：仅接受 %s", name, PublicAttachmentTypes)
}
