package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ttfFont is a TrueType font parsed once per process. For every document
// subset builds a small, valid TrueType file holding only the glyphs that
// document uses, so gofpdf parses and cuts a few kilobytes per document
// instead of the whole multi-megabyte font.
type ttfFont struct {
	data       []byte
	tables     map[string][]byte // raw table bytes, sliced from data
	cmap       map[rune]uint16   // Unicode BMP code point -> glyph id
	loca       []uint32          // numGlyphs+1 glyph offsets into glyf
	numHMetric int
}

// tables copied unchanged into every subset when the font has them. The
// hinting tables (fpgm, prep, cvt) and the glyphs' hinting programs are
// dropped: PDF viewers scale outlines unhinted, and the programs are 11% of
// the Song face's outline bytes.
var ttfCopied = []string{"OS/2", "name", "gasp"}

func parseTTF(data []byte) (*ttfFont, error) {
	if len(data) < 12 {
		return nil, errors.New("font file too short")
	}
	switch v := binary.BigEndian.Uint32(data); v {
	case 0x00010000, 0x74727565: // TrueType outlines
	case 0x74746366:
		return nil, errors.New("font is a TrueType collection (.ttc); gofpdf needs a single .ttf")
	case 0x4F54544F:
		return nil, errors.New("font has CFF (PostScript) outlines (.otf); gofpdf needs TrueType outlines")
	default:
		return nil, fmt.Errorf("not a TrueType font (sfnt version %#08x)", v)
	}
	f := &ttfFont{data: data, tables: map[string][]byte{}}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("font table directory truncated")
	}
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(ln) > uint64(len(data)) {
			return nil, fmt.Errorf("font table %q out of bounds", tag)
		}
		f.tables[tag] = data[off : off+ln]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "post", "OS/2"} {
		if _, ok := f.tables[tag]; !ok {
			return nil, fmt.Errorf("font lacks required table %q", tag)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, errors.New("font head/hhea/maxp table truncated")
	}
	// Subsets copy OS/2 and name, which gofpdf reads without bounds checks: OS/2 must be
	// as long as its version says, and name records must lie inside the table.
	if os2 := f.tables["OS/2"]; len(os2) < 2 || len(os2) < os2Size(binary.BigEndian.Uint16(os2)) {
		return nil, errors.New("font OS/2 table truncated")
	}
	f.tables["name"] = cleanName(f.tables["name"])
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	if numGlyphs == 0 { // every font has glyph 0, .notdef, which every subset keeps
		return nil, errors.New("font has no glyphs")
	}
	f.numHMetric = int(binary.BigEndian.Uint16(hhea[34:]))
	if u := binary.BigEndian.Uint16(head[18:]); u < 16 || u > 16384 {
		return nil, fmt.Errorf("font has invalid unitsPerEm %d", u)
	}
	if f.numHMetric == 0 || len(f.tables["hmtx"]) < 4*f.numHMetric+2*max(0, numGlyphs-f.numHMetric) {
		return nil, errors.New("font hmtx table truncated")
	}
	loca := f.tables["loca"]
	long := binary.BigEndian.Uint16(head[50:]) == 1
	f.loca = make([]uint32, numGlyphs+1)
	for i := range f.loca {
		switch {
		case long && len(loca) >= 4*i+4:
			f.loca[i] = binary.BigEndian.Uint32(loca[4*i:])
		case !long && len(loca) >= 2*i+2:
			f.loca[i] = 2 * uint32(binary.BigEndian.Uint16(loca[2*i:]))
		default:
			return nil, errors.New("font loca table truncated")
		}
		if f.loca[i] > uint32(len(f.tables["glyf"])) || (i > 0 && f.loca[i] < f.loca[i-1]) {
			return nil, errors.New("font loca table inconsistent")
		}
	}
	var err error
	if f.cmap, err = parseCmap4(f.tables["cmap"], numGlyphs); err != nil {
		return nil, err
	}
	return f, nil
}

// parseCmap4 reads the Unicode BMP (format 4) subtable, the one gofpdf uses.
func parseCmap4(t []byte, numGlyphs int) (map[rune]uint16, error) {
	if len(t) < 4 {
		return nil, errors.New("font cmap table truncated")
	}
	var sub []byte
	for i := 0; i < int(binary.BigEndian.Uint16(t[2:])) && len(t) >= 12+8*i; i++ {
		rec := t[4+8*i:]
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), binary.BigEndian.Uint32(rec[4:])
		if (pid == 3 && eid == 1 || pid == 0) && int(off)+14 <= len(t) && binary.BigEndian.Uint16(t[off:]) == 4 {
			sub = t[off:]
			break
		}
	}
	if sub == nil {
		return nil, errors.New("font has no Unicode BMP (format 4) cmap")
	}
	segs := int(binary.BigEndian.Uint16(sub[6:])) / 2
	if len(sub) < 16+8*segs {
		return nil, errors.New("font cmap format 4 truncated")
	}
	u16 := func(p int) int {
		if p+2 > len(sub) {
			return 0
		}
		return int(binary.BigEndian.Uint16(sub[p:]))
	}
	ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
	m := make(map[rune]uint16, 8192)
	// A character belongs to the first segment whose end is not below it, as a
	// viewer's binary search over the (sorted) ends finds it. Reading each
	// segment only above the previous ends also bounds the work to 65536
	// characters, whatever a crafted table's segments overlap.
	next := 0 // the lowest character no earlier segment covers
	for s := 0; s < segs; s++ {
		end, start, delta, ro := u16(ends+2*s), u16(starts+2*s), u16(deltas+2*s), u16(ranges+2*s)
		from := max(start, next)
		next = max(next, end+1)
		for c := from; c <= end && c != 0xFFFF; c++ {
			g := 0
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else if g = u16(ranges + 2*s + ro + 2*(c-start)); g != 0 {
				g = (g + delta) & 0xFFFF
			}
			if g != 0 && g < numGlyphs {
				m[rune(c)] = uint16(g)
			}
		}
	}
	return m, nil
}

