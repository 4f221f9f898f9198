package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/web/webtest"
)

// seed reads a crafted file kept as a fuzz seed under models/testdata (built and checked
// by models.TestCraftedZipSeeds).
func seed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "models", "testdata", "zip", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// part is one part of a multipart body: a field (no file name) or a file.
type part struct{ field, file, value string }

// multipartOf builds a body with the parts in order.
func multipartOf(parts ...part) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.file == "" {
			_ = w.WriteField(p.field, p.value)
			continue
		}
		fw, _ := w.CreateFormFile(p.field, p.file)
		_, _ = fw.Write([]byte(p.value))
	}
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// direct sends a request straight to the server assembly, without a network in between:
// what the handler reads from body is all that is read, and no connection goroutines
// blur a count of goroutines. It carries c's cookies and CSRF token.
func direct(t testing.TB, env *webtest.Env, c *webtest.Client, path, contentType string, body io.Reader, length int64) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req := httptest.NewRequest(http.MethodPost, path+sep+"_csrf="+url.QueryEscape(c.CSRF()), body)
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	for _, ck := range c.Cookies() {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	env.Web.Echo.ServeHTTP(rec, req)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return rec, doc
}

func materialPath(t testing.TB, env *webtest.Env, app, code string) string {
	return fmt.Sprintf("/platform/applications/%s/materials/%d/files?slot=1", app, materials(t, env)[code].ID)
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// settled lets goroutines that have finished their work exit, then counts them; it
// yields rather than sleeps, so nothing depends on time.
func settled(atMost int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100000 && n > atMost; i++ {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	return n
}

func rssKB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "VmRSS:"), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// Issue 8 §2.1: the crafted 202-byte ZIP64 .docx that made the hand-written parser panic
// gets a clear Chinese 422 through the real upload handler, 300 times, and leaves no
// goroutine, buffer or file behind.
func TestCraftedZip64UploadsAreRefusedAndLeakNothing(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	path := materialPath(t, env, app, "self_assessment_report") // accepts pdf, ofd, docx
	crafted := seed(t, "zip64-crafted.docx")
	if len(crafted) != 202 {
		t.Fatalf("the crafted file is %d bytes", len(crafted))
	}
	ct, body := multipartOf(part{field: "file", file: "自评报告.docx", value: string(crafted)})
	upload := func() {
		rec, doc := direct(t, env, c, path, ct, bytes.NewReader(body), int64(len(body)))
		msg := doc.Find(`[data-testid="error-file-1"]`).Text()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "文件「自评报告.docx」是压缩包格式，但压缩包目录不完整或已损坏") {
			t.Fatalf("crafted ZIP64: %d %q\n%s", rec.Code, msg, textOf(rec.Body.String()))
		}
	}
	for range 10 { // warm the pools, templates and connections first
		upload()
	}
	goroutines, heap, rss := settled(0), heapAfterGC(), rssKB()
	for range 300 {
		upload()
	}
	afterG := settled(goroutines)
	afterHeap, afterRSS := heapAfterGC(), rssKB()
	t.Logf("300 crafted uploads: goroutines %d → %d, heap %.1f → %.1f MB, RSS %.1f → %.1f MB",
		goroutines, afterG, float64(heap)/(1<<20), float64(afterHeap)/(1<<20), float64(rss)/1024, float64(afterRSS)/1024)
	if afterG > goroutines {
		t.Errorf("goroutines: %d before 300 crafted uploads, %d after", goroutines, afterG)
	}
	if float64(afterHeap) > 1.1*float64(heap) {
		t.Errorf("heap after GC: %d bytes before, %d after 300 crafted uploads (over 10%% more)", heap, afterHeap)
	}
	if got := storedFiles(t, env); len(got) != 0 {
		t.Errorf("refused uploads left files: %v", got)
	}
}

