package web_test

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/models/store"
	"portal/web/browsertest"
	"portal/web/webtest"
)

//go:embed browsertest/axe/axe-4.11.0.min.js
var axeSource string

// dashboardStates counts, with SQL written here rather than taken from the store, the
// non-draft applications per state label in a user's jurisdiction.
func dashboardStates(t *testing.T, env *webtest.Env, username string) map[string]int {
	t.Helper()
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	scope := map[string]string{
		"district1": "i.district_id = u.division_id",
		"city1":     "d.parent_id = u.division_id",
		"province1": "c.parent_id = u.division_id",
	}[username]
	rows, err := db.Query(`SELECT a.state, count(*) FROM applications a
		JOIN institutions i ON i.id = a.institution_id
		JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
		JOIN users u ON u.username = $1
		WHERE a.state <> 'draft' AND `+scope+` GROUP BY a.state`, username)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		out[models.State(st).Label()] = n
	}
	return out
}

// axeSerious runs axe-core in the page and returns its serious and critical findings.
func axeSerious(t *testing.T, b *browsertest.Browser) []string {
	t.Helper()
	if _, err := chromedp.Run(b.Context(), chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	raw, err := chromedp.Run(b.Context(), chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.id + ": " + v.help + " (" + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ") + ")")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	var found []string
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		t.Fatalf("axe result %q: %v", raw, err)
	}
	return found
}

