package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

func guangzhouID(t *testing.T, env *webtest.Env) int64 {
	t.Helper()
	cities, err := env.Store.WindowCities(context.Background(), demoUser(t, env, "city1"))
	if err != nil || len(cities) != 1 {
		t.Fatalf("city1's cities: %v %v", cities, err)
	}
	return cities[0].City.ID
}

func TestSubmissionOutsideTheWindowIsRefused(t *testing.T) {
	env := webtest.New(t)
	city := guangzhouID(t, env)
	c1 := login(t, env, "city1")
	// bad dates are shown beside the fields
	resp, body := c1.Submit(fmt.Sprintf("/city/window/%d", city), url.Values{"start_date": {"2026/03/10"}, "end_date": {"2026-03-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad window: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, `data-testid="error-start_date"`, "应为 yyyy-mm-dd", `value="2026/03/10"`)
	resp, body = c1.Submit(fmt.Sprintf("/city/window/%d", city), url.Values{"start_date": {"2026-03-10"}, "end_date": {"2026-04-25"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set window: %d\n%s", resp.StatusCode, body)
	}
	_, body = c1.Get("/city/window")
	webtest.Contains(t, body, "2026-03-10", "2026-04-25", "已截止")
	if resp, _ := login(t, env, "city1").Submit(fmt.Sprintf("/city/window/%d", guangzhouID(t, env)+1), url.Values{"start_date": {"2026-03-10"}, "end_date": {"2026-04-25"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("city1 sets another city: %d", resp.StatusCode)
	}

	p3 := login(t, env, "platform3") // its demo file is complete
	id := createApplication(t, p3)
	appID, _ := strconv.ParseInt(id, 10, 64)
	readyViaStore(t, env, demoUser(t, env, "platform3"), appID)
	_, body = p3.Get("/applications/" + id + "/checklist")
	webtest.Contains(t, body, "广州市整改验收申请受理期为 2026-03-10 至 2026-04-25，已于 2026-04-25 截止", "暂不能提交")
	resp, body = p3.Submit("/platform/applications/"+id+"/submit", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submission after the window: %d", resp.StatusCode)
	}
	webtest.Contains(t, body, "2026-03-10 至 2026-04-25", "不能再提交申请")

	// reopened by the admin, the same application goes through
	admin := login(t, env, "admin")
	if resp, body := admin.Submit(fmt.Sprintf("/admin/windows/%d", city), url.Values{"start_date": {"2026-11-01"}, "end_date": {"2026-12-31"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin sets window: %d\n%s", resp.StatusCode, body)
	}
	resp, body = p3.Submit("/platform/applications/"+id+"/submit", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submission in the window: %d\n%s", resp.StatusCode, body)
	}
	_, body = p3.Get("/applications/" + id + "/checklist")
	webtest.Contains(t, body, "申请已提交至区金融工作部门", "区级审核", "提交验收申请")
}

func TestGaveUpJobRunsTwiceAndOfficersSeeIt(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	city := guangzhouID(t, env)
	a := store.Actor{User: demoUser(t, env, "city1"), Now: env.Clock.Now()}
	if err := env.Store.SetWindow(ctx, a, city, models.NewDate(2026, 10, 1), models.NewDate(2026, 11, 30)); err != nil {
		t.Fatal(err)
	}
	// platform3 submits inside the window; platform1 and platform2 do not
	p3 := login(t, env, "platform3")
	id := createApplication(t, p3)
	appID, _ := strconv.ParseInt(id, 10, 64)
	readyViaStore(t, env, demoUser(t, env, "platform3"), appID)
	if resp, body := p3.Submit("/platform/applications/"+id+"/submit", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", resp.StatusCode, body)
	}
	if err := env.Web.RunJobs(ctx); err != nil { // the window is still open: nothing happens
		t.Fatal(err)
	}
	env.Clock.Set(time.Date(2026, 12, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)))
	for i := 0; i < 2; i++ {
		if err := env.Web.RunJobs(ctx); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	var abandoned int
	db, _ := env.Store.SQLDB()
	db.QueryRow("SELECT count(*) FROM applications WHERE state = 'abandoned'").Scan(&abandoned)
	if abandoned != 2 {
		t.Fatalf("%d applications marked 视为放弃; want 2 (platform1, platform2)", abandoned)
	}
	_, body := login(t, env, "district1").Get("/district")
	webtest.Contains(t, body, `data-testid="submitted-applications"`, "广州天河示例网络借贷信息中介服务有限公司", "视为放弃",
		"广州天河大型示例网络借贷信息中介服务股份有限公司", "区级审核", "省市联合验收")
	if strings.Contains(body, "越秀") {
		t.Fatal("district1 sees 越秀区's institution")
	}
	_, body = login(t, env, "district2").Get("/district?astate=abandoned")
	webtest.Contains(t, body, "广州越秀示例互联网金融信息服务有限公司", "视为放弃")
	_, body = login(t, env, "city1").Get("/city")
	if strings.Count(body, "视为放弃") < 2 {
		t.Fatal("city1 does not see both gave-up institutions")
	}
	webtest.Contains(t, body, "本市整改验收申请受理期：2026-10-01 至 2026-11-30")
}
