package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/web/webtest"
)

// scalePage is one officer list or cache-miss public page the scale checks read.
type scalePage struct {
	user string // "" for an anonymous visitor
	path string
	miss bool // a public page read past its cache (a query parameter it ignores, new each time)
}

var scalePages = []scalePage{
	{"district1", "/district", false},
	{"district1", "/district?last=1", false},
	{"district1", "/district?state=correction", false},
	{"district1", "/district?overdue=1", false},
	{"district1", "/district?alast=1", false},
	{"city1", "/city", false},
	{"city1", "/city?last=1", false},
	{"city1", "/city?state=city_review", false},
	{"province1", "/province", false},
	{"province1", "/province?last=1", false},
	{"province1", "/institutions", false},
	{"province1", "/institutions?last=1", false},
	{"district1", "/institutions", false},
	{"", "/notices", true},
	{"", "/notices?last=1", true},
	{"", "/register", true},
	{"", "/register?last=1", true},
}

var missCounter atomic.Int64

// url is the page's address for one request: a cache-miss page gets a parameter it
// ignores, new on every call, so the public cache never answers it.
func (p scalePage) url() string {
	if !p.miss {
		return p.path
	}
	sep := "?"
	for _, c := range p.path {
		if c == '?' {
			sep = "&"
		}
	}
	return fmt.Sprintf("%s%snc=%d", p.path, sep, missCounter.Add(1))
}

// scaleClients signs in each officer of the pages (scalePages when none) once.
func scaleClients(tb testing.TB, env *webtest.Env, pages ...scalePage) map[string]*webtest.Client {
	if pages == nil {
		pages = scalePages
	}
	cs := map[string]*webtest.Client{"": env.Client(tb)}
	for _, p := range pages {
		if _, ok := cs[p.user]; !ok {
			c := env.Client(tb)
			c.Login(p.user, webtest.DemoPassword)
			cs[p.user] = c
		}
	}
	return cs
}

// pageStatements counts the store's statements of one request of each page (scalePages
// when none; after a first request, so caches filled once, such as the calendar, do not
// count).
func pageStatements(tb testing.TB, env *webtest.Env, cs map[string]*webtest.Client, sc *stmtCounter, pages ...scalePage) map[string]int {
	if pages == nil {
		pages = scalePages
	}
	out := map[string]int{}
	for _, p := range pages {
		c := cs[p.user]
		if resp, body := c.Get(p.url()); resp.StatusCode != http.StatusOK {
			tb.Fatalf("%s as %q: %d\n%s", p.path, p.user, resp.StatusCode, textOf(body))
		}
		out[p.user+" "+p.path] = sc.during(func() {
			if resp, _ := c.Get(p.url()); resp.StatusCode != http.StatusOK {
				tb.Fatalf("%s: %d", p.path, resp.StatusCode)
			}
		})
	}
	return out
}

// stmtCounter counts the store's statements between resets (testing.TB, so the
// benchmark uses it too).
type stmtCounter struct {
	mu sync.Mutex
	n  int
}

func newStmtCounter(tb testing.TB, env *webtest.Env, name string) *stmtCounter {
	sc := &stmtCounter{}
	err := env.Store.OnStatement(name, func(sql string) {
		if strings.Contains(sql, "public_version") {
			return // the public cache's version check runs on a timer, not per page
		}
		sc.mu.Lock()
		sc.n++
		sc.mu.Unlock()
	})
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}

func (sc *stmtCounter) during(f func()) int {
	sc.mu.Lock()
	sc.n = 0
	sc.mu.Unlock()
	f()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.n
}

// TestOfficerPagesRunAsManyStatementsAtAnySize reads every officer list (each queue with
// its list below, deep pages by cursor, the institutions) and the cache-miss public lists
// on the demo data and again after 400 more institutions with their applications,
// decisions, notices, certificates and filings: each page runs the same number of
// statements at both sizes, none per row.
func TestOfficerPagesRunAsManyStatementsAtAnySize(t *testing.T) {
	env := webtest.New(t)
	cs := scaleClients(t, env)
	sc := newStmtCounter(t, env, "test:scale-count")
	small := pageStatements(t, env, cs, sc)
	loadScale(t, env, 400)
	large := pageStatements(t, env, cs, sc)
	for _, p := range scalePages {
		k := p.user + " " + p.path
		if small[k] != large[k] || small[k] == 0 {
			t.Errorf("%s: %d statements on the demo data, %d with 400 more institutions", k, small[k], large[k])
		}
	}
}

// TestListsPageByCursor follows the pager's links of the institution list from the first
// page to the end and back, and refuses a forged cursor with a 422 page, never a 500.
func TestListsPageByCursor(t *testing.T) {
	env := webtest.New(t)
	loadScale(t, env, 400)
	c := env.Client(t)
	c.Login("district1", webtest.DemoPassword)
	seen := map[string]bool{}
	path, pages := "/institutions", 0
	for path != "" {
		resp, body := c.Get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		d := doc(t, body)
		d.Find("table.list tbody tr").Each(func(_ int, s *goquery.Selection) {
			name := strings.TrimSpace(s.Find("td").First().Text())
			if seen[name] {
				t.Errorf("%s shown twice (page %d, %s)", name, pages+1, path)
			}
			seen[name] = true
		})
		pages++
		next, _ := d.Find("[data-testid=pager-next]").Attr("href")
		if next != "" {
			next = "/institutions" + next
		}
		path = next
		if pages > 20 {
			t.Fatal("the pager never ends")
		}
	}
	var total int
	db, _ := env.Store.SQLDB()
	_ = db.QueryRow("SELECT count(*) FROM institutions WHERE district_id = (SELECT id FROM divisions WHERE code = '440106')").Scan(&total)
	if len(seen) != total || pages < 2 {
		t.Fatalf("%d institutions over %d pages, the district has %d", len(seen), pages, total)
	}
	for _, q := range []string{"/institutions?after=x", "/district?aafter=%E4%B8%AD", "/district?before=" + strings.Repeat("A", 3000),
		"/institutions?before=WyJhIl0"} {
		if resp, _ := c.Get(q); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, resp.StatusCode)
		}
	}
	if resp, _ := env.Client(t).Get("/notices?after=x"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("/notices with a forged cursor: %d", resp.StatusCode)
	}
}
