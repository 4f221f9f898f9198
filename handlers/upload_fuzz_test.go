package handlers

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
)

const fuzzBoundary = "portal-fuzz-boundary"

// multipartSeed is a well-formed body with the given file parts, as a browser sends.
func multipartSeed(parts map[string][]byte) []byte {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary(fuzzBoundary)
	_ = w.WriteField("reasons", "异议理由")
	for name, body := range parts {
		fw, _ := w.CreateFormFile("evidence", name)
		_, _ = fw.Write(body)
	}
	_ = w.Close()
	return buf.Bytes()
}

// FuzzMultipartIntake feeds an untrusted multipart body to the one upload intake
// (eachPart + receivePart over a real file store): whatever the bytes, it must answer
// without panicking, every refusal must be a coded error for the page, nothing may be
// left in the store's temporary folder, and every file it keeps must pass the content
// check again when read back.
func FuzzMultipartIntake(f *testing.F) {
	zips, _ := filepath.Glob(filepath.Join("..", "models", "testdata", "zip", "*"))
	sniff, _ := filepath.Glob(filepath.Join("..", "models", "testdata", "sniff", "*"))
	for _, p := range append(zips, sniff...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(multipartSeed(map[string][]byte{"a\u202Egpj.pdf": b}))
	}
	whole := multipartSeed(map[string][]byte{"证明.pdf": []byte("%PDF-1.7\n%%EOF\n"), "截图.png": []byte("\x89PNG\r\n\x1a\n\x00")})
	f.Add(whole)
	f.Add(whole[:len(whole)/2])                                                                                                  // cut off mid-part
	f.Add(bytes.ReplaceAll(whole, []byte("\r\n"), []byte("\n")))                                                                 // bare newlines
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\x00\"\r\n\r\n%PDF-")) // no closing boundary
	seeds, _ := filepath.Glob(filepath.Join("testdata", "multipart", "*"))
	for _, p := range seeds {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}

	fs, err := files.NewLocal(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/upload", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		req.Body = http.MaxBytesReader(nil, req.Body, 1<<20)
		c := e.NewContext(req, httptest.NewRecorder())
		var kept []store.FileRef
		err := eachPart(c, func(string, string) error { return nil }, func(name string, part *multipart.Part) error {
			r, err := receivePart(c, fs, part, 256<<10, models.ReviewFileKinds)
			if err == nil {
				kept = append(kept, r)
			}
			if models.ErrorCode(err) == models.EInvalid {
				return nil // the form shows it beside the field and goes on
			}
			return err
		})
		if err != nil && models.ErrorCode(err) != models.EInvalid {
			t.Fatalf("uncoded error from the intake: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(fs.Dir(), "tmp", "*")); len(left) != 0 {
			t.Fatalf("temporary files left: %v", left)
		}
		for _, r := range kept {
			if r.Name == "" || r.Name != models.SafeFilename(r.Name) {
				t.Fatalf("kept name %q is not safe", r.Name)
			}
			rc, err := fs.Open(c.Request().Context(), r.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if k, err := models.CheckUploadContent(r.Name, bytes.NewReader(b), int64(len(b)), models.ReviewFileKinds); err != nil || k != r.Kind || int64(len(b)) != r.Size {
				t.Fatalf("kept %s as %s (%d bytes); read back: %s, %v, %d bytes", r.Name, r.Kind, r.Size, k, err, len(b))
			}
		}
	})
}
