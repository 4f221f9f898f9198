package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/web/webtest"
)

// The district accepts and returns materials; the send-back carries the comments; the
// platform corrects a material and a file field and resubmits; the officer sees both
// changes, old → new.
func TestMaterialReviewAndWhatChangedSinceTheLastRound(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1, p1 := signIn(t, env, "district1"), signIn(t, env, "platform1")
	ms := materials(t, env)
	custody := strconv.FormatInt(ms["custody_agreement"].ID, 10)
	audit := strconv.FormatInt(ms["special_audit"].ID, 10)

	// not before claiming
	resp, _ := d1.Submit(appURL(id, "/materials/"+custody+"/accept"), nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("material review before claiming: %d", resp.StatusCode)
	}
	onsiteCheck(t, env, d1, id)
	postDecision(t, d1, id, "/materials/"+audit+"/accept", url.Values{"version": {"0"}}, http.StatusSeeOther)
	body := postDecision(t, d1, id, "/materials/"+custody+"/return", url.Values{"version": {"0"}, "code": {"custody_agreement"}}, http.StatusUnprocessableEntity)
	webtest.Contains(t, body, "退回材料须写明退回意见")
	postDecision(t, d1, id, "/materials/"+custody+"/return", url.Values{"comment": {"协议缺少银行盖章页"}, "version": {"0"}}, http.StatusSeeOther)
	_, body = d1.Get(appURL(id, ""))
	webtest.Contains(t, body, `data-testid="material-review-custody_agreement"`, "已退回", "协议缺少银行盖章页", "已通过")

	env.Clock.Advance(10 * time.Minute)
	postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {"请按材料退回意见补正"}, "return_days": {"10"}}, http.StatusSeeOther)
	_, body = p1.Get(appURL(id, ""))
	webtest.Contains(t, body, "退回的材料：", "1. 银行存管协议：协议缺少银行盖章页", "去补正并重新提交")
	_, body = p1.Get(appURL(id, "/checklist"))
	webtest.Contains(t, body, "协议缺少银行盖章页")

	// resubmitting before re-uploading the returned material is refused by the platform side
	if resp, _ := p1.Submit("/platform/applications/"+strconv.FormatInt(id, 10)+"/submit", nil); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("resubmitted with a returned material not uploaded again")
	}
	env.Clock.Advance(10 * time.Minute)
	uploadMaterial(t, env, p1, id, "custody_agreement", "存管协议-盖章版.pdf")
	form := filledFile()
	form.Set("contact_phone", "020-87650000")
	if resp, body := p1.Submit("/platform/file", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("editing the file during correction: %d\n%s", resp.StatusCode, textOf(body))
	}
	env.Clock.Advance(10 * time.Minute)
	resubmit(t, p1, id)

	_, body = d1.Get(appURL(id, ""))
	webtest.Contains(t, body, `data-testid="round-changes"`, "银行存管协议", "存管协议-盖章版.pdf", "第 2 版",
		"联系电话", "020-87654321", "020-87650000", "待审核")
	// others do not get the officer's comparison
	_, body = signIn(t, env, "city1").Get(appURL(id, ""))
	if strings.Contains(body, `data-testid="round-changes"`) {
		t.Fatal("the city sees the district's round comparison")
	}
}

var reviewFileLink = regexp.MustCompile(`href="(/applications/\d+/review-files/\d+)"`)

// Working papers go to the file store and download, hash-checked, to officers only.
func TestWorkingPapersAreKeptAndDownloadable(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	paper := pdfBody(4096, "现场核查工作底稿")
	resp, body := postFile(t, env, d1, appURL(id, "/onsite/papers"), "底稿.pdf", bytes.NewReader(paper))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择要上传的文件") {
		t.Fatalf("the platform side's field name is refused: %d", resp.StatusCode) // postFile names the part "file"
	}
	resp, body = postPaper(t, env, d1, id, "底稿.pdf", paper)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, textOf(body))
	}
	resp, body = postPaper(t, env, d1, id, "脚本.pdf", []byte("#!/bin/sh\necho\n"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "无法识别文件「脚本.pdf」的格式") {
		t.Fatalf("a script as a working paper: %d", resp.StatusCode)
	}
	_, page := d1.Get(appURL(id, ""))
	m := reviewFileLink.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no download link for the working paper")
	}
	resp, got := d1.Get(m[1])
	if resp.StatusCode != http.StatusOK || got != string(paper) || resp.Header.Get("X-Content-SHA256") != sha(paper) {
		t.Fatalf("download: %d, %d bytes, %s", resp.StatusCode, len(got), resp.Header.Get("X-Content-SHA256"))
	}
	if resp, _ := signIn(t, env, "city1").Get(m[1]); resp.StatusCode != http.StatusOK {
		t.Errorf("the city cannot read the district's working paper: %d", resp.StatusCode)
	}
	if resp, _ := signIn(t, env, "platform1").Get(m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the platform reads the district's working paper: %d", resp.StatusCode)
	}
	if resp, _ := signIn(t, env, "district2").Get(m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another district reads it: %d", resp.StatusCode)
	}
}

func postPaper(t *testing.T, env *webtest.Env, c *webtest.Client, id int64, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("paper", name)
	_, _ = part.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+appURL(id, "/onsite/papers?_csrf="+url.QueryEscape(c.CSRF())), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
