package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/urls"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// rankingRows reads the ranking table of a page: city, rank, name, district, score.
func rankingRows(t *testing.T, body string) [][]string {
	t.Helper()
	var out [][]string
	doc(t, body).Find("[data-testid=ranking] tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var r []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { r = append(r, strings.TrimSpace(td.Text())) })
		out = append(out, r)
	})
	return out
}

// TestScoreRankingPage: /disclosure/scores, with 300 more institutions whose filed ones
// have two years of disclosure, lists the stored scores in ranking order page by page,
// each rank counted within its city by the test's own SQL (rank() over the city); the
// search narrows it, the district sees its own with their city ranks, a month it cannot
// rank is a message and not a 5xx, hostile input is never a 5xx, and the export holds
// every row the pages show.
func TestScoreRankingPage(t *testing.T) {
	env := webtest.New(t)
	loadScale(t, env, 300)
	cs := scaleClients(t, env, scalePage{"province1", urls.DisclosureScores, false}, scalePage{"district1", urls.DisclosureScores, false})
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	prov := cs["province1"]
	// the month now due (the clock's 2026-11-23: 2026-10), built by the first page read
	var pages [][]string
	for n := 1; n <= 20; n++ {
		resp, body := prov.Get(fmt.Sprintf("%s?page=%d", urls.DisclosureScores, n))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: %d", n, resp.StatusCode)
		}
		rows := rankingRows(t, body)
		if len(rows) == 0 {
			break
		}
		pages = append(pages, rows...)
	}
	want := dbRows(t, db, `SELECT c.name, rank() OVER (PARTITION BY s.city_id ORDER BY s.total DESC)::text, i.name, d.name,
		    to_char(s.total / 100.0, 'FM990.00')
		  FROM disclosure_scores s JOIN institutions i ON i.id = s.institution_id
		  JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
		 WHERE s.period = 202610 AND c.parent_id = (SELECT division_id FROM users WHERE username = 'province1')
		 ORDER BY s.city_id, s.total DESC, s.institution_id`)
	var filed int
	if err := db.QueryRow(`SELECT count(DISTINCT f.institution_id) FROM filings f JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
		JOIN institutions i ON i.id = f.institution_id WHERE i.province_id = (SELECT division_id FROM users WHERE username = 'province1')`).Scan(&filed); err != nil {
		t.Fatal(err)
	}
	if len(want) != filed || filed < 20 {
		t.Fatalf("stored scores of 2026-10: %d rows for %d filed institutions", len(want), filed)
	}
	if fmt.Sprint(pages) != fmt.Sprint(want) {
		t.Fatalf("the pages list\n%v\nthe stored scores in ranking order\n%v", pages, want)
	}
	scores := map[string]bool{}
	for _, r := range want {
		scores[r[4]] = true
	}
	if len(scores) < 2 {
		t.Errorf("every filed institution scores the same (%v): the ranking ranks nothing", scores)
	}

	// the export: every row, in the same order, with its categories
	x := readXLSX(t, prov, urls.DisclosureScores+".xlsx")
	if len(x)-1 != len(want) {
		t.Fatalf("export has %d rows, the ranking %d", len(x)-1, len(want))
	}
	for i, r := range want {
		if got := x[i+1]; got[0] != r[0] || got[1] != r[1] || got[2] != r[2] || got[5] != r[4] {
			t.Fatalf("export row %d: %v; ranking %v", i+1, got, r)
		}
	}

	// the search
	name := want[len(want)/2][2]
	_, body := prov.Get(urls.DisclosureScores + "?q=" + url.QueryEscape(name))
	if rows := rankingRows(t, body); len(rows) != 1 || rows[0][2] != name || rows[0][1] != want[len(want)/2][1] {
		t.Errorf("search for %s: %v", name, rows)
	}

	// the district: its own institutions, with their ranks in the city
	dwant := dbRows(t, db, `SELECT r.city, r.rank, r.name, r.district, r.score FROM (
		  SELECT c.name AS city, rank() OVER (PARTITION BY s.city_id ORDER BY s.total DESC)::text AS rank, i.name, d.name AS district,
		         to_char(s.total / 100.0, 'FM990.00') AS score, s.total, s.institution_id, s.district_id
		    FROM disclosure_scores s JOIN institutions i ON i.id = s.institution_id
		    JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id WHERE s.period = 202610) r
		 WHERE r.district_id = (SELECT division_id FROM users WHERE username = 'district1')
		 ORDER BY r.total DESC, r.institution_id LIMIT $1`, models.DefaultPageSize)
	_, body = cs["district1"].Get(urls.DisclosureScores)
	if got := rankingRows(t, body); len(dwant) == 0 || fmt.Sprint(got) != fmt.Sprint(dwant) {
		t.Errorf("district1's ranking\n%v\nstored\n%v", got, dwant)
	}

	// a month it cannot rank: told so, the month now due shown instead
	for _, p := range []string{"2014-12", "2027-01", "abc"} {
		resp, body := prov.Get(urls.DisclosureScores + "?period=" + p)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("period %s: %d", p, resp.StatusCode)
		}
		d := doc(t, body)
		if msg := d.Find(".field-error").Text(); !strings.Contains(msg, "2026-10") {
			t.Errorf("period %s: message %q", p, msg)
		}
		if v, _ := d.Find("input[name=period]").Attr("value"); v != "2026-10" {
			t.Errorf("period %s: the form shows %q", p, v)
		}
	}
	// an older month is built on its first read and ranks every filed institution
	_, body = prov.Get(urls.DisclosureScores + "?period=2025-06")
	if rows := rankingRows(t, body); len(rows) != min(filed, models.DefaultPageSize) {
		t.Errorf("2025-06: %d rows, %d filed", len(rows), filed)
	}
	for _, q := range []string{"?page=-1", "?page=99999999999", "?q=%27%22%3Cscript%3E", "?q=%25_%5C", "?period=2026-10&q=" + strings.Repeat("字", 300),
		"?period=9999-99", "?period=2026-10%00"} {
		if resp, _ := prov.Get(urls.DisclosureScores + q); resp.StatusCode >= 500 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
		if resp, _ := prov.Get(urls.DisclosureScores + ".xlsx" + q); resp.StatusCode >= 500 {
			t.Errorf("xlsx %s: %d", q, resp.StatusCode)
		}
	}
}

