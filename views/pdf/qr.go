package pdf

import (
	"fmt"
	"net/url"

	qrcode "github.com/skip2/go-qrcode"
)

// verifyURL checks the verification address and returns the ASCII form
// the QR code encodes (non-ASCII path characters percent-encoded, e.g.
// /verify/%E6%B2%AA-2026-000123) and the readable form printed beneath it.
func verifyURL(raw string) (encoded, readable string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("pdf: verify URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("pdf: verify URL %q must be an absolute http(s) URL", raw)
	}
	encoded = u.String()
	if readable, err = url.PathUnescape(encoded); err != nil {
		readable = encoded
	}
	return encoded, readable, nil
}

// qrMatrix returns the QR modules for content (true = dark), without the
// quiet zone. Medium error correction survives a seal or a fold.
func qrMatrix(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("pdf: QR code: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// qr draws the QR code for content as vector squares in a size×size box at
// (x, y), with a white quiet zone of four modules around it included in
// size. Vector modules are deterministic (no PNG encoder involved), print
// sharply at any resolution and add only a few kilobytes.
func (d *doc) qr(x, y, size float64, content string) {
	if !d.ok() {
		return
	}
	m, err := qrMatrix(content)
	if err != nil {
		d.fail(err)
		return
	}
	n := len(m)
	mod := size / float64(n+8)
	x0, y0 := x+4*mod, y+4*mod
	d.color(0, 0, 0)
	for r, row := range m {
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			// a hair of overlap hides seams between rows in viewers that
			// anti-alias each rectangle separately
			d.pdf.Rect(x0+float64(start)*mod, y0+float64(r)*mod, float64(c-start)*mod, mod+0.02, "F")
		}
	}
}
