package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/web/webtest"
)

// getWith sends a GET with extra headers.
func getWith(t *testing.T, c *webtest.Client, env *webtest.Env, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPublicPagesRevalidateWithETag(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	for _, path := range []string{"/notices", "/notices.atom", "/register", "/register.csv"} {
		resp, _ := c.Get(path)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != http.StatusOK || etag == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-cache") {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", path, resp.StatusCode, etag, resp.Header.Get("Cache-Control"))
		}
		again, body := getWith(t, c, env, path, http.Header{"If-None-Match": {etag}})
		if again.StatusCode != http.StatusNotModified || body != "" {
			t.Fatalf("%s revalidated: %d; want 304 with no body", path, again.StatusCode)
		}
	}
	// A new notice changes the list: the old ETag no longer matches.
	resp, _ := c.Get("/notices")
	old := resp.Header.Get("ETag")
	platform1InNotice(t, env)
	after, body := getWith(t, c, env, "/notices", http.Header{"If-None-Match": {old}})
	if after.StatusCode != http.StatusOK || !strings.Contains(body, "广州天河示例网络借贷信息中介服务有限公司") {
		t.Fatalf("after a new notice: %d; want 200 with it", after.StatusCode)
	}
	// The next day the days left change, and so does the ETag.
	env.Clock.Advance(24 * 60 * 60 * 1e9)
	next, _ := getWith(t, c, env, "/notices", http.Header{"If-None-Match": {after.Header.Get("ETag")}})
	if next.StatusCode != http.StatusOK {
		t.Fatalf("next day: %d; want 200", next.StatusCode)
	}
}

