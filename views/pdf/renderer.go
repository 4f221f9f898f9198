// Package pdf renders the portal's official documents with gofpdf:
//
//   - Certificate: 整改验收合格证明, jointly issued, two red seals, QR code
//     to the verification page, SHA-256 content fingerprint;
//   - ReviewOpinion: P2P网贷机构整改验收申请意见表, the district's sealed opinion;
//   - CheckConfirmation: P2P网贷整改验收工作区（县）核查确认表.
//
// It takes plain input structs and imports no other project package.
//
// Fonts. gofpdf needs TrueType outlines (.ttf; .ttc and CFF .otf fail). A
// Renderer reads and parses the fonts once (NewRenderer); for every document
// it cuts, from the parsed tables, a small TrueType font holding just the
// characters that document uses, so gofpdf parses a few kilobytes instead of
// the 5 MB Song face. Characters the primary font lacks (GB2312 has no 堃,
// 喆, 珺 …) are taken from fallback fonts into the same subset; a character
// no font has is an error, never a blank.
//
// Text. gofpdf's MultiCell drops a character at CJK line breaks, so text is
// wrapped by WrapText and drawn line by line, justified like Chinese print.
//
// Output is deterministic: the same input gives the same bytes (creation
// date fixed to the document date, catalog sorted, QR drawn as vectors).
package pdf

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
)

// Font locations on Debian 12 (packages fonts-arphic-gbsn00lp and
// fonts-lxgw-wenkai; the Makefile installs both for make run and make test,
// the Dockerfile for the image). The Song face is the default; WenKai is the
// fallback for characters outside GB2312 (e.g. 堃, 喆, 珺 in company names).
const (
	DefaultFontPath  = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
	FallbackFontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
)

// fontPackages names the Debian package that ships each font file, by file name,
// so that a missing font's error says what to install.
var fontPackages = map[string]string{
	filepath.Base(DefaultFontPath):  "fonts-arphic-gbsn00lp",
	filepath.Base(FallbackFontPath): "fonts-lxgw-wenkai",
}

// missingFontHint tells how to get the font file p.
func missingFontHint(p string) string {
	if pkg, ok := fontPackages[filepath.Base(p)]; ok {
		return "install " + pkg + ", see Makefile"
	}
	return "no such font file"
}

// Renderer holds the parsed fonts. Create it once per process and reuse it;
// it is safe for concurrent use.
type Renderer struct {
	fonts []*ttfFont // primary first, then fallbacks
	// fullFont makes every document embed the whole primary font for gofpdf
	// to parse and cut (the naive way); only the benchmark sets it.
	fullFont bool
}

// NewRenderer reads and parses the primary font and optional fallback fonts.
// A missing or unusable font is an error naming the file.
func NewRenderer(fontPath string, fallbackPaths ...string) (*Renderer, error) {
	var all [][]byte
	for _, p := range append([]string{fontPath}, fallbackPaths...) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("pdf: cannot read font %s (%s): %w", p, missingFontHint(p), err)
		}
		all = append(all, b)
	}
	r, err := NewRendererFromBytes(all[0], all[1:]...)
	if err != nil {
		return nil, fmt.Errorf("pdf: font %s: %w", fontPath, err)
	}
	return r, nil
}

// NewRendererFromBytes parses TrueType (.ttf) font data: the primary font
// and optional fallbacks for characters the primary lacks.
func NewRendererFromBytes(font []byte, fallbacks ...[]byte) (*Renderer, error) {
	r := &Renderer{}
	for i, b := range append([][]byte{font}, fallbacks...) {
		f, err := parseTTF(b)
		if err != nil {
			return nil, fmt.Errorf("font %d: %w", i, err)
		}
		r.fonts = append(r.fonts, f)
	}
	return r, nil
}

var (
	defaultOnce     sync.Once
	defaultRenderer *Renderer
	defaultErr      error
)

// Default returns the process-wide renderer using DefaultFontPath, with
// FallbackFontPath as fallback when that file is installed.
func Default() (*Renderer, error) {
	defaultOnce.Do(func() {
		var fb []string
		if _, err := os.Stat(FallbackFontPath); err == nil {
			fb = append(fb, FallbackFontPath)
		}
		defaultRenderer, defaultErr = NewRenderer(DefaultFontPath, fb...)
	})
	return defaultRenderer, defaultErr
}

// Certificate renders c with the Default renderer.
func Certificate(c CertificateData) ([]byte, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.Certificate(c)
}

// ReviewOpinion renders d with the Default renderer.
func ReviewOpinion(d OpinionData) ([]byte, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.ReviewOpinion(d)
}

// CheckConfirmation renders d with the Default renderer.
func CheckConfirmation(d CheckData) ([]byte, error) {
	r, err := Default()
	if err != nil {
		return nil, err
	}
	return r.CheckConfirmation(d)
}

// fontFor returns the index of the first font that has r, or -1.
func (r *Renderer) fontFor(c rune) int {
	for i, f := range r.fonts {
		if f.has(c) {
			return i
		}
	}
	return -1
}

// MissingGlyphs returns the characters of s that none of the fonts can show.
func (r *Renderer) MissingGlyphs(s string) []rune {
	var out []rune
	for _, c := range s {
		if c > ' ' && c != '\u3000' && r.fontFor(c) < 0 {
			out = append(out, c)
		}
	}
	return out
}

// width returns the advance of c at fontSize (user units) in the merged
// document font, computed the way gofpdf does: the advance in the primary
// font's units per em, to 1000 units rounded, then scaled.
func (r *Renderer) width(c rune, fontSize float64) float64 {
	i := max(r.fontFor(c), 0)
	f := r.fonts[i]
	adv, _ := f.metric(f.cmap[c]) // .notdef when missing
	upem := r.fonts[0].upem()
	a := int(adv)
	if i > 0 {
		a = (a*upem + f.upem()/2) / f.upem()
	}
	return math.Round(float64(a)*1000/float64(upem)) * fontSize / 1000
}

var errNoFont = errors.New("pdf: renderer has no font; use NewRenderer")
