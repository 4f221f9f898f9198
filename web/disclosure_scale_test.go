package web_test

import (
	"context"
	"net/url"
	"testing"

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
}
