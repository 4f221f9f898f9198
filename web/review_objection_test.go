package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"portal/web/webtest"
)

// object posts the objection form as a browser does: multipart, token in the URL.
func object(t *testing.T, env *webtest.Env, c *webtest.Client, id int64, reasons string, files map[string][]byte, want int) string {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("reasons", reasons)
	version := "0"
	if _, page := c.Get(appURL(id, "/objection")); versionField.MatchString(page) {
		version = versionField.FindStringSubmatch(page)[1]
	}
	_ = w.WriteField("version", version)
	for name, content := range files {
		part, _ := w.CreateFormFile("evidence", name)
		_, _ = part.Write(content)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+appURL(id, "/objection?_csrf="+url.QueryEscape(c.CSRF())), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	if resp.StatusCode != want {
		t.Fatalf("objection: %d; want %d\n%s", resp.StatusCode, want, textOf(body))
	}
	return body
}

func failedApplication(t *testing.T, env *webtest.Env) int64 {
	t.Helper()
	env.Clock.Set(time.Date(2026, 9, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	id := submitViaStore(t, env, "platform2")
	d2 := signIn(t, env, "district2")
	onsiteCheck(t, env, d2, id)
	postDecision(t, d2, id, "/district/fail", url.Values{"fail_problems": {"1. 存管银行未通过测评\n2. 自融"}}, http.StatusSeeOther)
	return id
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func TestObjectionFormOpenUntilTheDeadlineThenClosed(t *testing.T) {
	env := webtest.New(t)
	id := failedApplication(t, env)
	p2 := signIn(t, env, "platform2")
	_, body := p2.Get(appURL(id, ""))
	webtest.Contains(t, body, "请立即停止新发生网贷业务", "存管银行未通过测评", "异议截止：2026-10-13（还剩 5 个工作日）", `data-testid="objection-link"`)

	// refused without evidence, and a script renamed .pdf is no evidence
	body = object(t, env, p2, id, "异议", nil, http.StatusUnprocessableEntity)
	webtest.Contains(t, body, "提出异议须提交证明材料")
	body = object(t, env, p2, id, "异议", map[string][]byte{"证明.pdf": []byte("#!/bin/sh\necho hi\n")}, http.StatusUnprocessableEntity)
	webtest.Contains(t, body, "无法识别文件「证明.pdf」的格式", "系统按文件内容而非扩展名判断格式")

	// the day after the deadline the form is closed and a late post refused
	env.Clock.Set(time.Date(2026, 10, 14, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	p2 = signIn(t, env, "platform2") // the session ended while the clock moved
	_, body = p2.Get(appURL(id, "/objection"))
	webtest.Contains(t, body, "异议期限已于 2026-10-13 届满，异议表单已关闭")
	_, body = p2.Get(appURL(id, ""))
	webtest.Contains(t, body, "异议截止：2026-10-13（已届满）", `data-testid="objection-closed"`)
	body = object(t, env, p2, id, "迟到的异议", map[string][]byte{"证明.pdf": pdfBytes}, http.StatusUnprocessableEntity)
	webtest.Contains(t, body, "异议期限已于 2026-10-13 届满")

	// the exit may now be recorded, and keeps the institution's classification
	d2 := signIn(t, env, "district2")
	_, body = d2.Get(appURL(id, ""))
	webtest.Contains(t, body, `data-testid="form-exit"`)
	body = postDecision(t, d2, id, "/exit", url.Values{"exit_class": {"ban"}, "institution_class": {"rectifying"}, "version": {"0"}}, http.StatusUnprocessableEntity)
	webtest.Contains(t, body, "予以取缔的机构应归为取缔类")
	postDecision(t, d2, id, "/exit", url.Values{"exit_class": {"wind_down"}, "institution_class": {"rectifying"}, "version": {"0"}}, http.StatusSeeOther)
	_, body = d2.Get(appURL(id, ""))
	webtest.Contains(t, body, "逐步清退", "整改类")
}

func TestObjectionOnTimeGoesToTheCity(t *testing.T) {
	env := webtest.New(t)
	id := failedApplication(t, env)
	env.Clock.Set(time.Date(2026, 10, 13, 23, 30, 0, 0, time.FixedZone("CST", 8*3600)))
	p2 := signIn(t, env, "platform2")
	object(t, env, p2, id, "已更换存管银行", map[string][]byte{"存管协议.pdf": pdfBytes}, http.StatusSeeOther)
	_, body := p2.Get(appURL(id, ""))
	webtest.Contains(t, body, "异议复核", `data-testid="objection"`, "存管协议.pdf", "复核中")
	link := reviewFileLink.FindStringSubmatch(body)
	if link == nil {
		t.Fatal("no download link for the evidence")
	}
	if resp, got := p2.Get(link[1]); resp.StatusCode != http.StatusOK || got != string(pdfBytes) {
		t.Fatalf("the platform downloads its evidence: %d", resp.StatusCode)
	}
	c1 := signIn(t, env, "city1")
	_, body = c1.Get("/city")
	webtest.Contains(t, body, "广州越秀示例互联网金融信息服务有限公司", "异议复核")
	postDecision(t, c1, id, "/objection-review/uphold", url.Values{"uphold_opinion": {"属实"}}, http.StatusSeeOther)
	_, body = c1.Get(appURL(id, ""))
	webtest.Contains(t, body, "专责小组审定")
}

// The province's joint review sends back, then fails; the large platform's objection is
// the province's to uphold, and the application returns to the joint review.
func TestProvinceJointReviewReturnFailAndObjection(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform3")
	d1, p1 := signIn(t, env, "district1"), signIn(t, env, "province1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
	postDecision(t, p1, id, "/province/return", url.Values{"return_opinion": {"请补充近三年审计报告"}, "return_days": {"5"}}, http.StatusSeeOther)
	pl := signIn(t, env, "platform3")
	resubmit(t, pl, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
	postDecision(t, p1, id, "/province/fail", url.Values{"fail_problems": {"待收余额不降反升"}}, http.StatusSeeOther)
	_, body := pl.Get(appURL(id, ""))
	webtest.Contains(t, body, "广东省金融工作办公室", "待收余额不降反升", "请立即停止新发生网贷业务")
	object(t, env, pl, id, "余额上升系统统计口径所致", map[string][]byte{"说明.pdf": pdfBytes}, http.StatusSeeOther)
	c1 := signIn(t, env, "city1")
	postDecision(t, c1, id, "/objection-review/uphold", url.Values{"uphold_opinion": {"x"}, "version": {"0"}}, http.StatusForbidden)
	_, body = signIn(t, env, "province1").Get("/province")
	webtest.Contains(t, body, "广州天河大型示例网络借贷信息中介服务股份有限公司", "异议复核")
	postDecision(t, p1, id, "/objection-review/uphold", url.Values{"uphold_opinion": {"经核实属统计口径问题"}}, http.StatusSeeOther)
	_, body = p1.Get(appURL(id, ""))
	webtest.Contains(t, body, "省市联合验收", `data-testid="form-pass"`)
}
