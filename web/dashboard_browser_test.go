package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/models"
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

	b := browsertest.New(t, env.Server.URL)
	for _, who := range []struct{ user, title string }{{"district1", "辖区概览"}, {"city1", "全市概览"}, {"province1", "全省概览"}} {
		func() {
			b.Do(chromedp.EmulateViewport(1366, 900))
			browserLogin(b, who.user)
			b.Open("/dashboard")
			b.ExpectText("h1", who.title)
			// every chart with rows is drawn, on a canvas
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
			if figures < 5 || drawn != figures || canvases < figures {
				t.Fatalf("%s: %d figures with data, %d drawn, %d canvases", who.user, figures, drawn, canvases)
			}
			// the by-state table is the database's count
			cells := evalJS[[][]string](t, b, `[...document.querySelectorAll("[data-testid=by-state] tbody tr")].map(tr => [tr.querySelector("th").innerText.trim(), tr.querySelector("td").innerText.trim()])`)
			got := map[string]int{}
			for _, c := range cells {
				n, _ := strconv.Atoi(c[1])
				got[c[0]] = n
			}
			want := dashboardStates(t, env, who.user)
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: by-state table %v; database %v", who.user, got, want)
			}
			if found := axeSerious(t, b); len(found) > 0 {
				t.Fatalf("%s: axe-core, serious or critical:\n%s", who.user, strings.Join(found, "\n"))
			}
			b.Screenshot("dashboard-" + who.user + "-1366")
			b.Do(chromedp.EmulateViewport(390, 844))
			b.Open("/dashboard")
			time.Sleep(300 * time.Millisecond)
			problems := evalJS[[]string](t, b, layoutProblems)
			if len(problems) > 0 {
				t.Fatalf("%s at 390 px: %v", who.user, problems)
			}
			b.Screenshot("dashboard-" + who.user + "-390")
			b.Click(".who button[type=submit]")

			// the export holds the same by-state figures
			c := env.Client(t)
			if resp := c.Login(who.user, webtest.DemoPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", resp.StatusCode)
			}
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
		}()
	}
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
