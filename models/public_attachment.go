package models

// PublicAttachmentTypes names the file types a complaint or a scope-change record may
// carry, for the form's hint.
const PublicAttachmentTypes = "PDF、OFD、JPG、PNG、Word（docx）"

// PublicAttachmentKinds are the kinds a complaint attachment or a scope-change evidence
// file may be. They pass the same content check as the materials (CheckUploadContent):
// a ZIP named report.docx is a DOCX only if it holds [Content_Types].xml and word/….
var PublicAttachmentKinds = []FileKind{KindPDF, KindOFD, KindJPEG, KindPNG, KindDOCX}
