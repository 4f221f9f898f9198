package pdf

import (
	"bytes"
	"math"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// TestSubsetKeepsGlyphsAndWidths cuts a subset, parses it back and checks
// it maps exactly the requested characters to the original outlines and
// advance widths.
func TestSubsetKeepsGlyphsAndWidths(t *testing.T) {
	full := renderer(t).fonts[0]
	want := []rune("整改验收合格证明沪-2026-000123，。（）√ABCxyz")
	sub, err := parseTTF(full.subset(want))
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	if len(sub.cmap) != len(uniq(want)) {
		t.Fatalf("subset maps %d characters, want %d", len(sub.cmap), len(uniq(want)))
	}
	for _, c := range want {
		g, ok := sub.cmap[c]
		if !ok {
			t.Fatalf("subset lacks %q", c)
		}
		if !bytes.Equal(sub.glyph(g), padded(stripInstructions(append([]byte(nil), full.glyph(full.cmap[c])...)))) {
			t.Errorf("outline of %q differs", c)
		}
		if a, _ := sub.metric(g); a != mustAdv(full, c) {
			t.Errorf("advance of %q: %v, want %v", c, a, mustAdv(full, c))
		}
	}
	if sub.has('网') {
		t.Error("subset has a character nobody asked for")
	}
	// gofpdf accepts the subset and cuts it again
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("s", "", full.subset(want))
	p.AddPage()
	p.SetFont("s", "", 12)
	p.Text(10, 10, string(want))
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
}

// TestSubsetCompositeGlyph: components of a composite glyph come along and
// the references are renumbered.
func TestSubsetCompositeGlyph(t *testing.T) {
	fb := renderer(t).fonts[1]
	var comp rune
	for c, g := range fb.cmap {
		if ids, _, _ := components(fb.glyph(g)); len(ids) > 0 && (comp == 0 || c < comp) {
			comp = c
		}
	}
	if comp == 0 {
		t.Fatal("the fallback font (LXGW WenKai) should have a composite glyph in its cmap")
	}
	sub, err := parseTTF(fb.subset([]rune{comp}))
	if err != nil {
		t.Fatal(err)
	}
	ids, _, _ := components(sub.glyph(sub.cmap[comp]))
	origIDs, _, _ := components(fb.glyph(fb.cmap[comp]))
	if len(ids) == 0 || len(ids) != len(origIDs) {
		t.Fatalf("composite %q: components %v, original %v", comp, ids, origIDs)
	}
	for i, id := range ids {
		if int(id) >= len(sub.loca)-1 || !bytes.Equal(sub.glyph(id), padded(stripInstructions(append([]byte(nil), fb.glyph(origIDs[i])...)))) {
			t.Errorf("component %d of %q does not point at the original outline", i, comp)
		}
	}
}

func TestFontErrors(t *testing.T) {
	ttc := append([]byte("ttcf"), make([]byte, 64)...)
	otf := append([]byte("OTTO"), make([]byte, 64)...)
	for name, data := range map[string][]byte{"collection": ttc, "CFF": otf, "garbage": []byte("hello world, not a font")} {
		if _, err := NewRendererFromBytes(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewRendererFromBytes(ttc); err == nil || !strings.Contains(err.Error(), ".ttc") {
		t.Errorf("collection error should name .ttc: %v", err)
	}
	// a missing font's error names the file and the Debian package that ships it
	for _, c := range []struct{ primary, fallback, file, pkg string }{
		{"/nonexistent/gbsn00lp.ttf", "", "/nonexistent/gbsn00lp.ttf", "fonts-arphic-gbsn00lp"},
		{DefaultFontPath, "/nonexistent/LXGWWenKai-Regular.ttf", "/nonexistent/LXGWWenKai-Regular.ttf", "fonts-lxgw-wenkai"},
		{"/nonexistent/other.ttf", "", "/nonexistent/other.ttf", ""},
	} {
		var fb []string
		if c.fallback != "" {
			fb = append(fb, c.fallback)
		}
		_, err := NewRenderer(c.primary, fb...)
		if err == nil || !strings.Contains(err.Error(), c.file) {
			t.Errorf("missing %s: error should name the file: %v", c.file, err)
			continue
		}
		for _, pkg := range []string{"fonts-arphic-gbsn00lp", "fonts-lxgw-wenkai"} {
			if named := strings.Contains(err.Error(), pkg); named != (pkg == c.pkg) {
				t.Errorf("missing %s: names %s = %v, want %v: %v", c.file, pkg, named, pkg == c.pkg, err)
			}
		}
	}
	// a truncated font fails cleanly instead of panicking
	b, err := os.ReadFile(DefaultFontPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRendererFromBytes(b[:4096]); err == nil {
		t.Error("truncated font: no error")
	}
}

func TestMissingGlyphs(t *testing.T) {
	songOnly, err := NewRendererFromBytes(renderer(t).fonts[0].data)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(songOnly.MissingGlyphs("上海堃喆公司")); got != "堃喆" {
		t.Errorf("MissingGlyphs = %q, want 堃喆", got)
	}
	if got := renderer(t).MissingGlyphs("上海堃喆公司"); len(got) != 0 {
		t.Errorf("with the fallback nothing should be missing, got %q", string(got))
	}
	c := sampleCert()
	if _, err := songOnly.Certificate(c); err == nil || !strings.Contains(err.Error(), "堃") {
		t.Errorf("rendering a name the font cannot show must fail naming the character, got %v", err)
	}
}

func mustAdv(f *ttfFont, c rune) uint16 {
	a, _ := f.metric(f.cmap[c])
	return a
}

// TestMergedSubset: characters the Song face lacks come from the fallback,
// with advances converted to the Song face's units, so gofpdf measures them
// as the renderer does.
func TestMergedSubset(t *testing.T) {
	r := renderer(t)
	text := "上海堃喆珺璟公司，ABC123"
	merged, err := parseTTF(subsetOf(r.fonts, []rune(text)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range text {
		if !merged.has(c) {
			t.Fatalf("merged subset lacks %q", c)
		}
	}
	fb := r.fonts[1]
	if !bytes.Equal(merged.glyph(merged.cmap['堃']), padded(stripInstructions(append([]byte(nil), fb.glyph(fb.cmap['堃'])...)))) {
		t.Error("堃 is not the fallback's outline")
	}
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("m", "", subsetOf(r.fonts, []rune(text)))
	p.AddPage()
	p.SetFont("m", "", 14)
	for _, c := range text {
		if got, want := p.GetStringWidth(string(c)), r.width(c, 14*25.4/72); math.Abs(got-want) > 1e-9 {
			t.Errorf("width of %q: gofpdf %v, renderer %v", c, got, want)
		}
	}
}

func uniq(rs []rune) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range rs {
		m[r] = true
	}
	return m
}

// padded returns a glyph padded to 4 bytes as the subset stores it.
func padded(b []byte) []byte {
	out := append([]byte(nil), b...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out
}

// TestParseCorruptFont: damaged font data gives errors, never a panic.
func TestParseCorruptFont(t *testing.T) {
	clean := renderer(t).fonts[0].subset([]rune("整改验收合格证明，。ABC123"))
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 2000; i++ {
		b := append([]byte(nil), clean...)
		for n := 1 + rng.Intn(8); n > 0; n-- {
			b[rng.Intn(len(b))] = byte(rng.Intn(256))
		}
		if rng.Intn(4) == 0 {
			b = b[:rng.Intn(len(b))]
		}
		if f, err := parseTTF(b); err == nil {
			f.subset([]rune("整改ABC"))
		}
	}
}
