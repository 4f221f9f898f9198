package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files/s3test"
	"portal/web"
)

func sumOf(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// The drill (issue 13 §5): demo data with uploaded files, backup, wipe the database and
// the file store, restore into the empty pair, verify, and sign in over HTTP against the
// restored database. Once with files on local disk, once in S3 (a real Versity Gateway).
func TestBackupRestoreDrill(t *testing.T) {
	t.Run("local", func(t *testing.T) { drill(t, nil) })
	t.Run("s3", func(t *testing.T) {
		g, err := s3test.Start(t.TempDir(), "drill-before")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(g.Stop)
		drill(t, g)
	})
}

func drill(t *testing.T, g *s3test.Gateway) {
	ctx := context.Background()
	dsn := useDatabase(t, "demo")
	if g != nil {
		t.Setenv("PORTAL_S3_ENDPOINT", g.Config.Endpoint)
		t.Setenv("PORTAL_S3_BUCKET", "drill-before")
		t.Setenv("PORTAL_S3_ACCESS_KEY", g.Config.AccessKey)
		t.Setenv("PORTAL_S3_SECRET_KEY", g.Config.SecretKey)
	}
	d, err := prepareDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fst, err := web.OpenFiles(ctx, d.cfg)
	if err != nil {
		t.Fatal(err)
	}

	// two complaint attachments on a running notice, and a file no row refers to
	evidence := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("出借人提供的转账凭证 "), 300_000)...) // 9 MB
	photo := []byte("\xff\xd8\xff\xe0 现场照片")
	orphan := []byte("%PDF-1.7 an upload whose form was never sent")
	var refs []store.FileRef
	for i, b := range [][]byte{evidence, photo, orphan} {
		sum, n, err := fst.Put(ctx, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			refs = append(refs, store.FileRef{SHA256: sum, Name: []string{"转账凭证.pdf", "现场照片.jpg"}[i], Size: n})
		}
	}
	notices, _, err := d.store.ListNotices(ctx, store.NoticeFilter{Status: "current"}, models.Page{})
	if err != nil || len(notices) == 0 {
		t.Fatalf("the demo data has no running notice (%v)", err)
	}
	c, err := d.store.FileComplaint(ctx, store.Actor{Now: time.Now(), IP: "127.0.0.1"}, notices[0].ID,
		models.ComplaintInput{Type: string(models.ComplainantLender), Content: "该平台公示的待收余额与本人出借记录不符，附转账凭证。"}, refs)
	if err != nil {
		t.Fatal(err)
	}
	_, decisions, err := d.store.VerifyDecisionChain(ctx)
	if err != nil || decisions == 0 {
		t.Fatalf("the demo data's decision chain: %d rows, %v", decisions, err)
	}

	dir := filepath.Join(t.TempDir(), "backup")
	m, err := backup(ctx, d.store, d.dsn, fst, dir)
	if err != nil {
		t.Fatal(err)
	}
	if int(m.Decisions) != decisions || len(m.Files) != 2 || len(m.Missing) != 0 {
		t.Fatalf("manifest: %d decisions (want %d), files %+v, missing %v", m.Decisions, decisions, m.Files, m.Missing)
	}
	for _, p := range m.Files {
		if p.SHA256 == sumOf(orphan) {
			t.Fatal("the backup holds a file no row refers to")
		}
		if b, err := os.ReadFile(filepath.Join(dir, p.Path)); err != nil || sumOf(b) != p.SHA256 {
			t.Fatalf("backed-up %s: %v", p.Path, err)
		}
	}
	if _, err := backup(ctx, d.store, d.dsn, fst, dir); err == nil || !strings.Contains(err.Error(), "不是空的") {
		t.Fatalf("a second backup into the same folder: %v", err)
	}

	// wipe: the database's schema and the whole file store
	sqlDB, _ := d.store.SQLDB()
	if _, err := sqlDB.ExecContext(ctx, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"); err != nil {
		t.Fatal(err)
	}
	d.close()
	if g != nil {
		t.Setenv("PORTAL_S3_BUCKET", "drill-after") // an empty bucket
	} else if err := os.RemoveAll(d.cfg.FilesDir()); err != nil {
		t.Fatal(err)
	}

	// a backup that does not match its manifest is refused before anything is written
	for name, damage := range map[string]func(bad string){
		"a damaged file": func(bad string) {
			p := filepath.Join(bad, m.Files[0].Path)
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x20
			os.WriteFile(p, b, 0o600)
		},
		"an edited manifest": func(bad string) {
			p := filepath.Join(bad, "manifest.json")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"decisions": `), []byte(`"decisions": 1`), 1), 0o600)
		},
		"a missing dump": func(bad string) { os.Remove(filepath.Join(bad, "database.dump")) },
	} {
		bad := filepath.Join(t.TempDir(), "bad")
		if err := os.CopyFS(bad, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		damage(bad)
		if err := restoreCommand(ctx, []string{bad}); err == nil || !strings.Contains(err.Error(), "不符") {
			t.Errorf("restore of a backup with %s: %v; want a refusal naming the mismatch", name, err)
		}
	}
	if n := tableCount(t, dsn); n != 0 {
		t.Fatalf("refused restores left %d tables", n)
	}

	if err := restoreCommand(ctx, []string{dir}); err != nil {
		t.Fatal(err)
	}
	if err := restoreCommand(ctx, []string{dir}); err == nil || !strings.Contains(err.Error(), "恢复只写入空数据库") {
		t.Fatalf("a restore over the restored database: %v", err)
	}

	// verify what came back, independently of restore's own checks
	cfg, err := web.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	restored, err := web.OpenFiles(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if brk, n, err := st.VerifyDecisionChain(ctx); err != nil || brk != nil || n != decisions {
		t.Fatalf("restored chain: %d rows (want %d), break %+v, %v", n, decisions, brk, err)
	}
	if _, err := st.ComplaintByRef(ctx, c.Ref); err != nil {
		t.Fatalf("the complaint filed before the backup: %v", err)
	}
	for _, b := range [][]byte{evidence, photo} {
		rc, err := restored.Open(ctx, sumOf(b))
		if err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("restored file %s differs (%v)", sumOf(b)[:12], err)
		}
	}
	if _, err := restored.Open(ctx, sumOf(orphan)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the unreferenced file came back: %v", err)
	}

	// sign in over HTTP against the restored database
	srv := web.New(cfg, st, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Echo)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(resp *http.Response, err error) *goquery.Document {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	token, ok := page(client.Get(ts.URL + "/login")).Find(`form[action="/login"] input[name="_csrf"]`).Attr("value")
	if !ok {
		t.Fatal("the login page has no CSRF field")
	}
	resp, err := client.PostForm(ts.URL+"/login", url.Values{"_csrf": {token}, "username": {"platform4"}, "password": {store.DemoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	home := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || home == "" || strings.HasPrefix(home, "/login") {
		t.Fatalf("login after restore: %d → %q", resp.StatusCode, home)
	}
	if page(client.Get(ts.URL+home)).Find(`form[action="/logout"]`).Length() != 1 {
		t.Fatalf("%s after signing in shows no sign-out form", home)
	}
}

func tableCount(t *testing.T, dsn string) int {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, _ := st.SQLDB()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
