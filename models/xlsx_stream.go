package models

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// A streaming reader of the first worksheet of an XLSX workbook, for the loan book: memory
// stays bounded whatever the number of rows. excelize's row iterator (File.Rows) streams
// the sheet, but excelize.OpenReader first reads the whole zip into memory and decodes the
// whole shared-string table, in which every loan id and borrower id is one entry: both grow
// with the book. Here the upload is spooled to a temporary file and read as a zip through
// io.ReaderAt; the shared strings are written to a second temporary file with a fixed-width
// index, and looked up by position as cells refer to them. Only one row is held at a time.

// xlsxMaxUnzipped bounds the bytes decompressed from one workbook (a zip bomb stops there).
const xlsxMaxUnzipped = 4 << 30

// xlsxMaxPart bounds the small parts read whole (workbook.xml and its relationships).
const xlsxMaxPart = 16 << 20

// xlsxMaxCell bounds the bytes kept of one cell: enough to tell a cell longer than the
// parser's limits (maxCellRunes) from one within them.
const xlsxMaxCell = 4 << 10

var errXLSXDamaged = errors.New("xlsx: damaged")

// xlsxSheetRows calls fn with each row of the workbook's first worksheet, numbered as in
// the sheet (1-based), with at most maxCols cells. Cell values are raw: numbers and dates as
// stored (a date is its serial number), booleans 1 or 0, strings resolved. open is false
// when the input is not a readable workbook, so the caller can say so; other errors are
// the sheet's or fn's.
func xlsxSheetRows(r io.Reader, maxCols int, fn func(row int64, rec []string) error) (open bool, err error) {
	spool, err := os.CreateTemp("", "portal-xlsx-*")
	if err != nil {
		return true, err
	}
	defer func() { spool.Close(); os.Remove(spool.Name()) }()
	size, err := io.Copy(spool, r)
	if err != nil {
		return true, err
	}
	zr, err := zip.NewReader(spool, size)
	if err != nil {
		return false, err
	}
	b := &xlsxBook{files: map[string]*zip.File{}, budget: xlsxMaxUnzipped}
	for _, f := range zr.File {
		b.files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	sheet, sst := b.parts()
	if sheet == nil {
		return false, errXLSXNoSheet
	}
	if sst != nil {
		if b.sst, err = newSSTIndex(b, sst); err != nil {
			return true, err
		}
		defer b.sst.close()
	}
	return true, b.rows(sheet, maxCols, fn)
}

var errXLSXNoSheet = errors.New("xlsx: no worksheet")

type xlsxBook struct {
	files  map[string]*zip.File // by lower-case name
	budget int64                // bytes still allowed to decompress
	sst    *sstIndex
}

// open reads a part within the decompression budget.
func (b *xlsxBook) open(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&unzipBudget{r: rc, left: &b.budget}, rc}, nil
}

type unzipBudget struct {
	r    io.Reader
	left *int64
}

func (br *unzipBudget) Read(p []byte) (int, error) {
	if *br.left <= 0 {
		return 0, errXLSXDamaged
	}
	if int64(len(p)) > *br.left {
		p = p[:*br.left]
	}
	n, err := br.r.Read(p)
	*br.left -= int64(n)
	return n, err
}

// parts finds the first worksheet (workbook order) and the shared strings through the
// workbook's relationships, falling back to the usual names.
func (b *xlsxBook) parts() (sheet, sst *zip.File) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	b.decodeSmall("xl/workbook.xml", &wb)
	b.decodeSmall("xl/_rels/workbook.xml.rels", &rels)
	target := func(t string) *zip.File {
		t = strings.ReplaceAll(t, "\\", "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		return b.files[strings.ToLower(t)]
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sst = target(r.Target)
		}
	}
	if len(wb.Sheets) > 0 {
		for _, r := range rels.Rels {
			if r.ID == wb.Sheets[0].ID {
				sheet = target(r.Target)
			}
		}
	}
	if sheet == nil {
		sheet = b.files["xl/worksheets/sheet1.xml"]
	}
	if sst == nil {
		sst = b.files["xl/sharedstrings.xml"]
	}
	return sheet, sst
}

// decodeSmall decodes a small part into v; a missing or bad part leaves v empty.
func (b *xlsxBook) decodeSmall(name string, v any) {
	f := b.files[name]
	if f == nil {
		return
	}
	rc, err := b.open(f)
	if err != nil {
		return
	}
	defer rc.Close()
	_ = xml.NewDecoder(io.LimitReader(rc, xlsxMaxPart)).Decode(v)
}

// cellText gathers the text of a string item (<si> or <is>): its <t> elements, plain or in
// rich-text runs, leaving out phonetic runs (<rPh>); it reads up to the end of the element
// named end and keeps at most xlsxMaxCell bytes.
func cellText(d *xml.Decoder, end string, buf []byte) ([]byte, error) {
	depth, inT, inPh := 0, false, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return buf, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "rPh":
				inPh++
			case "t":
				inT = inPh == 0
			}
		case xml.EndElement:
			if depth == 0 && t.Name.Local == end {
				return buf, nil
			}
			depth--
			switch t.Name.Local {
			case "rPh":
				inPh--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				buf = appendCapped(buf, t)
			}
		}
	}
}

func appendCapped(buf, s []byte) []byte {
	if room := xlsxMaxCell - len(buf); room > 0 {
		buf = append(buf, s[:min(len(s), room)]...)
	}
	return buf
}

// sstIndex is the shared-string table on disk: the strings one after another in data, and
// in index the offset of each (8 bytes little-endian) followed by the end of the last.
type sstIndex struct {
	data, index *os.File
	n           int64
	buf         []byte
}

