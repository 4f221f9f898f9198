package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/web"
	"portal/web/webtest"
)

var fileLink = regexp.MustCompile(`href="/files/(\d+)" data-testid="download-current"`)

func TestUploadVersionsDownloadPermissionAndHashCheck(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	legal := materials(t, env)["legal_opinion"]
	page := fmt.Sprintf("/applications/%s/materials/%d", app, legal.ID)
	target := fmt.Sprintf("/platform/applications/%s/materials/%d/files?slot=1", app, legal.ID)

	v1, v2 := pdfBody(300_000, "第一版"), pdfBody(400_000, "第二版")
	for i, body := range [][]byte{v1, v2} {
		resp, out := postFile(t, env, c, target, fmt.Sprintf("法律意见书-v%d.pdf", i+1), bytes.NewReader(body))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
			t.Fatalf("upload %d: %d %s\n%s", i+1, resp.StatusCode, resp.Header.Get("Location"), out)
		}
	}
	_, body := c.Get(page)
	webtest.Contains(t, body, "第 2 版", "法律意见书-v2.pdf", sha(v2), sha(v1), "历史版本（共 2 版）", "天河示例经办人", "2026-11-23 09:00", "已上传")
	m := fileLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no download link")
	}
	download := "/files/" + m[1]

	resp, got := c.Get(download)
	if resp.StatusCode != http.StatusOK || got != string(v2) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(got))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''%E6%B3%95") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	for who, want := range map[string]int{"platform2": 404, "district2": 404, "district1": 200, "city1": 200, "province1": 200} {
		if resp, _ := login(t, env, who).Get(download); resp.StatusCode != want {
			t.Errorf("%s downloads: %d; want %d", who, resp.StatusCode, want)
		}
	}
	if resp, _ := login(t, env, "platform2").Get(page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("platform2 opens the material page: %d", resp.StatusCode)
	}

	// damage the stored file: the download is refused, not sent
	path := env.Web.FilesDir() + "/" + sha(v2)[:2] + "/" + sha(v2)[2:4] + "/" + sha(v2)
	damaged := append([]byte{}, v2...)
	damaged[1000] ^= 0xFF
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	resp, body = c.Get(download)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "校验失败") || strings.Contains(body, "第二版") {
		t.Fatalf("damaged file: %d\n%s", resp.StatusCode, body)
	}
}

func TestUploadRefusesWrongTypeAndOversize(t *testing.T) {
	env := webtest.New(t, func(c *web.Config) { c.MaxUploadMB = 1 })
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	audit := materials(t, env)["annual_audit"]
	target := fmt.Sprintf("/platform/applications/%s/materials/%d/files?slot=2", app, audit.ID)

	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	resp, body := postFile(t, env, c, target, "审计报告.pdf", bytes.NewReader(png))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("PNG named .pdf: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, `data-testid="error-file-2"`, "实际格式为 PNG 图片，本项材料只接受 PDF、OFD 格式", "修改扩展名无效")

	resp, body = postFile(t, env, c, target, "审计报告-大.pdf", bytes.NewReader(pdfBody(1<<20+1, "大")))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the limit: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "超过单个文件 1 MB 的上限，未保存")

	if resp, _ := postFile(t, env, c, target, "审计报告.pdf", bytes.NewReader(pdfBody(1<<20, "刚好"))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("exactly the limit: %d", resp.StatusCode)
	}
	if got := storedFiles(t, env); len(got) != 1 {
		t.Fatalf("files kept: %v", got)
	}
	// a slot the material does not have
	resp, _ = postFile(t, env, c, fmt.Sprintf("/platform/applications/%s/materials/%d/files?slot=4", app, audit.ID), "x.pdf", bytes.NewReader(pdfBody(100, "x")))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("slot 4 of 3: %d", resp.StatusCode)
	}
}

// cutReader hands out n bytes, then fails as a dropped connection does.
// cutReader sends n bytes, then waits for gate to close before it fails like a lost
// connection, so the test decides when the cut happens.
type cutReader struct {
	r    io.Reader
	n    int
	gate <-chan struct{}
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		<-c.gate
		return 0, errors.New("connection lost")
	}
	k, err := c.r.Read(p[:min(len(p), c.n)])
	c.n -= k
	return k, err
}

// partialUpload is the size of the largest temporary upload file under the files folder:
// more than 0 once the handler has written part of a body to disk.
func partialUpload(env *webtest.Env) int64 {
	var most int64
	filepath.WalkDir(filepath.Join(env.Web.FilesDir(), "tmp"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil && fi.Size() > most {
				most = fi.Size()
			}
		}
		return nil
	})
	return most
}

func TestInterruptedUploadLeavesNoRowAndNoFile(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	legal := materials(t, env)["legal_opinion"]

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, _ := mw.CreateFormFile("file", "法律意见书.pdf")
	part.Write(pdfBody(8<<20, "中断"))
	mw.Close()
	gate := make(chan struct{})
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/platform/applications/%s/materials/%d/files?slot=1&_csrf=%s",
		env.Server.URL, app, legal.ID, url.QueryEscape(c.CSRF())), &cutReader{r: &buf, n: 5 << 20, gate: gate})
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = int64(buf.Len())
	sent := make(chan error, 1)
	go func() {
		_, err := c.HTTP.Do(req)
		sent <- err
	}()
	// cut only once the handler has demonstrably written part of the body to disk
	var written int64
	for deadline := time.Now().Add(20 * time.Second); written == 0 && time.Now().Before(deadline); {
		waitABit()
		written = partialUpload(env)
	}
	close(gate)
	if written == 0 {
		<-sent
		t.Fatal("the handler wrote nothing of the body before the cut")
	}
	if err := <-sent; err == nil {
		t.Fatal("the cut request succeeded")
	}
	// the server notices the cut when it reads on; give it the time to clean up
	env.Server.CloseClientConnections()
	for i := 0; i < 100 && len(storedFiles(t, env)) > 0; i++ {
		env.Clock.Now() // no-op; the loop only waits for the handler
		waitABit()
	}
	if got := storedFiles(t, env); len(got) != 0 {
		t.Fatalf("stray files: %v", got)
	}
	var rows int
	db, _ := env.Store.SQLDB()
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM material_files").Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("material_files rows: %d %v", rows, err)
	}
}
