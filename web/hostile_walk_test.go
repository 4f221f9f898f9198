package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// hostileValues are the malformed and out-of-range values every field and path parameter
// gets (issue 8 §2.6); oversized values follow in a separate pass.
var hostileValues = map[string]string{
	"negative":   "-1",
	"zero":       "0",
	"huge":       "99999999999999999999999999",
	"int64-min":  "-9223372036854775808",
	"int64-max":  "9223372036854775807",
	"float":      "1e309",
	"nan":        "NaN",
	"non-utf8":   "\xff\xfe\xfd",
	"nul":        "a\x00b",
	"bad-date":   "2026-13-45",
	"zero-date":  "0000-00-00",
	"far-date":   "99999-12-31",
	"neg-year":   "-2026-01-01",
	"sql":        "' OR 1=1 --",
	"markup":     "<script>alert(1)</script>",
	"chinese":    "广州天河示例网络借贷信息中介服务有限公司",
	"money-odd":  "1,2,3.4.5元",
	"whitespace": " \t\r\n ",
}

const (
	oversizedBody  = 1 << 20   // per form field
	oversizedQuery = 200 << 10 // per query field: the request line must stay under the 1 MB header limit
	fieldsPerBody  = 8         // 8 MB form bodies, under the 10 MB a form parser reads
	fieldsPerQuery = 4
	// large values pass the request bounds and reach the handlers and the store
	largeForm  = 40_000
	largeQuery = 1_900
)

