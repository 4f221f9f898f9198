package web_test

import (
	"strconv"
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
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	// after the refresh: an institution filed, one renamed (first in the order), one
	// application no longer filed; the row triggers re-judge them, the stamp stays fresh
	var inst, app int64
	if err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance, operating_class, created_at, updated_at)
		VALUES ('刷新后备案的机构', '91440000JD00000001', (SELECT division_id FROM users WHERE username = 'district1'), 0, 'national', now(), now())
		RETURNING id`).Scan(&inst); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`INSERT INTO applications (institution_id, type_code, state, version, balance, submitted_at, state_since, created_at, updated_at)
		VALUES ($1, 'p2p_acceptance', 'filed', 1, 0, now(), now(), now(), now()) RETURNING id`, inst).Scan(&app); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO filings (application_id, institution_id, filing_number, filing_date, recorded_by, created_at)
			VALUES (` + strconv.FormatInt(app, 10) + `, ` + strconv.FormatInt(inst, 10) + `, 'JD-1', '2026-01-05', (SELECT id FROM users WHERE username = 'province2'), now())`,
		`UPDATE institutions SET name = '阿' || name WHERE id = (SELECT id FROM disclosure_judgement WHERE province_id IS NOT NULL ORDER BY rank DESC, name DESC LIMIT 1)`,
		`UPDATE applications SET state = 'revoked' WHERE id = (SELECT fa.id FROM applications fa JOIN disclosure_judgement j ON j.id = fa.institution_id
			WHERE fa.state = 'filed' ORDER BY j.rank, j.name LIMIT 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	var fresh bool
	if err := db.QueryRow(`SELECT generation = judged_generation FROM disclosure_judged`).Scan(&fresh); err != nil || !fresh {
		t.Fatalf("the stored judgement is no longer fresh (%v): the page would judge live", err)
	}
	stored := read()
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
