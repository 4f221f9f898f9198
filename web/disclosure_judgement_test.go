package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/urls"
	"portal/web/webtest"
)

// TestDisclosureMonitorStoredJudgementEqualsLive: /disclosure read from the stored
// judgement (migration 00102, refreshed by the loader as the job would) shows the same
// rows, in the same order, with the same total, for every filter and a later page, as
// the list judged live once the judgement is outdated (a bump, as a filing makes); the
// page says when the judgement was refreshed (判定更新于).
func TestDisclosureMonitorStoredJudgementEqualsLive(t *testing.T) {
	env := webtest.New(t)
	loadScale(t, env, 300)
	queries := []string{"", "?status=overdue", "?status=late", "?status=on_time", "?status=pending", "?missing=1", "?events=1",
		"?breached=1", "?q=规模测试", "?page=2", "?missing=1&page=3"}
	users := []string{"province1", "city1", "district1"}
	type shown struct{ rows, pager string }
	read := func() map[string]shown {
		out := map[string]shown{}
		for _, name := range users {
			c := login(t, env, name)
			for _, q := range queries {
				resp, body := c.Get(urls.DisclosureMonitor + q)
				if resp.StatusCode != 200 {
					t.Fatalf("%s %s: %d", name, q, resp.StatusCode)
				}
				d := doc(t, body)
				var rows []string
				d.Find("[data-testid=monitor-row]").Each(func(_ int, r *goquery.Selection) {
					rows = append(rows, strings.Join(strings.Fields(r.Text()), " "))
				})
				if want := "判定更新于 " + models.DateTimeCN(env.Clock.Now()); strings.TrimSpace(d.Find("[data-testid=judged-at]").Text()) != want {
					t.Errorf("%s %s: judged-at %q, want %q", name, q, d.Find("[data-testid=judged-at]").Text(), want)
				}
				out[name+" "+q] = shown{strings.Join(rows, "\n"), strings.Join(strings.Fields(d.Find(".pager").Text()), " ")}
			}
		}
		return out
	}
	stored := read()
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE disclosure_judged SET generation = generation + 1`); err != nil {
		t.Fatal(err)
	}
	live := read()
	nonEmpty := 0
	for k, s := range stored {
		if s != live[k] {
			t.Errorf("%s: stored judgement shows\n%s\n%s\nlive\n%s\n%s", k, s.rows, s.pager, live[k].rows, live[k].pager)
		}
		if s.rows != "" {
			nonEmpty++
		}
	}
	if nonEmpty < len(stored)/2 {
		t.Errorf("only %d of %d pages list rows: the comparison says little", nonEmpty, len(stored))
	}
}
