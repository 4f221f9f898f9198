package pdf

import (
	"encoding/binary"
	"math/bits"
	"sort"
)

// glyphKey is a glyph of one of the fonts.
type glyphKey struct {
	font int
	g    uint16
}

// subsetOf builds one TrueType font with .notdef and the glyphs for runes,
// each taken from the first font that has it (plus the components of
// composite glyphs). Metrics and global tables come from fonts[0]; advance
// widths of glyphs from other fonts are converted to its units per em (the
// outlines keep theirs: 1000 vs 1024 units makes them 2% smaller, which
// nobody sees). Runes no font has are left out.
func subsetOf(fonts []*ttfFont, runes []rune) []byte {
	keep := map[glyphKey]bool{{0, 0}: true}
	var add func(k glyphKey)
	add = func(k glyphKey) {
		if keep[k] || int(k.g)+1 >= len(fonts[k.font].loca) {
			return
		}
		keep[k] = true
		ids, _, _ := components(fonts[k.font].glyph(k.g))
		for _, c := range ids {
			add(glyphKey{k.font, c})
		}
	}
	runeKey := map[rune]glyphKey{}
	for _, r := range runes {
		for i, f := range fonts {
			if g, ok := f.cmap[r]; ok {
				runeKey[r] = glyphKey{i, g}
				add(glyphKey{i, g})
				break
			}
		}
	}
	old := make([]glyphKey, 0, len(keep))
	for k := range keep {
		old = append(old, k)
	}
	sort.Slice(old, func(i, j int) bool {
		return old[i].font < old[j].font || old[i].font == old[j].font && old[i].g < old[j].g
	})
	newID := make(map[glyphKey]uint16, len(old))
	for i, k := range old {
		newID[k] = uint16(i)
	}

	upem := fonts[0].upem()
	var glyf, loca, hm []byte
	for _, k := range old {
		f := fonts[k.font]
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		gl := append([]byte(nil), f.glyph(k.g)...)
		ids, offs, _ := components(gl)
		for i, c := range ids {
			binary.BigEndian.PutUint16(gl[offs[i]:], newID[glyphKey{k.font, c}])
		}
		gl = stripInstructions(gl)
		adv, lsb := f.metric(k.g)
		if k.font > 0 {
			adv = uint16((int(adv)*upem + f.upem()/2) / f.upem())
		}
		glyf = append(glyf, gl...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		hm = binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(hm, adv), lsb)
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	cmap := make(map[rune]uint16, len(runeKey))
	for r, k := range runeKey {
		cmap[r] = newID[k]
	}
	f := fonts[0]
	out := map[string][]byte{"glyf": glyf, "loca": loca, "hmtx": hm, "cmap": buildCmap4(cmap)}
	for _, tag := range ttfCopied {
		if t, ok := f.tables[tag]; ok {
			out[tag] = t
		}
	}
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1) // long loca offsets
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	post := append([]byte(nil), f.tables["post"][:min(32, len(f.tables["post"]))]...)
	post = append(post, make([]byte, 32-len(post))...)
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names
	out["head"], out["hhea"], out["maxp"], out["post"] = head, hhea, maxp, post
	return assembleTTF(out)
}

// subset is subsetOf for this font alone.
func (f *ttfFont) subset(runes []rune) []byte { return subsetOf([]*ttfFont{f}, runes) }

// buildCmap4 writes a cmap table with one Windows Unicode BMP (format 4)
// subtable mapping each rune to its glyph id.
func buildCmap4(cmap map[rune]uint16) []byte {
	type seg struct{ start, end, delta uint16 }
	rs := make([]rune, 0, len(cmap))
	for r := range cmap {
		if r < 0xFFFF {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	var segs []seg
	for _, r := range rs {
		g := cmap[r]
		d := uint16(int(g) - int(r)) // arithmetic modulo 65536
		if n := len(segs); n > 0 && segs[n-1].end+1 == uint16(r) && segs[n-1].delta == d {
			segs[n-1].end++
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), d})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})

	n := len(segs)
	sub := make([]byte, 16+8*n)
	be := binary.BigEndian
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*n))
	sr, sel := searchParams(n, 2)
	be.PutUint16(sub[8:], sr)
	be.PutUint16(sub[10:], sel)
	be.PutUint16(sub[12:], uint16(2*n)-sr)
	for i, s := range segs {
		be.PutUint16(sub[14+2*i:], s.end)
		be.PutUint16(sub[16+2*n+2*i:], s.start)
		be.PutUint16(sub[16+4*n+2*i:], s.delta)
		// idRangeOffset stays 0
	}
	hdr := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(hdr, sub...)
}

// searchParams returns searchRange and entrySelector for n entries of the
// given unit size, as the TrueType binary-search headers define them.
func searchParams(n, unit int) (uint16, uint16) {
	sel := bits.Len(uint(n)) - 1
	return uint16(unit << sel), uint16(sel)
}

func ttfChecksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// assembleTTF writes the table directory and tables (sorted by tag,
// 4-byte aligned) and sets head.checkSumAdjustment.
func assembleTTF(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	be := binary.BigEndian
	out := make([]byte, 12+16*len(tags))
	be.PutUint32(out, 0x00010000)
	be.PutUint16(out[4:], uint16(len(tags)))
	sr, sel := searchParams(len(tags), 16)
	be.PutUint16(out[6:], sr)
	be.PutUint16(out[8:], sel)
	be.PutUint16(out[10:], uint16(16*len(tags))-sr)
	headOff := 0
	for i, t := range tags {
		data := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		be.PutUint32(rec[4:], ttfChecksum(data))
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(data)))
		if t == "head" {
			headOff = len(out)
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	be.PutUint32(out[headOff+8:], 0xB1B0AFBA-ttfChecksum(out))
	return out
}
