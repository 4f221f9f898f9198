package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/web/webtest"
)

func TestReviewPagesUseAFixedNumberOfQueries(t *testing.T) {
	env := webtest.New(t)
	db, _ := env.Store.SQLDB()
	addApps := func(n int, from int) {
		for i := from; i < from+n; i++ {
			var instID int64
			err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance)
				VALUES ($1, $2, (SELECT district_id FROM institutions WHERE uscc = '91440106MA59A1B2CE'), $3) RETURNING id`,
				fmt.Sprintf("队列测试机构%02d", i), models.MakeUSCC(fmt.Sprintf("9144010600000%04d", i)), int64(i)*100).Scan(&instID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(`INSERT INTO applications (institution_id, state, version, state_since, created_at, updated_at, due_date, due_kind, due_label)
				VALUES ($1, $2, 1, now(), now(), now(), $3, 'working', '补正截止')`, instID,
				[]string{"district_review", "correction", "city_review", "city_confirm", "joint_review", "signoff"}[i%6], "2026-11-30")
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	sc := countStatements(t, env)
	pages := map[string]string{"district1": "/district", "city1": "/city", "province1": "/province"}
	counts := map[string]int{}
	clients := map[string]*webtest.Client{}
	for user, path := range pages {
		clients[user] = signIn(t, env, user)
		clients[user].Get(path) // warm the session
	}
	addApps(2, 0)
	for user, path := range pages {
		counts[user] = sc.during(func() {
			if resp, _ := clients[user].Get(path); resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
		})
	}
	addApps(60, 2)
	for user, path := range pages {
		var body string
		n := sc.during(func() { _, body = clients[user].Get(path) })
		if n != counts[user] {
			t.Errorf("%s: %d statements with a few rows, %d with many; want the same", path, counts[user], n)
		}
		if !strings.Contains(body, "队列测试机构") {
			t.Errorf("%s lists none of the added applications", path)
		}
		t.Logf("%s: %d statements per page", path, n)
	}

	// the application page does not grow with its history (nor with the files and
	// changes of a round) either
	id := submitViaStore(t, env, "platform1")
	d1 := clients["district1"]
	onsiteCheck(t, env, d1, id)
	p1 := signIn(t, env, "platform1")
	measure := func() int {
		d1.Get(appURL(id, "")) // shows (and so clears) the last decision's flash
		return sc.during(func() { d1.Get(appURL(id, "")) })
	}
	var perPage []int
	for i := 0; i < 3; i++ {
		env.Clock.Advance(time.Minute)
		postDecision(t, d1, id, "/district/return", url.Values{"return_opinion": {"补正"}, "return_days": {"5"}}, http.StatusSeeOther)
		env.Clock.Advance(time.Minute)
		uploadMaterial(t, env, p1, id, "custody_agreement", fmt.Sprintf("存管协议-第%d版.pdf", i+2))
		resubmit(t, p1, id)
		perPage = append(perPage, measure())
	}
	if perPage[0] != perPage[2] {
		t.Errorf("application page: %d statements after the first resubmission, %d after the third", perPage[0], perPage[2])
	}
	t.Logf("application page: %v statements", perPage)
}

func TestDoubleSubmittedDecisionMakesOne(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	v := pageVersion(t, d1, id)
	acceptMaterials(t, env, "district1", id)
	form := url.Values{"pass_opinion": {"合格"}, "version": {v}}
	postDecision(t, d1, id, "/district/pass", form, http.StatusSeeOther)
	body := postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}, "version": {v}}, http.StatusConflict)
	webtest.Contains(t, body, "该申请已被他人处理或页面已过期", "市级初验")
	all, _ := env.Store.History(context.Background(), id)
	var hist, reviews []models.Decision
	for _, h := range all {
		if h.Event == models.EventMaterialReview {
			reviews = append(reviews, h)
		} else {
			hist = append(hist, h)
		}
	}
	if len(hist) != 3 || hist[1].Event != models.EventClaim || hist[2].Event != models.EventPass || len(reviews) == 0 {
		t.Fatalf("%d history rows and %d material reviews; want submit, claim, the reviews and one pass", len(hist), len(reviews))
	}
}

func TestFourEyesRefusalExplained(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
	c1, c2 := signIn(t, env, "city1"), signIn(t, env, "city2")
	postDecision(t, c1, id, "/city/pass", url.Values{"pass_opinion": {"初验合格"}}, http.StatusSeeOther)
	_, page := c1.Get(appURL(id, ""))
	webtest.Contains(t, page, "本件初验由 广州市初验员 办理", "您已办理本件初验，不能审定本件")
	body := postDecision(t, c1, id, "/city/confirm", nil, http.StatusForbidden)
	webtest.Contains(t, body, models.FourEyesMessage)
	_, page = c2.Get(appURL(id, ""))
	webtest.Contains(t, page, "本件初验由 广州市初验员 办理", "您不是初验办理人，可以审定")
	postDecision(t, c2, id, "/city/confirm", nil, http.StatusSeeOther)
	_, page = c2.Get(appURL(id, ""))
	webtest.Contains(t, page, "公示中", "公示截止")
}

func TestApplicationOutsideJurisdictionIsNotFound(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	for _, user := range []string{"district2", "platform2"} {
		c := signIn(t, env, user)
		if resp, _ := c.Get(appURL(id, "")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s sees another jurisdiction's application: %d", user, resp.StatusCode)
		}
	}
	d2 := signIn(t, env, "district2")
	if resp, _ := d2.Submit(appURL(id, "/district/claim"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("district2 claims it: %d", resp.StatusCode)
	}
	for _, user := range []string{"district1", "city1", "province1", "platform1"} {
		if resp, _ := signIn(t, env, user).Get(appURL(id, "")); resp.StatusCode != http.StatusOK {
			t.Errorf("%s cannot see its own jurisdiction's application: %d", user, resp.StatusCode)
		}
	}
}

func TestChainAdminPageNamesTheFirstBrokenRow(t *testing.T) {
	env := webtest.New(t)
	submitViaStore(t, env, "platform1")
	submitViaStore(t, env, "platform2")
	submitViaStore(t, env, "platform3")
	admin := signIn(t, env, "auditadmin")
	db, _ := env.Store.SQLDB()
	var rows, second int64
	_ = db.QueryRow("SELECT count(*), min(id) + 1 FROM decisions").Scan(&rows, &second)
	_, body := admin.Get("/admin/chain")
	webtest.Contains(t, body, "校验通过", fmt.Sprintf("共校验 %d 条决定记录，哈希链完整", rows))

	for _, q := range []string{"ALTER TABLE decisions DISABLE TRIGGER decisions_no_update",
		fmt.Sprintf("UPDATE decisions SET opinion = '篡改' WHERE id = %d", second)} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// the row is below the checkpoint the first check left: only the full check reads it
	_, body = admin.Get("/admin/chain")
	webtest.Contains(t, body, "校验通过", "日常校验：校验点", "之后新增 0 条决定记录", "只有「完整复核」才能发现")
	_, body = admin.Get("/admin/chain?full=1")
	webtest.Contains(t, body, "哈希链断裂", fmt.Sprintf("#%d", second), "内容哈希不一致（记录被篡改）", "校验点未推进")
	_, body = admin.Get("/admin/chain")
	webtest.Contains(t, body, `data-testid="chain-known-break"`, fmt.Sprintf("#%d", second), "请做完整复核")
}

func TestInboxBadgeAndOpening(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	_, body := d1.Get("/district")
	webtest.Contains(t, body, `data-testid="unread-count">1<`)
	_, body = d1.Get("/inbox")
	webtest.Contains(t, body, "提交了整改验收申请，请审核", "未读 1 条")
	var nid int64
	db, _ := env.Store.SQLDB()
	_ = db.QueryRow("SELECT id FROM notifications WHERE application_id = $1", id).Scan(&nid)
	resp, _ := d1.Submit(fmt.Sprintf("/inbox/%d/open", nid), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != appURL(id, "") {
		t.Fatalf("open: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = d1.Get("/inbox")
	webtest.Contains(t, body, "未读 0 条")
	if strings.Contains(body, `data-testid="unread-count"`) {
		t.Fatal("the badge still shows after reading")
	}
	// someone else's message is not found
	p1 := signIn(t, env, "platform1")
	if resp, _ := p1.Submit(fmt.Sprintf("/inbox/%d/open", nid), nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("opening another user's message: %d", resp.StatusCode)
	}
}
