package web_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"portal/models/store/storetest"
	"portal/web"
	"portal/web/webtest"
)

// syncBuffer is a log sink the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// fullDiskEnv is the real server with its file store on a 2 MB tmpfs (make test runs as
// root), or, without tmpfs or where none can be mounted, with writes that fail with
// ENOSPC after 2 MB. Its log is kept for the test.
func fullDiskEnv(t *testing.T, tmpfs bool) (*webtest.Env, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	mounted := tmpfs && exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).Run() == nil
	if mounted {
		t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	}
	t.Setenv("PORTAL_FILES_DIR", dir)
	logs := &syncBuffer{}
	st := storetest.New(t, storetest.Demo)
	clock := &webtest.Clock{}
	clock.Set(webtest.Start)
	srv := web.New(web.Config{Env: "demo", SessionKey: []byte("0123456789abcdef0123456789abcdef"), VarDir: t.TempDir()}, st, clock.Now, slog.New(slog.NewTextHandler(logs, nil)))
	if !mounted {
		if tmpfs {
			t.Log("no tmpfs could be mounted: the file store's writes fail with an injected ENOSPC")
		}
		srv.Files().WithWriteFault(2<<20, syscall.ENOSPC)
	}
	ts := httptest.NewServer(srv.Echo)
	t.Cleanup(ts.Close)
	return &webtest.Env{Server: ts, Web: srv, Store: st, Clock: clock}, logs
}

// Issue 8 §3.2: a full disk is the server's failure, not the user's: 507 with a Chinese
// message that the storage is full and nothing was saved, an ERROR in the log, no row,
// no file; the client cutting an upload off stays the 422 "上传中断"
// (TestCutOffUploadIsStillUploadInterrupted).
func TestFullDiskIsA507AndSavesNothing(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) { fullDisk(t, true) })
	t.Run("injected", func(t *testing.T) { fullDisk(t, false) })
}

func fullDisk(t *testing.T, tmpfs bool) {
	env, logs := fullDiskEnv(t, tmpfs)
	c := login(t, env, "platform2")
	app := createApplication(t, c)
	path := materialPath(t, env, app, "legal_opinion")
	ct, body := multipartOf(part{field: "file", file: "法律意见书.pdf", value: string(pdfBody(5<<20, "满"))})
	rec, doc := direct(t, env, c, path, ct, bytes.NewReader(body), int64(len(body)))
	msg := doc.Find(`[data-testid="error-file-1"]`).Text()
	if rec.Code != http.StatusInsufficientStorage || !strings.Contains(msg, "服务器存储空间已满") || !strings.Contains(msg, "未能保存") || strings.Contains(msg, "上传中断") {
		t.Fatalf("material on a full disk: %d %q", rec.Code, msg)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "no space left on device") {
		t.Fatalf("the full disk was not logged as an error:\n%s", logs.String())
	}
	var rows int
	db, _ := env.Store.SQLDB()
	if err := db.QueryRow("SELECT count(*) FROM material_files").Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("material_files rows: %d %v", rows, err)
	}
	if got := storedFiles(t, env); len(got) != 0 {
		t.Fatalf("left on the full disk: %v", got)
	}

	// a complaint attachment: the Chinese 507 page
	notice := activeNotice(t, env, platform1InNotice(t, env).ID)
	var complaints int
	if err := db.QueryRow("SELECT count(*) FROM complaints").Scan(&complaints); err != nil {
		t.Fatal(err)
	}
	ct, body = multipartOf(part{field: "type", value: "borrower"}, part{field: "name", value: "李四"}, part{field: "contact", value: "13900000000"},
		part{field: "content", value: "平台收取合同外服务费。"}, part{field: "files", file: "证据.pdf", value: string(pdfBody(5<<20, "满"))})
	rec, doc = direct(t, env, env.Client(t), fmt.Sprintf("/notices/%d/complaints", notice.ID), ct, bytes.NewReader(body), int64(len(body)))
	if page := doc.Find(`[data-testid="error-page"]`).Text(); rec.Code != http.StatusInsufficientStorage || !strings.Contains(page, "服务器存储空间已满") || !strings.Contains(page, "本次提交的内容均未保存") {
		t.Fatalf("complaint on a full disk: %d %q", rec.Code, page)
	}
	if err := db.QueryRow("SELECT count(*) FROM complaints").Scan(&rows); err != nil || rows != complaints {
		t.Fatalf("complaints filed on a full disk: %d %v", rows, err)
	}

	// a small file still fits: the store works again once there is room
	if resp, body := postFile(t, env, c, path, "小文件.pdf", bytes.NewReader(pdfBody(4096, "小"))); resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("small upload after the failure: %v\n%s", resp, textOf(body))
	}
}