func newSSTIndex(b *xlsxBook, f *zip.File) (*sstIndex, error) {
	s := &sstIndex{}
	var err error
	if s.data, err = os.CreateTemp("", "portal-sst-*"); err != nil {
		return nil, err
	}
	os.Remove(s.data.Name()) // the open file stays readable; nothing is left behind
	if s.index, err = os.CreateTemp("", "portal-sst-index-*"); err != nil {
		s.data.Close()
		return nil, err
	}
	os.Remove(s.index.Name())
	rc, err := b.open(f)
	if err != nil {
		s.close()
		return nil, errXLSXDamaged
	}
	defer rc.Close()
	dw, iw := bufio.NewWriter(s.data), bufio.NewWriter(s.index)
	var off int64
	var word [8]byte
	mark := func() error {
		binary.LittleEndian.PutUint64(word[:], uint64(off))
		_, err := iw.Write(word[:])
		return err
	}
	d := xml.NewDecoder(rc)
	var text []byte
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.close()
			return nil, errXLSXDamaged
		}
		if st, ok := tok.(xml.StartElement); ok && st.Name.Local == "si" {
			if text, err = cellText(d, "si", text[:0]); err != nil {
				s.close()
				return nil, errXLSXDamaged
			}
			if err := mark(); err != nil {
				s.close()
				return nil, err
			}
			if _, err := dw.Write(text); err != nil {
				s.close()
				return nil, err
			}
			off += int64(len(text))
			s.n++
		}
	}
	if err := mark(); err != nil {
		s.close()
		return nil, err
	}
	if err := dw.Flush(); err != nil {
		s.close()
		return nil, err
	}
	if err := iw.Flush(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// get is the i-th string.
func (s *sstIndex) get(i int64) (string, error) {
	if i < 0 || i >= s.n {
		return "", errXLSXDamaged
	}
	var w [16]byte
	if _, err := s.index.ReadAt(w[:], i*8); err != nil {
		return "", err
	}
	from, to := int64(binary.LittleEndian.Uint64(w[:8])), int64(binary.LittleEndian.Uint64(w[8:]))
	if to < from || to-from > xlsxMaxCell {
		return "", errXLSXDamaged
	}
	if cap(s.buf) < int(to-from) {
		s.buf = make([]byte, to-from)
	}
	buf := s.buf[:to-from]
	if _, err := s.data.ReadAt(buf, from); err != nil && !(err == io.EOF && len(buf) == 0) {
		return "", err
	}
	return string(buf), nil
}

func (s *sstIndex) close() {
	if s.data != nil {
		s.data.Close()
	}
	if s.index != nil {
		s.index.Close()
	}
}

// columnOf is the 0-based column of a cell reference such as "AB12", or -1.
func columnOf(ref string) int {
	col := 0
	n := 0
	for _, c := range ref {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		if n++; n > 3 {
			return -1
		}
	}
	if n == 0 {
		return -1
	}
	return col - 1
}

// rows streams the sheet's <row> elements.
func (b *xlsxBook) rows(sheet *zip.File, maxCols int, fn func(row int64, rec []string) error) error {
	rc, err := b.open(sheet)
	if err != nil {
		return errXLSXDamaged
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReader(rc))
	rec := make([]string, 0, maxCols)
	var row int64
	var v, text []byte
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errXLSXDamaged
		}
		st, ok := tok.(xml.StartElement)
		if !ok || st.Name.Local != "row" {
			continue
		}
		next := row + 1
		for _, a := range st.Attr {
			if a.Name.Local == "r" {
				if n, err := strconv.ParseInt(a.Value, 10, 64); err == nil && n > row {
					next = n
				}
			}
		}
		row = next
		rec = rec[:0]
		col := 0
		for done := false; !done; {
			tok, err := d.Token()
			if err != nil {
				return errXLSXDamaged
			}
			switch t := tok.(type) {
			case xml.EndElement:
				done = t.Name.Local == "row"
			case xml.StartElement:
				if t.Name.Local != "c" {
					if err := d.Skip(); err != nil {
						return errXLSXDamaged
					}
					continue
				}
				kind := ""
				at := col
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "t":
						kind = a.Value
					case "r":
						if c := columnOf(a.Value); c >= 0 {
							at = c
						}
					}
				}
				v, text = v[:0], text[:0]
				if err := b.cell(d, &v, &text); err != nil {
					return err
				}
				col = at + 1
				if at >= maxCols {
					continue
				}
				var val string
				switch kind {
				case "s":
					i, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
					if err != nil || b.sst == nil {
						return errXLSXDamaged
					}
					if val, err = b.sst.get(i); err != nil {
						return errXLSXDamaged
					}
				case "inlineStr":
					val = string(text)
				default:
					val = string(v)
				}
				for len(rec) < at {
					rec = append(rec, "")
				}
				if at < len(rec) {
					rec[at] = val
				} else {
					rec = append(rec, val)
				}
			}
		}
		if err := fn(row, rec); err != nil {
			return err
		}
	}
}

// cell reads one <c> element's value (<v>) and inline string (<is>).
func (b *xlsxBook) cell(d *xml.Decoder, v, text *[]byte) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return errXLSXDamaged
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "c" {
				return nil
			}
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				for {
					tok, err := d.Token()
					if err != nil {
						return errXLSXDamaged
					}
					if cd, ok := tok.(xml.CharData); ok {
						*v = appendCapped(*v, cd)
						continue
					}
					if e, ok := tok.(xml.EndElement); ok && e.Name.Local == "v" {
						break
					}
				}
			case "is":
				if *text, err = cellText(d, "is", *text); err != nil {
					return errXLSXDamaged
				}
			default:
				if err := d.Skip(); err != nil {
					return errXLSXDamaged
				}
			}
		}
	}
}
