package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"portal/web/webtest"
)

func TestFileFormValidatesAndKeepsWhatWasTyped(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")

	form := filledFile()
	form.Set("uscc", "91440106MA59A1B2CF") // one character off: the check digit fails
	form.Set("registered_capital", "1,0000.5")
	form.Set("contact_phone", "87654321")
	form.Set("shareholders.0.share", "60")
	form.Set("shareholders.1.name", "广州示例控股有限公司")
	form.Set("shareholders.1.kind", "natural")
	form.Set("shareholders.1.share", "50")
	resp, body := c.Submit("/platform/file", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", resp.StatusCode)
	}
	webtest.Contains(t, body,
		`data-testid="error-f-uscc"`, "统一社会信用代码校验位不符",
		`data-testid="error-f-registered_capital"`, "千分位逗号位置不正确",
		`data-testid="error-f-contact_phone"`, "区号-号码",
		`data-testid="error-shareholders"`, "股东持股比例合计为 110.00%，超过 100%",
		`value="91440106MA59A1B2CF"`, `value="1,0000.5"`, `value="广州示例控股有限公司"`, `value="广州市天河区珠江新城示例路 1 号"`)
	if strings.Contains(body, `data-testid="error-f-founded_on"`) {
		t.Error("a valid field was flagged")
	}
	for _, letter := range []string{"I", "O", "Z", "S", "V"} {
		form := filledFile()
		form.Set("uscc", "91440106MA59"+letter+"1B2CE")
		_, body := c.Submit("/platform/file", form)
		webtest.Contains(t, body, "不使用字母 I、O、Z、S、V")
	}

	// money is stored exactly: 元 with separators, full-width digits
	form = filledFile()
	form.Set("paid_in_capital", "５０，０００，０００．０１")
	if resp, body := c.Submit("/platform/file", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid file: %d\n%s", resp.StatusCode, body)
	}
	_, body = c.Get("/platform/file")
	webtest.Contains(t, body, "50,000,000.01 元", "档案已保存")
}

func TestFileRowsAddAndRemoveWithoutJavaScript(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	form := filledFile()
	form.Set("people.0.name", "李四")
	form.Set("op", "add:people")
	resp, body := c.Submit("/platform/file", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add row: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "已增加一行人员", `id="f-people-1-name"`, `value="李四"`, `value="100,000,000"`)

	form.Set("people.1.name", "王五")
	form.Set("op", "del:people:0")
	_, body = c.Submit("/platform/file", form)
	webtest.Contains(t, body, "已删除一行人员", `id="f-people-0-name"`)
	if strings.Contains(body, `value="李四"`) || !strings.Contains(body, `value="王五"`) || strings.Contains(body, `id="f-people-1-name"`) {
		t.Fatal("the wrong row was removed")
	}
	// nothing was saved by adding or removing
	_, body = c.Get("/platform/file")
	if strings.Contains(body, "王五") {
		t.Fatal("adding a row saved the file")
	}
}

func TestFileHistoryShowsOldAndNew(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	if resp, body := c.Submit("/platform/file", filledFile()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", resp.StatusCode, body)
	}
	env.Clock.Advance(20 * time.Minute) // within the session idle limit
	form := filledFile()
	form.Set("legal_representative", "李四")
	form.Set("shareholders.0.share", "80")
	if resp, body := c.Submit("/platform/file", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d\n%s", resp.StatusCode, body)
	}

	inst := *demoUser(t, env, "platform1").InstitutionID
	for _, who := range []string{"platform1", "district1", "city1"} {
		path := fmt.Sprintf("/institutions/%d/file/history", inst)
		if who == "platform1" {
			path = "/platform/file/history"
		}
		resp, body := login(t, env, who).Get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s history: %d", who, resp.StatusCode)
		}
		webtest.Contains(t, body, "2026-11-23 09:20", "天河示例经办人", "法定代表人", "张三", "李四",
			"股东「张三」 · 持股比例", "100.00%", "80.00%")
		if strings.Count(body, `data-testid="history-entry"`) != 2 {
			t.Fatalf("%s sees %d entries", who, strings.Count(body, `data-testid="history-entry"`))
		}
	}
	if resp, _ := login(t, env, "district2").Get(fmt.Sprintf("/institutions/%d/file", inst)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("district2 reads 天河's file: %d", resp.StatusCode)
	}
	_, body := login(t, env, "district1").Get(fmt.Sprintf("/institutions/%d/file", inst))
	webtest.Contains(t, body, "李四", "备案量化条件测算", "实缴货币资本")
	if strings.Contains(body, `data-testid="edit-file"`) {
		t.Fatal("an officer is offered the edit button")
	}
}
