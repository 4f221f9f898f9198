package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/web/webtest"
)

// postSA sends the self-assessment form as multipart, with files by field name.
func postSA(t *testing.T, env *webtest.Env, c *webtest.Client, app string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for no := 1; no <= 10; no++ { // in page order: answer, explanation, evidence
		for _, k := range []string{"answer", "explanation"} {
			if v, ok := fields[fmt.Sprintf("%s_%d", k, no)]; ok {
				mw.WriteField(fmt.Sprintf("%s_%d", k, no), v)
			}
		}
		if b, ok := files[fmt.Sprintf("evidence_%d", no)]; ok {
			w, _ := mw.CreateFormFile(fmt.Sprintf("evidence_%d", no), fmt.Sprintf("佐证-%d.pdf", no))
			w.Write(b)
		}
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/platform/applications/"+app+"/self-assessment?_csrf="+url.QueryEscape(c.CSRF()), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSelfAssessmentSavesValidItemsAndShowsErrors(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	app := createApplication(t, c)
	fields := map[string]string{
		"answer_1": "yes", "explanation_1": "2015 年开始从事网贷业务",
		"answer_2": "na", "explanation_2": "不适用", // item 2 applies to every institution
		"answer_3": "no", "explanation_3": "",
		"answer_5": "na", "explanation_5": "从未开展此类业务",
	}
	files := map[string][]byte{
		"evidence_1": pdfBody(2000, "底稿"),
		"evidence_3": pdfBody(2000, "不会保存"),
		"evidence_5": []byte("\x89PNG\r\n\x1a\n not really a pdf but a png is accepted"),
	}
	resp, body := postSA(t, env, c, app, fields, files)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "其余各项已保存",
		`data-testid="error-answer_2"`, "不能选择「不适用」",
		`data-testid="error-explanation_3"`, "请说明自评依据和整改情况",
		`data-testid="error-evidence_3"`, "佐证文件未保存",
		"从未开展此类业务")
	_, body = c.Get("/applications/" + app + "/self-assessment")
	webtest.Contains(t, body, "佐证-1.pdf", "佐证-5.pdf", "2015 年开始从事网贷业务")
	if strings.Contains(body, "佐证-3.pdf") {
		t.Fatal("the evidence of an item with errors was kept")
	}
	if got := len(storedFiles(t, env)); got != 2 {
		t.Fatalf("%d files stored; want 2", got)
	}
	// officers read it, other platforms do not
	if resp, _ := login(t, env, "district1").Get("/applications/" + app + "/evidence/1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("district1 evidence: %d", resp.StatusCode)
	}
	if resp, _ := login(t, env, "platform2").Get("/applications/" + app + "/self-assessment"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("platform2 reads it: %d", resp.StatusCode)
	}
	// the hard line is named with its rule on the application page
	postSA(t, env, c, app, map[string]string{"answer_3": "no", "explanation_3": "存量违规业务尚未化解完成"}, nil)
	_, body = c.Get("/applications/" + app + "/checklist")
	webtest.Contains(t, body, `data-testid="violations"`, "第 3 项", "存量违规业务没有化解完成的机构不予验收通过", "《网贷机构整改验收方案》五(三)")
}
