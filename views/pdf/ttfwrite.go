package pdf

import (
	"encoding/binary"
	"math/bits"
	"sort"
)

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