// Issue 8 §2.7: every upload gets the content checks of the materials. A plain ZIP holding
// evil.exe, named report.docx, is refused on each of the six forms, and nothing is kept.
func TestEvilZipNamedDocxIsRefusedOnEveryUpload(t *testing.T) {
	env := webtest.New(t)
	evil := string(seed(t, "evil-exe-as-report.docx"))
	want := "无法识别文件「report.docx」的格式"

	p2 := login(t, env, "platform2")
	app := createApplication(t, p2)
	onsite := submitViaStore(t, env, "platform3")
	postDecision(t, signIn(t, env, "district1"), onsite, "/district/claim", url.Values{"version": {"0"}}, http.StatusSeeOther)
	// the objection needs a failed application (failing one moves the clock back), the
	// complaint a running notice and the scope change a certificate: two more servers
	envB := webtest.New(t)
	failed := failedApplication(t, envB) // platform2's, failed by district2
	envC := webtest.New(t)
	inNotice := platform1InNotice(t, envC)
	notice := activeNotice(t, envC, inNotice.ID)

	cases := []struct {
		env                     *webtest.Env
		name, who, path, errSel string
		parts                   []part
	}{
		{env, "material", "platform2", materialPath(t, env, app, "self_assessment_report"), `[data-testid="error-file-1"]`,
			[]part{{field: "file", file: "report.docx", value: evil}}},
		{env, "self-assessment evidence", "platform2", "/platform/applications/" + app + "/self-assessment", `[data-testid="error-evidence_1"]`,
			[]part{{field: "answer_1", value: "yes"}, {field: "explanation_1", value: "2015 年开始从事网贷业务"}, {field: "evidence_1", file: "report.docx", value: evil}}},
		{env, "working paper", "district1", appURL(onsite, "/onsite/papers"), `[data-testid="error-paper"]`,
			[]part{{field: "paper", file: "report.docx", value: evil}}},
		{envB, "objection evidence", "platform2", appURL(failed, "/objection"), `[data-testid="error-evidence"]`,
			[]part{{field: "reasons", value: "已更换存管银行"}, {field: "version", value: "0"}, {field: "evidence", file: "report.docx", value: evil}}},
		{envC, "complaint attachment", "", fmt.Sprintf("/notices/%d/complaints", notice.ID), `[data-testid="error-files"]`,
			[]part{{field: "type", value: "borrower"}, {field: "name", value: "李四"}, {field: "contact", value: "13900000000"},
				{field: "content", value: "平台向本人收取了合同以外的服务费。"}, {field: "files", file: "report.docx", value: evil}}},
		{envC, "scope-change evidence", "platform1", "/platform/scope", `[data-testid="error-evidence"]`,
			[]part{{field: "change_date", value: "2026-11-20"}, {field: "evidence", file: "report.docx", value: evil}}},
	}
	for _, tc := range cases {
		if tc.name == "scope-change evidence" { // after the complaint: the notice ends, the province signs off
			endNotice(t, envC, notice)
			if _, err := envC.Store.SignOff(context.Background(), actAs(t, envC, "province1"), inNotice.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		c := tc.env.Client(t)
		if tc.who != "" {
			c = signIn(t, tc.env, tc.who)
		}
		ct, body := multipartOf(tc.parts...)
		rec, doc := direct(t, tc.env, c, tc.path, ct, bytes.NewReader(body), int64(len(body)))
		if msg := doc.Find(tc.errSel).Text(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, want) {
			t.Errorf("%s: %d, %s = %q; want 422 with %q\n%s", tc.name, rec.Code, tc.errSel, msg, want, textOf(rec.Body.String()))
		}
	}
	for _, e := range []*webtest.Env{env, envB, envC} {
		if got := storedFiles(t, e); len(got) != 0 {
			t.Errorf("refused uploads left files: %v", got)
		}
	}
}

// Issue 8 §2.7: a name with a right-to-left override ("a‮gpj.pdf" reads "afdp.jpg") is
// kept and shown without it, on the material page, in the download and on a complaint.
func TestBidiFilenameIsStoredAndShownSafely(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform2")
	app := createApplication(t, c)
	path := materialPath(t, env, app, "legal_opinion")
	hostile := "a\u202Egpj\u200B\uFEFF.pdf"
	resp, body := postFile(t, env, c, path, hostile, bytes.NewReader(pdfBody(4096, "意见书")))
	if resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %v\n%s", resp, textOf(body))
	}
	var name string
	db, _ := env.Store.SQLDB()
	if err := db.QueryRow("SELECT filename FROM material_files").Scan(&name); err != nil || name != "agpj.pdf" {
		t.Fatalf("stored name %q (%v); want agpj.pdf", name, err)
	}
	_, page := c.Get(strings.TrimPrefix(strings.Split(path, "/files")[0], "/platform"))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(page))
	if strings.ContainsAny(page, "\u202E\u200B\uFEFF") || !strings.Contains(doc.Text(), "agpj.pdf") {
		t.Fatal("the material page shows the name with its control characters, or not at all")
	}
	href, ok := doc.Find(`[data-testid="download-current"]`).Attr("href")
	if !ok {
		t.Fatal("no download link")
	}
	dl, _ := c.Get(href)
	if cd := dl.Header.Get("Content-Disposition"); !strings.Contains(cd, "agpj.pdf") || strings.ContainsAny(cd, "\u202E\u200B\uFEFF") {
		t.Fatalf("download name %q", cd)
	}

	notice := activeNotice(t, env, platform1InNotice(t, env).ID)
	resp, _ = postComplaint(t, env, env.Client(t), notice.ID, "020-87654321", hostile, pdfBody(2048, "证据"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complaint: %d", resp.StatusCode)
	}
	var attached string
	if err := db.QueryRow("SELECT name FROM public_files").Scan(&attached); err != nil || attached != "agpj.pdf" {
		t.Fatalf("complaint attachment stored as %q (%v)", attached, err)
	}
}

// countingReader counts what is read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is an endless upload body that costs no memory.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// Issue 8 §2.8: a declared Content-Length over a route's limit is refused with a Chinese
// 413 page before a byte of the body is read, on every upload route.
func TestDeclaredOversizeIsRefusedBeforeReading(t *testing.T) {
	env := webtest.New(t)
	p1 := login(t, env, "platform1")
	app := createApplication(t, p1)
	routes := []struct {
		who, path string
		limitMB   int64
	}{
		{"platform1", materialPath(t, env, app, "legal_opinion"), 201},
		{"platform1", "/platform/applications/" + app + "/self-assessment", 201},
		{"district1", appURL(1, "/onsite/papers"), 51},
		{"platform2", appURL(1, "/objection"), 251},
		{"", "/notices/1/complaints", 51},
		{"platform5", "/platform/scope", 11},
	}
	for _, r := range routes {
		c := env.Client(t)
		if r.who != "" {
			c = signIn(t, env, r.who)
		}
		body := &countingReader{r: endless{}}
		rec, doc := direct(t, env, c, r.path, "multipart/form-data; boundary=x", body, (r.limitMB+1)<<20)
		title := strings.TrimSpace(doc.Find("h1").First().Text())
		msg := doc.Find(`[data-testid="error-page"]`).Text()
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(title+msg, "提交内容过大") ||
			!strings.Contains(msg, fmt.Sprintf("超过本页 %d MB 的上限", r.limitMB)) || !strings.Contains(msg, "未保存任何内容") {
			t.Errorf("%s: %d %q %q", r.path, rec.Code, title, msg)
		}
		if body.n != 0 {
			t.Errorf("%s: %d bytes of the body were read before the refusal", r.path, body.n)
		}
		if rec.Header().Get("Connection") != "close" {
			t.Errorf("%s: the connection is kept open for the rest of the body", r.path)
		}
	}
}

// pattern is n bytes of a PDF-looking attachment, produced as it is read, so the test
// itself holds no attachment in memory.
type pattern struct{ left int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left))
	for i := range n {
		b[i] = byte('a' + i%26)
	}
	p.left -= int64(n)
	return n, nil
}