// Has reports whether the font has a glyph for r.
func (f *ttfFont) has(r rune) bool { _, ok := f.cmap[r]; return ok }

func (f *ttfFont) glyph(g uint16) []byte { return f.tables["glyf"][f.loca[g]:f.loca[g+1]] }

// components returns the glyph ids a composite glyph refers to, the byte
// offsets of those ids inside the glyph data, and where the component
// records end (a hinting program may follow).
func components(gl []byte) (ids []uint16, offs []int, end int) {
	if len(gl) < 10 || int16(binary.BigEndian.Uint16(gl)) >= 0 {
		return nil, nil, len(gl)
	}
	p := 10
	for p+4 <= len(gl) {
		flags := binary.BigEndian.Uint16(gl[p:])
		ids, offs = append(ids, binary.BigEndian.Uint16(gl[p+2:])), append(offs, p+2)
		p += 4
		if flags&1 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x08 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x40 != 0: // X_AND_Y_SCALE
			p += 4
		case flags&0x80 != 0: // TWO_BY_TWO
			p += 8
		}
		if flags&0x20 == 0 { // MORE_COMPONENTS
			break
		}
	}
	return ids, offs, min(p, len(gl))
}

// metric returns the advance width and left side bearing of glyph g.
func (f *ttfFont) metric(g uint16) (adv, lsb uint16) {
	hmtx, i := f.tables["hmtx"], int(g)
	be := binary.BigEndian
	if i < f.numHMetric {
		return be.Uint16(hmtx[4*i:]), be.Uint16(hmtx[4*i+2:])
	}
	return be.Uint16(hmtx[4*(f.numHMetric-1):]), be.Uint16(hmtx[4*f.numHMetric+2*(i-f.numHMetric):])
}

// stripInstructions drops the hinting program of a glyph (gl is a copy).
func stripInstructions(gl []byte) []byte {
	if len(gl) < 12 {
		return gl
	}
	if _, offs, end := components(gl); offs != nil {
		for _, o := range offs { // clear WE_HAVE_INSTRUCTIONS
			binary.BigEndian.PutUint16(gl[o-2:], binary.BigEndian.Uint16(gl[o-2:])&^0x0100)
		}
		return gl[:end]
	}
	p := 10 + 2*int(binary.BigEndian.Uint16(gl))
	if p+2 > len(gl) {
		return gl
	}
	n := int(binary.BigEndian.Uint16(gl[p:]))
	if n == 0 || p+2+n > len(gl) {
		return gl
	}
	return append(append(gl[:p:p], 0, 0), gl[p+2+n:]...)
}

func (f *ttfFont) upem() int { return int(binary.BigEndian.Uint16(f.tables["head"][18:])) }

// os2Size is the length of an OS/2 table of the given version (OpenType spec, OS/2).
func os2Size(version uint16) int {
	switch version {
	case 0:
		return 78
	case 1:
		return 86
	case 2, 3, 4:
		return 96
	}
	return 100
}

// cleanName returns the name table with only the records whose strings lie inside it,
// as format 0. A well-formed format 0 table comes back unchanged.
func cleanName(t []byte) []byte {
	be := binary.BigEndian
	if len(t) < 6 {
		return []byte{0, 0, 0, 0, 0, 6}
	}
	count, storage := int(be.Uint16(t[2:])), int(be.Uint16(t[4:]))
	type rec struct {
		head []byte // platform, encoding, language, name id
		str  []byte
	}
	var keep []rec
	clean := be.Uint16(t) == 0 && storage >= 6+12*count && storage <= len(t)
	for i := 0; i < count && 6+12*i+12 <= len(t); i++ {
		r := t[6+12*i:]
		n, off := int(be.Uint16(r[8:])), int(be.Uint16(r[10:]))
		if storage+off+n > len(t) || n%2 != 0 && be.Uint16(r) == 3 {
			clean = false
			continue
		}
		keep = append(keep, rec{r[:8], t[storage+off : storage+off+n]})
	}
	if clean && len(keep) == count {
		return t
	}
	out := make([]byte, 6, 6+12*len(keep))
	be.PutUint16(out[2:], uint16(len(keep)))
	be.PutUint16(out[4:], uint16(6+12*len(keep)))
	var strs []byte
	for _, r := range keep {
		out = append(out, r.head...)
		out = be.AppendUint16(out, uint16(len(r.str)))
		out = be.AppendUint16(out, uint16(len(strs)))
		strs = append(strs, r.str...)
	}
	return append(out, strs...)
}