// multipartComplaint builds a complaint form with one attachment.
func multipartComplaint(t *testing.T, contact, fileName string, file []byte) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"type": "borrower", "name": "李四", "contact": contact, "content": "平台向本人收取了合同以外的服务费，金额三千元。"} {
		_ = w.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile("files", fileName)
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

func postComplaint(t *testing.T, env *webtest.Env, c *webtest.Client, noticeID int64, contact, fileName string, file []byte) (*http.Response, string) {
	t.Helper()
	ct, body := multipartComplaint(t, contact, fileName, file)
	resp, err := c.HTTP.Post(fmt.Sprintf("%s/notices/%d/complaints?_csrf=%s", env.Server.URL, noticeID, c.CSRF()), ct, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestComplaintChecksFilesLimitsRateAndMasks(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	c := env.Client(t)

	resp, body := postComplaint(t, env, c, n.ID, "020-87654321", "合同.pdf", []byte("MZ\x90\x00 not a pdf"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "无法识别文件「合同.pdf」的格式") || !strings.Contains(body, "020-87654321") {
		t.Fatalf("executable renamed to .pdf: %d", resp.StatusCode)
	}
	resp, _ = postComplaint(t, env, c, n.ID, "020-87654321", "合同.pdf", []byte("%PDF-1.4 small"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/complaints/JB-") {
		t.Fatalf("good complaint: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := c.Get(resp.Header.Get("Location"))
	webtest.Contains(t, page, "举报已受理", "李*", "020-****4321", "借款人", "核查中")
	if strings.Contains(page, "李四") || strings.Contains(page, "87654321") {
		t.Fatal("the status page shows the complainant's details unmasked")
	}
	// Five submissions an hour per address; the sixth gets a Chinese 429 page.
	for i := 0; i < 3; i++ {
		postComplaint(t, env, c, n.ID, "13900000000", "", nil)
	}
	resp, body = postComplaint(t, env, c, n.ID, "13900000000", "", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "提交举报过于频繁") {
		t.Fatalf("sixth complaint within the hour: %d; want 429", resp.StatusCode)
	}
	// A closed notice takes no complaint.
	env.Clock.Advance(61 * 60 * 1e9)
	endNotice(t, env, n)
	resp, _ = postComplaint(t, env, c, n.ID, "13900000000", "", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("complaint after the notice: %d; want 409", resp.StatusCode)
	}
}

func TestAtomFeedAndRegisterExports(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	resp, feed := c.Get("/notices.atom")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed type %q", resp.Header.Get("Content-Type"))
	}
	webtest.Contains(t, feed, `<feed xmlns="http://www.w3.org/2005/Atom">`, "广州海珠示例网络借贷信息中介服务有限公司", "<entry>")

	resp, csv := c.Get("/register.csv?q=" + "%E6%B5%B7%E7%8F%A0")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(csv, "\uFEFF机构名称,统一社会信用代码") || !strings.Contains(csv, "广州海珠示范互联网金融信息服务有限公司") {
		t.Fatalf("CSV export: %d\n%s", resp.StatusCode, csv)
	}
	resp, xlsx := c.Get("/register.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(xlsx))
	if resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("XLSX export: %d %v", resp.StatusCode, err)
	}
	rows, _ := f.GetRows("备案名录")
	if len(rows) != 2 || rows[0][0] != "机构名称" || rows[1][0] != "广州海珠示范互联网金融信息服务有限公司" {
		t.Fatalf("XLSX rows %v", rows)
	}
}

func TestCertificatePDFIsStableAndOnlyInJurisdiction(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID))
	cert, err := env.Store.SignOff(ctx, actAs(t, env, "province1"), app.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/certificates/%d/pdf", cert.ID)
	var first string
	for _, user := range []string{"platform1", "district1", "city1", "province2"} {
		c := env.Client(t)
		c.Login(user, webtest.DemoPassword)
		resp, body := c.Get(path)
		if resp.StatusCode != http.StatusOK || len(body) > 100<<10 {
			t.Fatalf("%s downloading: %d, %d bytes", user, resp.StatusCode, len(body))
		}
		if first == "" {
			first = body
			// the fingerprint the store keeps is the one printed
			if text := pdfText(t, body, "certificate-jurisdiction"); !strings.Contains(strings.Join(strings.Fields(text), ""), cert.Fingerprint) {
				t.Fatalf("the PDF does not print the stored fingerprint %s", cert.Fingerprint)
			}
		} else if body != first {
			t.Fatalf("%s got different bytes: regeneration is not deterministic", user)
		}
	}
	for _, user := range []string{"platform2", "district2"} {
		c := env.Client(t)
		c.Login(user, webtest.DemoPassword)
		if resp, _ := c.Get(path); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s outside the jurisdiction: %d; want 404", user, resp.StatusCode)
		}
	}
	if !models.ValidSerial(cert.Serial) {
		t.Fatalf("serial %q", cert.Serial)
	}
}

func TestPlatformMirrorsNoticeAndOfficersSeeIt(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	p := env.Client(t)
	p.Login("platform1", webtest.DemoPassword)
	path := fmt.Sprintf("/platform/notices/%d/mirror", n.ID)
	resp, body := p.Submit(path, map[string][]string{"mirror_url": {"www.example.com"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写以 http:// 或 https:// 开头的完整网址") {
		t.Fatalf("bad mirror URL: %d", resp.StatusCode)
	}
	if resp, _ := p.Submit(path, map[string][]string{"mirror_url": {"https://www.tianhe-p2p.example/notice/2026"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mirror URL: %d", resp.StatusCode)
	}
	other := env.Client(t)
	other.Login("platform2", webtest.DemoPassword)
	if resp, _ := other.Submit(path, map[string][]string{"mirror_url": {"https://x.example/"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another platform setting the mirror: %d; want 404", resp.StatusCode)
	}
	city := env.Client(t)
	city.Login("city1", webtest.DemoPassword)
	_, page := city.Get(fmt.Sprintf("/notices/%d", n.ID))
	webtest.Contains(t, page, "机构同步公示", "https://www.tianhe-p2p.example/notice/2026")
}
