package pdf

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCertificateQRPixels renders the certificate with pdftoppm and reads
// the QR modules back from the pixels: the printed code is the percent-
// encoded verification URL.
func TestCertificateQRPixels(t *testing.T) {
	t.Run("unsigned", func(t *testing.T) { checkQRPixels(t, sampleCert()) })
	t.Run("signed", func(t *testing.T) {
		c := sampleCert()
		c.KeyID, c.Signature = "0123456789abcdef", "MEUCIQDx7x2Vb0sN0c3l8l0p1n7o9QbW3ytm1d0c5t9Jx0cF9gIgZk3mX8d0h5v2s1y7w4q9r6e3t8u1i0o2p5a7s9d4f6g"
		c.QRText = c.VerifyURL + "?k=" + c.KeyID + "&s=" + c.Signature + "#" + c.Name + "|" + c.USCC + "|2026-11-22"
		checkQRPixels(t, c)
	})
}

func checkQRPixels(t *testing.T, c CertificateData) {
	b, err := renderer(t).Certificate(c)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatalf("pdftoppm not found (install poppler-utils): %v", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	const dpi = 300.0
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	qx, qy := certLeft-2, float64(certQRTop) // where Certificate puts the code
	out, err := exec.Command(bin, "-png", "-gray", "-r", fmt.Sprint(dpi), "-singlefile",
		"-x", fmt.Sprint(px(qx)), "-y", fmt.Sprint(px(qy)), "-W", fmt.Sprint(px(certQR)), "-H", fmt.Sprint(px(certQR)),
		in, filepath.Join(dir, "qr")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.ReadFile(filepath.Join(dir, "qr.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	enc, _, _ := verifyURL(c.VerifyURL)
	if c.QRText != "" {
		enc = c.QRText
	}
	m, err := qrMatrix(enc)
	if err != nil {
		t.Fatal(err)
	}
	n := len(m)
	mod := certQR / float64(n+8)
	bad := 0
	for r := -4; r < n+4; r++ { // quiet zone included
		for col := -4; col < n+4; col++ {
			cx, cy := (float64(col+4)+0.5)*mod, (float64(r+4)+0.5)*mod
			gray, _, _, _ := img.At(px(cx), px(cy)).RGBA()
			dark := gray < 0x8000
			want := r >= 0 && r < n && col >= 0 && col < n && m[r][col]
			if dark != want {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d QR modules read back wrong", bad, (n+8)*(n+8))
	}
}