// TestBrowserDashboards opens each officer's dashboard: every chart is drawn on a canvas
// from its table, the by-state table matches the database, the page fits 1366 and 390
// px, axe-core finds nothing serious, and the export carries the same figures.
func TestBrowserDashboards(t *testing.T) {
	env := webtest.New(t)
	submitViaStore(t, env, "platform1")
	p2 := actAs(t, env, "platform2")
	app2, err := env.Store.CreateApplication(context.Background(), p2, *p2.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	decide(t, env, app2.ID, [2]string{"platform2", "submit"}, [2]string{"district2", "pass"}, [2]string{"city1", "pass"}, [2]string{"city2", "confirm"})

	// one filed institution reports October 2026 today, 2026-11-23: after its due day
	// (the 5th working day of November, 2026-11-06, seeds/003 §8), so late unless the demo
	// data reported it before (the demo's months count back from the real date)
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var filedInst int64
	if err := db.QueryRow(`SELECT f.institution_id FROM filings f JOIN applications a ON a.id = f.application_id
		WHERE a.state = 'filed' ORDER BY f.id LIMIT 1`).Scan(&filedInst); err != nil {
		t.Fatalf("no filed institution in the demo data: %v", err)
	}
	october := breachingMonth()
	if sept, ok, err := env.Store.DeclaredFigures(context.Background(), filedInst, models.Period{Year: 2026, Month: 9}); err != nil {
		t.Fatal(err)
	} else if ok {
		october = sept // consistent with the month before: cumulative figures never fall
		october.Period = models.Period{Year: 2026, Month: 10}
	}
	if _, err := env.Store.SubmitMonthlyReport(context.Background(), store.Actor{Now: env.Clock.Now()},
		store.ReportInput{InstitutionID: filedInst, Figures: october, Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	// what each month's first submission says, against due days counted by hand from
	// calendar-cn.md: 2026-10 by 2026-11-06, 2026-11 by 2026-12-07
	statusOf := func(period int, dueDay string) string {
		var late sql.NullBool
		if err := db.QueryRow(`SELECT MIN(submitted_at) > ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
			FROM disclosure_reports WHERE institution_id = $1 AND period = $3`, filedInst, dueDay, period).Scan(&late); err != nil {
			t.Fatal(err)
		}
		switch {
		case !late.Valid:
			return "待报送"
		case late.Bool:
			return "逾期报送"
		}
		return "按时报送"
	}
	wantOct, wantNov := statusOf(202610, "2026-11-06"), statusOf(202611, "2026-12-07")

	b := browsertest.New(t, env.Server.URL)
	// the platform's calendar: 2026-10 reported late; 2026-11 not yet due
	var platformUser string
	var filedOn string
	if err := db.QueryRow(`SELECT u.username, to_char(f.filing_date, 'YYYY-MM') FROM users u JOIN filings f ON f.institution_id = u.institution_id
		WHERE u.institution_id = $1 AND u.role = 'platform' ORDER BY u.id LIMIT 1`, filedInst).Scan(&platformUser, &filedOn); err != nil {
		t.Fatal(err)
	}
	browserLogin(b, platformUser)
	b.Open("/platform/dashboard")
	status := map[string]string{}
	for _, r := range evalJS[[][]string](t, b, `[...document.querySelectorAll("[data-testid=calendar] tbody tr")].map(tr => [tr.children[1].innerText.trim(), tr.children[3].innerText.trim()])`) {
		status[r[0]] = r[1]
	}
	if status["2026-10"] != wantOct || status["2026-11"] != wantNov {
		t.Fatalf("calendar: 2026-10 %q, 2026-11 %q; want %q, %q (filed %s)", status["2026-10"], status["2026-11"], wantOct, wantNov, filedOn)
	}
	if filedOn > "2025-12" && status["2025-12"] == "逾期未报" {
		t.Fatalf("a month before filing (%s) is called overdue", filedOn)
	}
	checkDashboard(t, b, platformUser, "/platform/dashboard")
	browserLogout(b)

	for _, who := range []struct{ user, title string }{{"district1", "辖区概览"}, {"city1", "全市概览"}, {"province1", "全省概览"}} {
		b.Do(chromedp.EmulateViewport(1366, 900))
		browserLogin(b, who.user)
		b.Open("/dashboard")
		b.ExpectText("h1", who.title)
		checkDashboard(t, b, who.user, "/dashboard")
		// the by-state table is the database's count
		want := dashboardStates(t, env, who.user)
		if got := tableCounts(t, b, "by-state"); len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: by-state table %v; database %v", who.user, got, want)
		}
		b.Do(chromedp.EmulateViewport(1366, 900))
		b.Open("/dashboard/disclosure")
		b.ExpectText("h1", who.title+"：信息披露")
		checkDashboard(t, b, who.user, "/dashboard/disclosure")
		if who.user == "province1" {
			// the one filed institution's 2026-10 is counted as its first submission says
			if got := tableCounts(t, b, "report-status"); got[wantOct] != 1 || len(got) != 1 {
				t.Fatalf("report status %v; want one %s", got, wantOct)
			}
			onTime := "0"
			if wantOct == "按时报送" {
				onTime = "1"
			}
			row := evalJS[[]string](t, b, `[...document.querySelectorAll("[data-testid=report-counts] tbody tr")].pop().innerText.split("\t").map(s => s.trim())`)
			if len(row) != 4 || row[0] != "2026-10" || row[2] != "1" || row[3] != onTime {
				t.Fatalf("on-time trend for 2026-10: %q; want 1 reported, %s on time", row, onTime)
			}
			// the completeness ranking is the stored scores' (00122): each city's best three
			// of 2026-10, with their ranks in the city, as the test's own SQL reads them
			want := dbRows(t, db, `SELECT c.name || ' 第' || (1 + (SELECT count(*) FROM disclosure_scores x WHERE x.period = s.period
				    AND x.city_id = s.city_id AND x.total > s.total)) || '名 ' || i.name, to_char(s.total / 100.0, 'FM990.00')
				  FROM (SELECT *, row_number() OVER (PARTITION BY city_id ORDER BY total DESC, institution_id) AS n
				          FROM disclosure_scores WHERE period = 202610
				           AND province_id = (SELECT division_id FROM users WHERE username = 'province1')) s
				  JOIN institutions i ON i.id = s.institution_id JOIN divisions c ON c.id = s.city_id
				 WHERE s.n <= 3 ORDER BY s.city_id, s.total DESC, s.institution_id`)
			got := evalJS[[][]string](t, b, `[...document.querySelectorAll("[data-testid=score-top] tbody tr")].map(tr => [tr.querySelector("th").innerText.trim(), tr.querySelector("td").innerText.trim()])`)
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("score ranking table %v; database %v", got, want)
			}
		}
		browserLogout(b)

		// the export holds the same by-state figures
		c := env.Client(t)
		c.Login(who.user, webtest.DemoPassword)
		exported := map[string]int{}
		for _, r := range readXLSX(t, c, "/dashboard.xlsx") {
			if len(r) >= 4 && r[0] == "各环节申请数" {
				n, _ := strconv.Atoi(r[3])
				exported[r[1]] = n
			}
		}
		if fmt.Sprint(exported) != fmt.Sprint(want) {
			t.Fatalf("%s: export by state %v; database %v", who.user, exported, want)
		}
		if rows := readXLSX(t, c, "/dashboard/disclosure.xlsx"); len(rows) < 10 {
			t.Fatalf("%s: disclosure export has %d rows", who.user, len(rows))
		}
	}
}

// checkDashboard requires every chart with rows to be drawn on a canvas, axe-core to
// find nothing serious or critical, and the page to fit 390 px; it saves screenshots at
// both widths.
func checkDashboard(t *testing.T, b *browsertest.Browser, user, path string) {
	t.Helper()
	var figures, drawn, canvases int
	deadline := time.Now().Add(10 * time.Second)
	for {
		figures = evalJS[int](t, b, `document.querySelectorAll("figure[data-chart]").length`) // those with rows
		drawn = evalJS[int](t, b, `document.querySelectorAll("figure[data-drawn=true]").length`)
		canvases = evalJS[int](t, b, `document.querySelectorAll("figure[data-drawn=true] .chart-canvas canvas").length`)
		if (drawn == figures && canvases >= figures) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if figures < 2 || drawn != figures || canvases < figures {
		t.Fatalf("%s %s: %d figures with data, %d drawn, %d canvases", user, path, figures, drawn, canvases)
	}
	if found := axeSerious(t, b); len(found) > 0 {
		t.Fatalf("%s %s: axe-core, serious or critical:\n%s", user, path, strings.Join(found, "\n"))
	}
	name := strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", "-") + "-" + user
	b.Screenshot(name + "-1366")
	b.Do(chromedp.EmulateViewport(390, 844))
	b.Open(path)
	time.Sleep(300 * time.Millisecond)
	if problems := evalJS[[]string](t, b, layoutProblems); len(problems) > 0 {
		t.Fatalf("%s %s at 390 px: %v", user, path, problems)
	}
	b.Screenshot(name + "-390")
}

// tableCounts reads a chart's data table: label → first value.
func tableCounts(t *testing.T, b *browsertest.Browser, id string) map[string]int {
	t.Helper()
	cells := evalJS[[][]string](t, b, `[...document.querySelectorAll("[data-testid=`+id+`] tbody tr")].map(tr => [tr.querySelector("th").innerText.trim(), tr.querySelector("td").innerText.trim()])`)
	got := map[string]int{}
	for _, c := range cells {
		n, _ := strconv.Atoi(c[1])
		got[c[0]] = n
	}
	return got
}

// evalJS evaluates a script expression in the page.
func evalJS[T any](t *testing.T, b *browsertest.Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.Context(), chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// dbRows reads a query's rows as text.
func dbRows(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = v.String
		}
		out = append(out, r)
	}
	return out
}