// Issue 8 §2.8: an anonymous complaint with 5 attachments of nearly 10 MB streams them
// into the file store. The request allocates less than one attachment's size, and no more
// than the same complaint with 5 attachments of 1 MB does, give or take half an
// attachment: what the handler holds does not grow with the files (buffering them cost 142 MB here before).
func TestComplaintAttachmentsStreamToTheFileStore(t *testing.T) {
	env := webtest.New(t)
	notice := activeNotice(t, env, platform1InNotice(t, env).ID)
	c := env.Client(t)
	direct(t, env, c, "/login", "application/x-www-form-urlencoded", strings.NewReader(""), 0) // warm up the session path
	// complain files 5 attachments of size bytes and returns what the request allocated
	complain := func(size int64) uint64 {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			for _, f := range [][2]string{{"type", "borrower"}, {"name", "李四"}, {"contact", "13900000000"}, {"content", "平台收取合同外服务费。"}} {
				_ = mw.WriteField(f[0], f[1])
			}
			for i := range 5 {
				w, _ := mw.CreateFormFile("files", fmt.Sprintf("证据-%d.pdf", i+1))
				_, _ = w.Write([]byte("%PDF-1.7\n"))
				_, _ = io.Copy(w, &pattern{left: size - 9})
			}
			pw.CloseWithError(mw.Close())
		}()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rec, _ := direct(t, env, c, fmt.Sprintf("/notices/%d/complaints", notice.ID), mw.FormDataContentType(), pr, -1)
		runtime.ReadMemStats(&after)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("complaint with 5 × %d bytes: %d\n%s", size, rec.Code, textOf(rec.Body.String()))
		}
		var n int
		db, _ := env.Store.SQLDB()
		if err := db.QueryRow("SELECT count(*) FROM public_files WHERE size = $1", size).Scan(&n); err != nil || n != 5 {
			t.Fatalf("stored attachments of %d bytes: %d (%v)", size, n, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	const small, each = 1 << 20, 10<<20 - 4096
	allocSmall := complain(small)
	allocBig := complain(each)
	t.Logf("a complaint allocated %.1f MB with 5 × 1 MB attachments, %.1f MB with 5 × %.1f MB",
		float64(allocSmall)/(1<<20), float64(allocBig)/(1<<20), float64(each)/(1<<20))
	if allocBig >= each {
		t.Errorf("the request allocated %d bytes: as much as a whole %d-byte attachment", allocBig, each)
	}
	if allocBig > allocSmall+each/2 { // buffering would add 45 MB

		t.Errorf("allocation grows with the attachments: %d bytes for 5 × 1 MB, %d for 5 × 10 MB", allocSmall, allocBig)
	}
}

// An upload the client cuts off remains the client's problem: 422 "上传中断".
func TestCutOffUploadIsStillUploadInterrupted(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	ct, body := multipartOf(part{field: "file", file: "法律意见书.pdf", value: string(pdfBody(3<<20, "中断"))})
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(body[:2<<20])
		pw.CloseWithError(errors.New("client went away"))
	}()
	rec, doc := direct(t, env, c, materialPath(t, env, app, "legal_opinion"), ct, pr, int64(len(body)))
	if msg := doc.Find(`[data-testid="error-file-1"]`).Text(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "上传中断") {
		t.Fatalf("cut-off upload: %d %q", rec.Code, msg)
	}
	if got := storedFiles(t, env); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}
