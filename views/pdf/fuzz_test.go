package pdf

// FuzzParseTTF feeds the TrueType reader and the subsetter arbitrary bytes. Fonts are
// read from system files, but the reader is a parser of bytes all the same: it must
// answer any input with an error, never a panic, and whatever it accepts must cut into a
// subset that it reads back, and a document in it either renders or fails with an error.

import (
	"bytes"
	"encoding/binary"
	"sort"
	"testing"
)

func FuzzParseTTF(f *testing.F) {
	r := renderer(f)
	song, kai := r.fonts[0], r.fonts[1]
	// small real fonts: subsets of the Song face (with WenKai's name table, a 25th of
	// the Song face's) and of WenKai, with a composite glyph
	seeds := [][]byte{withTable(song.subset([]rune("整改验收合格证明0123ABC，。")), "name", kai.tables["name"]), kai.subset([]rune("堃喆珺"))}
	for c, g := range kai.cmap {
		if ids, _, _ := components(kai.glyph(g)); len(ids) > 0 {
			seeds = append(seeds, kai.subset([]rune{c, 'A'}))
			break
		}
	}
	for _, s := range seeds[:2] {
		f.Add(s)
		f.Add(s[:len(s)/2])                                // truncated
		f.Add(withTable(s, "cmap", overlappingCmap()))     // overlapping segments
		f.Add(append([]byte("ttcf"), s[4:]...))            // a collection
		f.Add(setU16(s, tableOffset(s, "maxp")+4, 0xFFFF)) // more glyphs than loca holds
		f.Add(setU16(s, tableOffset(s, "hhea")+34, 0))     // no horizontal metrics
	}
	for _, s := range seeds[2:] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		font, err := parseTTF(data)
		if err != nil {
			return
		}
		var runes []rune
		for c := range font.cmap {
			runes = append(runes, c)
		}
		sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
		runes = append(runes[:min(len(runes), 40)], 'A', '合')
		for _, fonts := range [][]*ttfFont{{font}, {font, song}} { // alone, and as primary with a fallback
			b := subsetOf(fonts, runes)
			sub, err := parseTTF(b)
			if err != nil {
				t.Fatalf("the subset of an accepted font does not parse: %v", err)
			}
			for _, c := range runes {
				_, inSub := sub.cmap[c]
				inAny := false
				for _, fn := range fonts {
					inAny = inAny || fn.has(c) && c < 0xFFFF
				}
				if inSub != inAny {
					t.Fatalf("%q: in the subset %v, in the fonts %v", c, inSub, inAny)
				}
			}
			if len(fonts) == 1 {
				continue // documents always hold ASCII (page numbers), which needs the fallback
			}
			// a document in this font: gofpdf may refuse it, but with an error, not a panic
			var drawn []rune
			for _, c := range runes {
				if _, ok := sub.cmap[c]; ok && c > ' ' && c != '\u3000' {
					drawn = append(drawn, c)
				}
			}
			d := (&Renderer{fonts: fonts}).newDoc(docMeta{Title: "T"}, string(drawn))
			d.addPage()
			d.text(10, 10, string(drawn))
			if _, err := d.output(); err != nil {
				t.Logf("document: %v", err)
			}
		}
	})
}

// TestCmapOverlappingSegments: a character belongs to the first segment whose end is
// not below it, as a viewer's lookup finds it, however later segments overlap.
func TestCmapOverlappingSegments(t *testing.T) {
	font, err := parseTTF(withTable(renderer(t).fonts[0].subset([]rune("合格证明")), "cmap", overlappingCmap()))
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range map[rune]uint16{'A': 1, 'B': 2, 'C': 2, 'D': 3, 'a': 3} {
		if got := font.cmap[c]; got != want {
			t.Errorf("%q → glyph %d, want %d", c, got, want)
		}
	}
}

// overlappingCmap maps A–B to glyphs 1–2, then C–D to 2–3 in a segment that claims 0–D
// (and would map B to 1), then 'a' to 3 in a segment that claims 0–a again, as a
// crafted font could.
func overlappingCmap() []byte {
	segs := [][3]uint16{{'A', 'B', 0}, {0, 'D', 0}, {0, 'a', 0}, {0xFFFF, 0xFFFF, 1}}
	delta := func(g, c int) uint16 { return uint16(g - c) } // modulo 65536
	glyph := func(s [3]uint16) uint16 {                     // idDelta: character + delta is the glyph id
		switch s[1] {
		case 'B':
			return delta(1, 'A')
		case 'D':
			return delta(2, 'C')
		case 'a':
			return delta(3, 'a')
		}
		return 1
	}
	n := len(segs)
	sub := make([]byte, 16+8*n)
	be := binary.BigEndian
	be.PutUint16(sub, 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*n))
	for i, s := range segs {
		be.PutUint16(sub[14+2*i:], s[1])
		be.PutUint16(sub[16+2*n+2*i:], s[0])
		be.PutUint16(sub[16+4*n+2*i:], glyph(s))
	}
	return append([]byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}, sub...)
}

// withTable rebuilds font with one table replaced.
func withTable(font []byte, tag string, data []byte) []byte {
	f, err := parseTTF(font)
	if err != nil {
		panic(err)
	}
	tables := map[string][]byte{}
	for t, b := range f.tables {
		tables[t] = b
	}
	tables[tag] = data
	return assembleTTF(tables)
}

func tableOffset(font []byte, tag string) int {
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < n; i++ {
		if rec := font[12+16*i:]; string(rec[:4]) == tag {
			return int(binary.BigEndian.Uint32(rec[8:]))
		}
	}
	panic("no table " + tag)
}

func setU16(b []byte, at int, v uint16) []byte {
	c := append([]byte(nil), b...)
	binary.BigEndian.PutUint16(c[at:], v)
	return c
}

// TestNameTableCleaned: name records pointing outside the table are dropped before a
// subset copies the table to gofpdf, which reads them without bounds checks; a sound
// table is kept byte for byte.
func TestNameTableCleaned(t *testing.T) {
	kai := renderer(t).fonts[1]
	sound := kai.tables["name"]
	if got := cleanName(sound); !bytes.Equal(got, sound) {
		t.Fatal("a sound name table was rewritten")
	}
	be := binary.BigEndian
	count := int(be.Uint16(sound[2:]))
	bad := append([]byte(nil), sound...)
	be.PutUint16(bad[6+12*1+10:], 0xFFF0) // record 1's string starts past the end
	got := cleanName(bad)
	if n := int(be.Uint16(got[2:])); n != count-1 {
		t.Fatalf("%d records kept of %d, want all but the broken one", n, count)
	}
	storage := int(be.Uint16(got[4:]))
	for i := 0; i < count-1; i++ {
		r := got[6+12*i:]
		if storage+int(be.Uint16(r[10:]))+int(be.Uint16(r[8:])) > len(got) {
			t.Errorf("record %d still points outside the table", i)
		}
	}
	font, err := parseTTF(withTable(kai.subset([]rune("堃")), "name", bad))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(font.tables["name"], got) {
		t.Error("parseTTF keeps the broken name table")
	}
	if err := guardGofpdf(func() { panic("index out of range") }); err == nil {
		t.Error("a panic in gofpdf is not turned into an error")
	}
}
