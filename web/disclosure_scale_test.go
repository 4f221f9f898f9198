package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/urls"
	"portal/web/webtest"
)

// disclosurePages are the officers' disclosure lists (issue 11 §3) with each filter, a
// deep page, and the indicator pages of one institution (inst, the demo's filed one, the
// same at every size).
func disclosurePages(inst int64) []scalePage {
	return []scalePage{
		{"province1", urls.DisclosureMonitor, false},
		{"province1", urls.DisclosureMonitor + "?status=overdue", false},
		{"province1", urls.DisclosureMonitor + "?status=late", false},
		{"province1", urls.DisclosureMonitor + "?missing=1", false},
		{"province1", urls.DisclosureMonitor + "?events=1", false},
		{"province1", urls.DisclosureMonitor + "?breached=1", false},
		{"province1", urls.DisclosureMonitor + "?q=" + url.QueryEscape("规模测试"), false},
		{"province1", urls.DisclosureMonitor + "?page=3", false},
		{"district1", urls.DisclosureMonitor, false},
		{"province1", urls.DisclosureEvents + "?open=1", false},
		{"province1", urls.DisclosureEvents, false},
		{"province1", urls.DisclosureMismatch, false},
		{"province1", urls.DisclosureCaps, false},
		{"province1", urls.DisclosureScores, false},
		{"province1", urls.InstitutionDisclosure(inst), false},
		{"province1", urls.InstitutionIndicators(inst, "2026-10"), false},
		{"province1", urls.InstitutionScore(inst), false},
	}
}

// demoFiledInstitution is the demo's first filed institution in province1's province.
func demoFiledInstitution(tb testing.TB, env *webtest.Env) int64 {
	tb.Helper()
	db, err := env.Store.SQLDB()
	if err != nil {
		tb.Fatal(err)
	}
	var id int64
	if err := db.QueryRowContext(context.Background(), `SELECT min(f.institution_id) FROM filings f
		JOIN applications a ON a.id = f.application_id AND a.state = 'filed'`).Scan(&id); err != nil || id == 0 {
		tb.Fatalf("no filed institution in the demo: %v", err)
	}
	return id
}

// TestDisclosureListsRunAsManyStatementsAtAnySize reads every officer disclosure list
// (each filter, a deep page) and the institution's disclosure, indicator and score pages
// on the demo data and again after 400 more institutions whose filed ones have two years
// of reports, events, loan books and documents (loadScaleDisclosure): each page runs the
// same number of statements at both sizes, none per row.
func TestDisclosureListsRunAsManyStatementsAtAnySize(t *testing.T) {
	env := webtest.New(t)
	pages := disclosurePages(demoFiledInstitution(t, env))
	cs := scaleClients(t, env, pages...)
	sc := newStmtCounter(t, env, "test:disclosure-count")
	small := pageStatements(t, env, cs, sc, pages...)
	loadScale(t, env, 400)
	large := pageStatements(t, env, cs, sc, pages...)
	for _, p := range pages {
		k := p.user + " " + p.path
		if small[k] != large[k] || small[k] == 0 {
			t.Errorf("%s: %d statements on the demo data, %d with 400 more institutions", k, small[k], large[k])
		}
	}
	// the ranking still ranks: every row has its city, and the loaded documents (half of the
	// loaded institutions) part the scores
	_, body := cs["province1"].Get(urls.DisclosureScores)
	totals := map[string]bool{}
	rows := doc(t, body).Find("[data-testid=ranking] tbody tr")
	rows.Each(func(_ int, r *goquery.Selection) {
		if strings.TrimSpace(r.Find("td").Eq(0).Text()) == "" {
			t.Errorf("ranking row without its city: %s", r.Text())
		}
		totals[strings.TrimSpace(r.Find("td").Eq(4).Text())] = true
	})
	if rows.Length() < 20 || len(totals) < 2 {
		t.Errorf("ranking has %d rows with %d distinct scores", rows.Length(), len(totals))
	}
	// the export streams every filed institution of the province, the overdue ones first
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var filed int
	if err := db.QueryRow(`SELECT count(DISTINCT f.institution_id) FROM filings f JOIN applications a ON a.id = f.application_id
		AND a.state = 'filed' JOIN institutions i ON i.id = f.institution_id
		WHERE i.province_id = (SELECT division_id FROM users WHERE username = 'province1')`).Scan(&filed); err != nil {
		t.Fatal(err)
	}
	x := readXLSX(t, cs["province1"], urls.DisclosureMonitorXLSX)
	if len(x) < 2 || len(x)-1 != filed || x[1][6] != "逾期未报" {
		t.Errorf("the export has %d rows for %d filed institutions; first row %v", len(x)-1, filed, x[1:min(2, len(x))])
	}
	// the event and cap exports stream every row their lists select
	var open, capRows int
	if err := db.QueryRow(`SELECT
		(SELECT count(*) FROM disclosure_events e JOIN institutions i ON i.id = e.institution_id
		  WHERE e.closed_at IS NULL AND i.province_id = (SELECT division_id FROM users WHERE username = 'province1')),
		(SELECT count(*) FROM loanbook_cap_violations v JOIN loanbook_imports li ON li.id = v.import_id
		   JOIN institutions i ON i.id = li.institution_id
		  WHERE i.province_id = (SELECT division_id FROM users WHERE username = 'province1')
		    AND li.id = (SELECT max(x.id) FROM loanbook_imports x JOIN loanbook_figures xf ON xf.import_id = x.id
		                  WHERE x.institution_id = li.institution_id AND x.period = li.period))`).Scan(&open, &capRows); err != nil {
		t.Fatal(err)
	}
	if x := readXLSX(t, cs["province1"], urls.DisclosureEvents+".xlsx?open=1"); len(x)-1 != open || open < 10 {
		t.Errorf("the open events' export has %d rows for %d open events", len(x)-1, open)
	}
	if x := readXLSX(t, cs["province1"], urls.DisclosureCaps+".xlsx"); len(x)-1 != capRows || capRows < 10 {
		t.Errorf("the cap export has %d rows for %d violations", len(x)-1, capRows)
	}
	// the mismatch export has a row per differing item: the loader makes one book in nine
	// differ in its balance and its M90+ amount (two items), the others agree
	var differing int
	if err := db.QueryRow(`SELECT count(*) FROM loanbook_figures lf JOIN institutions i ON i.id = lf.institution_id
		JOIN LATERAL (SELECT balance FROM disclosure_reports r WHERE r.institution_id = lf.institution_id AND r.period = lf.period
		               ORDER BY r.version DESC LIMIT 1) dr ON true
		WHERE lf.balance <> dr.balance AND i.province_id = (SELECT division_id FROM users WHERE username = 'province1')`).Scan(&differing); err != nil {
		t.Fatal(err)
	}
	if x := readXLSX(t, cs["province1"], urls.DisclosureMismatch+".xlsx"); len(x)-1 != 2*differing || differing < 5 {
		t.Errorf("the mismatch export has %d rows for %d differing books", len(x)-1, differing)
	}
	// the loaded books that differ from the declared figures, and their cap violations, are listed
	for path, sel := range map[string]string{urls.DisclosureMismatch: "[data-testid=mismatch-list] tbody tr", urls.DisclosureCaps: "[data-testid=cap-list] tbody tr"} {
		_, body := cs["province1"].Get(path)
		if n := doc(t, body).Find(sel).Length(); n == 0 {
			t.Errorf("%s lists nothing after the load", path)
		}
	}
}