// sourceFieldNames are the request field names the handlers read, taken from their
// source: the inputs to fuzz, not expectations.
func sourceFieldNames(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?:QueryParam|FormValue|FormFile|Get)\("([a-z_]+)"\)|(?:Value|form|posted)\["([a-z_]+)"\]`)
	seen := map[string]bool{"page": true, "year": true, "q": true}
	for _, dir := range []string{"../handlers", "../models"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				seen[m[1]+m[2]] = true
			}
		}
	}
	delete(seen, "")
	delete(seen, "_csrf")
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// incompressible is n pseudo-random CJK characters (3 bytes each): PostgreSQL compresses a
// repeated character to almost nothing, which would hide an index row that is too large.
func incompressible(n int) string {
	var b strings.Builder
	b.Grow(3 * n)
	x := uint32(2463534242)
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteRune(rune(0x4e00 + x%0x5000))
	}
	return b.String()
}

// walker is one identity of the walk.
type walker struct {
	name   string
	role   models.Role
	client *webtest.Client
	user   string
	env    *webtest.Env
}

// relogin signs in again (after the walk signed out); it runs in the walker's goroutine,
// so it reports with Errorf rather than stopping the test.
func (w *walker) relogin(t *testing.T) {
	if w.user == "" {
		return
	}
	resp, _ := w.client.Submit("/login", url.Values{"username": {w.user}, "password": {webtest.DemoPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("%s cannot sign in again: %d", w.user, resp.StatusCode)
		return
	}
	if strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
		code := w.env.TOTPCode(t, w.user)
		if resp, _ := w.client.Submit("/login/totp", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: one-time code refused: %d", w.user, resp.StatusCode)
		}
	}
}

// TestHostileInputNeverGives5xx walks every route of the route table, anonymously and as
// a user of each role, with CSRF tokens, sending malformed, out-of-range and oversized
// values in path parameters, query strings and form fields. No answer may be a 5xx
// (issue 8 §2.6).
func TestHostileInputNeverGives5xx(t *testing.T) {
	env := webtest.New(t)
	fields := sourceFieldNames(t)
	// A throwaway account for the admin's per-user actions, so disabling or resetting it
	// with a real id changes no account the walk signs in with.
	admin, err := env.Store.UserByUsername(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := models.HashPassword(webtest.DemoPassword)
	spare, err := env.Store.CreateUser(t.Context(), store.Actor{User: admin, Now: env.Clock.Now()},
		store.NewUser{Username: "walker", DisplayName: "walker", PasswordHash: hash, Role: models.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}

	walkers := []*walker{{name: "visitor", client: env.Client(t)}}
	for _, r := range models.AllRoles {
		w := &walker{name: string(r), role: r, user: roleUsers[r], client: env.Client(t), env: env}
		w.relogin(t)
		walkers = append(walkers, w)
	}
	routes := env.Web.Echo.Routes()
	sort.SliceStable(routes, func(i, j int) bool { // sign-out last
		return routes[i].Path != "/logout" && routes[j].Path == "/logout"
	})

	// Field names from the rendered forms of each page (the institution file's row
	// fields, for instance), added to those of the source.
	formFields := map[string]bool{}
	for _, w := range walkers {
		for _, r := range routes {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/static") {
				continue
			}
			resp, body := w.client.Get(concrete(r.Path))
			if resp.StatusCode >= 500 {
				t.Errorf("GET %s as %s: %d", r.Path, w.name, resp.StatusCode)
			}
			if doc, err := goquery.NewDocumentFromReader(strings.NewReader(body)); err == nil {
				doc.Find("form [name]").Each(func(_ int, s *goquery.Selection) {
					if n, _ := s.Attr("name"); n != "" && n != "_csrf" && len(n) < 80 {
						formFields[n] = true
					}
				})
			}
		}
	}
	for n := range formFields {
		if !slices.Contains(fields, n) {
			fields = append(fields, n)
		}
	}
	sort.Strings(fields)
	queryNames := []string{"q", "page", "year", "status", "state", "district", "role", "serial", "next", "overdue", "aq", "apage", "astate", "type"}

	var requests atomic.Int64
	var mu sync.Mutex
	failures := map[string]bool{}
	send := func(w *walker, method, route, path string, query, form url.Values, class string) {
		requests.Add(1)
		u := path
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		var resp *http.Response
		if method == http.MethodGet {
			resp, _ = w.client.Get(u)
		} else {
			resp, _ = w.client.Submit(u, form)
		}
		if resp.StatusCode >= 500 {
			key := fmt.Sprintf("%s %s as %s with %s", method, route, w.name, class)
			mu.Lock()
			if !failures[key] {
				failures[key] = true
				t.Errorf("%s: status %d", key, resp.StatusCode)
			}
			mu.Unlock()
		}
		if loc := resp.Header.Get("Location"); w.user != "" && (route == "/logout" || strings.HasPrefix(loc, "/login")) {
			w.relogin(t)
		}
	}
	fill := func(route, v string) string {
		parts := strings.Split(route, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") || p == "*" {
				parts[i] = url.PathEscape(v)
			}
		}
		return strings.Join(parts, "/")
	}
	realID := func(route string) string {
		if strings.HasPrefix(route, "/admin/users/:id") {
			return strings.Replace(route, ":id", strconv.FormatInt(spare.ID, 10), 1)
		}
		return concrete(route)
	}
	valuesOf := func(names []string, v string) url.Values {
		q := url.Values{}
		for _, n := range names {
			q.Set(n, v)
		}
		return q
	}
	big := incompressible(oversizedBody/3 + 1)

	walk := func(w *walker) {
		for ri, r := range routes {
			get := r.Method == http.MethodGet
			public, roles, _ := env.Web.Access(r.Method, r.Path)
			allowed := public || (w.role != "" && (len(roles) == 0 || slices.Contains(roles, w.role)))
			hasParams := strings.Contains(r.Path, ":") || strings.Contains(r.Path, "*")
			names := fields
			if get {
				names = queryNames
			}
			fieldsWith := func(v string) (url.Values, url.Values) {
				if get {
					return valuesOf(names, v), nil
				}
				return nil, valuesOf(names, v)
			}
			for class, v := range hostileValues {
				if !allowed && class != "negative" {
					continue // the guard answers before any handler: one probe is enough
				}
				q, f := fieldsWith(v)
				if hasParams {
					send(w, r.Method, r.Path, fill(r.Path, v), q, f, "path+fields "+class)
				}
				send(w, r.Method, r.Path, realID(r.Path), q, f, "fields "+class) // a real id reaches deeper code
			}
			if !allowed {
				continue
			}
			// Large values pass the request bounds and reach handlers and the store.
			large := largeForm
			if get {
				large = largeQuery
			}
			q, f := fieldsWith(big[:large/3*3])
			send(w, r.Method, r.Path, realID(r.Path), q, f, "large fields")
			// Oversized: 1 MB per form field (200 KB per query field), a rotating chunk of
			// fields per route, so every field gets its turn across the walk.
			if hasParams {
				send(w, r.Method, r.Path, fill(r.Path, big[:oversizedQuery/3*3]), nil, nil, "oversized path")
			}
			per, size := fieldsPerBody, oversizedBody
			if get {
				per, size = fieldsPerQuery, oversizedQuery
			}
			start := (ri * per) % len(names)
			chunk := make([]string, 0, per)
			for i := 0; i < per && i < len(names); i++ {
				chunk = append(chunk, names[(start+i)%len(names)])
			}
			q, f = nil, nil
			if get {
				q = valuesOf(chunk, big[:size/3*3])
			} else {
				f = valuesOf(chunk, big[:size/3*3])
			}
			send(w, r.Method, r.Path, realID(r.Path), q, f, "oversized "+strings.Join(chunk, ","))
		}
	}
	var wg sync.WaitGroup
	for _, w := range walkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			walk(w)
		}()
	}
	wg.Wait()
	t.Logf("long values stored: %v", longestStored(t, env, 2000))
	t.Logf("%d routes, %d field names, %d identities, %d hostile requests, %d distinct 5xx",
		len(routes), len(fields), len(walkers), requests.Load(), len(failures))
}

// longestStored lists the text columns holding a value of at least n characters.
func longestStored(t *testing.T, env *webtest.Env, n int) []string {
	t.Helper()
	db, _ := env.Store.SQLDB()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, col string
		if err := rows.Scan(&tb, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tb, col})
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		var m int
		if err := db.QueryRow(fmt.Sprintf(`SELECT coalesce(max(length(%q)), 0) FROM %q`, c[1], c[0])).Scan(&m); err != nil {
			t.Fatal(err)
		}
		if m >= n {
			out = append(out, fmt.Sprintf("%s.%s (%d)", c[0], c[1], m))
		}
	}
	return out
}
