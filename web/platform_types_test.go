package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/web/webtest"
)

// A new application type, with its materials, is rows in two tables: no code changes.
func TestApplicationTypesAreData(t *testing.T) {
	env := webtest.New(t)
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec(`INSERT INTO application_types (code, name, position) VALUES ('guarantee', '融资担保业务许可申请', 3);
		INSERT INTO material_types (type_code, code, position, name, required, files_needed, accepted_kinds)
		VALUES ('guarantee', 'licence_application', 1, '融资担保业务经营许可申请书', true, 2, 'pdf')`); err != nil {
		t.Fatal(err)
	}
	c := login(t, env, "platform1")
	_, body := c.Get("/platform/applications")
	webtest.Contains(t, body, "网贷机构整改验收申请", "互联网小额贷款业务申请", "融资担保业务许可申请")

	resp, body := c.Submit("/platform/applications", url.Values{"type_code": {"guarantee"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, body)
	}
	_, body = c.Get(resp.Header.Get("Location"))
	webtest.Contains(t, body, "融资担保业务经营许可申请书", "2 份 · PDF", "未上传")
	if strings.Contains(body, "整改自评") || strings.Contains(body, "受理期") {
		t.Fatal("a type without self-assessment or window shows them")
	}

	// the micro-loan application of seeds/000 三
	resp, _ = c.Submit("/platform/applications", url.Values{"type_code": {"internet_microloan"}})
	_, body = c.Get(resp.Header.Get("Location"))
	webtest.Contains(t, body, "开展互联网小额贷款业务的申请书", "可行性报告", "第三方测试报告和安全评估报告", "其他资料", "选交")

	// one open application per type
	resp, body = c.Submit("/platform/applications", url.Values{"type_code": {"guarantee"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "已有一件进行中的申请") {
		t.Fatalf("second open application: %d", resp.StatusCode)
	}
	resp, _ = c.Submit("/platform/applications", url.Values{"type_code": {"no_such_type"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown type: %d", resp.StatusCode)
	}
}