// TestBrowserScoreRanking opens the ranking and the province's disclosure dashboard with
// 300 more institutions: the dashboard draws each city's best as bars from its table, and
// both pages fit 1366 and 390 px with nothing serious for axe-core.
func TestBrowserScoreRanking(t *testing.T) {
	env := webtest.New(t)
	loadScale(t, env, 300)
	b := browsertest.New(t, env.Server.URL)
	browserLogin(b, "province1")
	for _, path := range []string{urls.DisclosureScores, urls.DashboardDisclosure()} {
		for _, w := range []int64{1366, 390} {
			b.Do(chromedp.EmulateViewport(w, 900))
			b.Open(path)
			time.Sleep(300 * time.Millisecond)
			if problems := evalJS[[]string](t, b, layoutProblems); len(problems) > 0 {
				t.Fatalf("%s at %d px: %v", path, w, problems)
			}
			if found := axeSerious(t, b); len(found) > 0 {
				t.Fatalf("%s at %d px: axe-core, serious or critical:\n%s", path, w, strings.Join(found, "\n"))
			}
			b.Screenshot(fmt.Sprintf("%s-%d", strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "-"), w))
		}
	}
	rows := evalJS[int](t, b, `document.querySelectorAll("[data-testid=score-top] tbody tr").length`)
	drawn := evalJS[bool](t, b, `!!document.querySelector("figure[data-chart][data-kind=hbar][data-drawn=true] canvas")`)
	if rows < 2 || !drawn {
		t.Fatalf("the dashboard's ranking: %d rows, drawn %v", rows, drawn)
	}
}
