package models

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the crafted ZIPs under testdata/zip")

// le appends little-endian fields.
type le []byte

func (b le) u16(v uint16) le { return binary.LittleEndian.AppendUint16(b, v) }
func (b le) u32(v uint32) le { return binary.LittleEndian.AppendUint32(b, v) }
func (b le) u64(v uint64) le { return binary.LittleEndian.AppendUint64(b, v) }

// craftedZIP64 is the 202-byte .docx of issue 8 §2.1: a local header, then a ZIP64 end
// record whose directory offset (100) plus size (2^64−90) wraps around to 10, so a
// parser that adds them in uint64 and slices in int64 asks for tail[100:10] and panics.
func craftedZIP64() []byte {
	name := "[Content_Types].xml"
	b := le("PK\x03\x04").u16(20).u16(0).u16(0).u16(0).u16(0).u32(0).u32(0).u32(0).u16(uint16(len(name))).u16(0)
	b = append(b, name...)
	b = append(b, bytes.Repeat([]byte{0}, 55)...)
	rec := len(b)
	b = b.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0).u64(1).u64(1).u64(1<<64 - 90).u64(100)
	b = b.u32(0x07064b50).u32(0).u64(uint64(rec)).u32(1)
	b = b.u32(0x06054b50).u16(0).u16(0).u16(0xFFFF).u16(0xFFFF).u32(0xFFFFFFFF).u32(0xFFFFFFFF).u16(0)
	return b
}

// realZIP builds a genuine archive with the named (empty) entries.
func realZIP(t testing.TB, names ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// craftedZIPs are the hostile and odd containers kept as fuzz seeds, by file name.
func craftedZIPs(t testing.TB) map[string][]byte {
	docx := realZIP(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
	eocd := bytes.LastIndex(docx, []byte("PK\x05\x06"))
	dir := int(binary.LittleEndian.Uint32(docx[eocd+16:]))

	truncated := append([]byte(nil), docx[:dir+10]...) // the directory cut off inside its first entry
	truncated = append(truncated, docx[eocd:]...)

	huge := append([]byte(nil), docx...) // the end record claims 65,535 entries and a 4 GB directory
	binary.LittleEndian.PutUint16(huge[eocd+8:], 0xFFFE)
	binary.LittleEndian.PutUint16(huge[eocd+10:], 0xFFFE)
	binary.LittleEndian.PutUint32(huge[eocd+12:], 0xFFFFFFF0)

	return map[string][]byte{
		"zip64-crafted.docx":       craftedZIP64(),
		"truncated-directory.docx": truncated,
		"huge-counts.docx":         huge,
		"evil-exe-as-report.docx":  realZIP(t, "evil.exe"),
		"genuine.docx":             docx,
		"genuine.xlsx":             realZIP(t, "[Content_Types].xml", "xl/workbook.xml"),
		"genuine.ofd":              realZIP(t, "OFD.xml", "Doc_0/Document.xml"),
		"content-types-only.docx":  realZIP(t, "[Content_Types].xml", "evil.exe"),
		"no-end-record.docx":       docx[:eocd],
	}
}

// The crafted ZIPs under testdata/zip are the ones built here (go test -run
// TestCraftedZipSeeds -update-seeds rewrites them); the web tests and the fuzz targets
// read them from there.
func TestCraftedZipSeeds(t *testing.T) {
	if n := len(craftedZIP64()); n != 202 {
		t.Fatalf("crafted ZIP64 is %d bytes; want 202", n)
	}
	for name, want := range craftedZIPs(t) {
		p := filepath.Join("testdata", "zip", name)
		if *updateSeeds {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the test builds (err %v); run with -update-seeds", p, err)
		}
	}
}
