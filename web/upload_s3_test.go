package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/minio/minio-go/v7"

	"portal/models/store/files"
	"portal/models/store/files/s3test"
	"portal/models/store/storetest"
	"portal/web"
	"portal/web/webtest"
)

// The server with its files in S3 (issue 13 §3), on a real Versity Gateway: a material
// uploaded through the form lands in the bucket under its SHA-256 and downloads intact;
// a damaged object is refused, never sent; the scheduled sweep removes an old
// unreferenced object and keeps the referenced one.
func TestUploadsGoToS3(t *testing.T) {
	g, err := s3test.Start(t.TempDir(), "portal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	st := storetest.New(t, storetest.Demo)
	clock := &webtest.Clock{}
	clock.Set(webtest.Start)
	cfg := web.Config{Env: "demo", SessionKey: []byte("0123456789abcdef0123456789abcdef"), VarDir: t.TempDir(), S3: g.Config}
	srv := web.New(cfg, st, clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if srv.Files() != nil {
		t.Fatal("configured for S3, the server still keeps files on local disk")
	}
	ts := httptest.NewServer(srv.Echo)
	t.Cleanup(ts.Close)
	env := &webtest.Env{Server: ts, Web: srv, Store: st, Clock: clock}
	s3 := srv.FileStore().(*files.S3)
	ctx := context.Background()

	c := login(t, env, "platform2")
	app := createApplication(t, c)
	material := pdfBody(12<<20, "法律意见书") // two S3 parts
	resp, body := postFile(t, env, c, materialPath(t, env, app, "legal_opinion"), "法律意见书.pdf", bytes.NewReader(material))
	if resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("material upload to S3: %v\n%s", resp, textOf(body))
	}
	materialPage := resp.Header.Get("Location")
	key, _ := s3.Key(sha(material))
	if st, err := s3.Client().StatObject(ctx, s3.Bucket(), key, minio.StatObjectOptions{}); err != nil || st.Size != int64(len(material)) {
		t.Fatalf("object %s: %+v, %v", key, st, err)
	}
	if _, err := os.Stat(cfg.FilesDir()); err == nil {
		t.Fatal("an S3-configured server wrote to the local files folder")
	}

	resp, page := c.Get(materialPage)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("material page %s: %d %v", materialPage, resp.StatusCode, err)
	}
	href, ok := doc.Find(`a[href^="/files/"]`).First().Attr("href")
	if !ok {
		t.Fatalf("the material page %s links no uploaded file", materialPage)
	}
	resp, body = c.Get(href)
	if resp.StatusCode != http.StatusOK || body != string(material) || resp.Header.Get("X-Content-SHA256") != sha(material) {
		t.Fatalf("download from S3: %d, %d bytes (want %d)", resp.StatusCode, len(body), len(material))
	}

	damaged := bytes.Clone(material)
	damaged[1<<20] ^= 1
	if _, err := s3.Client().PutObject(ctx, s3.Bucket(), key, bytes.NewReader(damaged), int64(len(damaged)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	resp, body = c.Get(href)
	if resp.StatusCode == http.StatusOK || bytes.Contains([]byte(body), damaged[:4096]) || !strings.Contains(textOf(body), "校验失败") {
		t.Fatalf("download of a damaged object: %d\n%s", resp.StatusCode, textOf(body))
	}
	if _, _, err := s3.Put(ctx, bytes.NewReader(material)); err != nil { // repaired by uploading it again
		t.Fatal(err)
	}

	orphan := pdfBody(3000, "无主文件")
	if _, _, err := s3.Put(ctx, bytes.NewReader(orphan)); err != nil {
		t.Fatal(err)
	}
	orphanKey, _ := s3.Key(sha(orphan))
	old := clock.Now().Add(-48 * time.Hour)
	for _, k := range []string{key, orphanKey} {
		if err := os.Chtimes(g.ObjectPath(s3.Bucket(), k), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.SweepFiles(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := files.Verify(ctx, s3, sha(material)); err != nil {
		t.Fatalf("the referenced material after the sweep: %v", err)
	}
	if _, err := s3.Open(ctx, sha(orphan)); err == nil {
		t.Fatal("the old unreferenced object survived the sweep")
	}
}
