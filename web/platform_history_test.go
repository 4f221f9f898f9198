package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/urls"
	"portal/web/webtest"
)

// historyRecords reads the decision records the platform's application page shows, and
// the link to the older ones.
func historyRecords(t *testing.T, body string) ([]string, string) {
	t.Helper()
	d := doc(t, body)
	var ids []string
	d.Find("[data-testid=history] [data-testid=history-row]").Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-record", ""))
	})
	older, _ := d.Find("[data-testid=history] [data-testid=cursor-older]").Attr("href")
	return ids, older
}

// TestPlatformApplicationPageStatementsStayFixed: the platform's own application page
// (the checklist with its 办理记录) sends as many statements for an application with 2
// decisions as for one with 40, reads the history in one keyset statement, and shows
// every one of them. (The page reads the institution twice, once for the checklist and
// once as the file the submission check needs, whatever the history: left as it is.)
func TestPlatformApplicationPageStatementsStayFixed(t *testing.T) {
	env := webtest.New(t)
	small := submitViaStore(t, env, "platform1")
	growApplication(t, env, small, 1) // 2 decisions
	large := submitViaStore(t, env, "platform3")
	growApplication(t, env, large, 39) // 40 decisions
	var counts [][]string
	for _, tc := range []struct {
		user string
		id   int64
		want int
	}{{"platform1", small, 2}, {"platform3", large, 40}} {
		c := signIn(t, env, tc.user)
		c.Get(urls.Checklist(tc.id)) // the session's first use
		stmts, body := requestStatements(t, env, c, urls.Checklist(tc.id))
		history := 0
		for _, q := range stmts {
			if strings.Contains(q, `FROM "decisions"`) {
				history++
				if !strings.Contains(q, "LIMIT") {
					t.Errorf("%s: the history is read without a limit: %s", tc.user, q)
				}
			}
		}
		if history != 1 {
			t.Errorf("%s: %d statements read the decisions; want 1", tc.user, history)
		}
		ids, older := historyRecords(t, body)
		if len(ids) != tc.want || older != "" {
			t.Errorf("%s: %d history rows (older link %q); want %d and none", tc.user, len(ids), older, tc.want)
		}
		t.Logf("%s, %d decisions: %d statements", tc.user, tc.want, len(stmts))
		counts = append(counts, stmts)
	}
	if len(counts[0]) != len(counts[1]) {
		t.Errorf("%d statements for 2 decisions, %d for 40:\n%s\n----\n%s", len(counts[0]), len(counts[1]),
			strings.Join(counts[0], "\n"), strings.Join(counts[1], "\n"))
	}
}

// TestPlatformApplicationHistoryPagesByKeyset: 120 decisions show 50 at a time on the
// platform's page, the latest first, older pages by the decision-id cursor, each record
// once; a hostile cursor is no 5xx.
func TestPlatformApplicationHistoryPagesByKeyset(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	growApplication(t, env, id, 119)
	c := signIn(t, env, "platform1")
	seen := map[string]bool{}
	var sizes []int
	path := urls.Checklist(id)
	for path != "" && len(sizes) < 10 {
		resp, body := c.Get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		ids, older := historyRecords(t, body)
		for _, r := range ids {
			if r == "" || seen[r] {
				t.Fatalf("record %q missing or on two pages (%s)", r, path)
			}
			seen[r] = true
		}
		sizes = append(sizes, len(ids))
		if len(sizes) > 1 && !strings.Contains(body, `data-testid="cursor-newer"`) {
			t.Errorf("%s: no link back to the latest records", path)
		}
		path = older
	}
	if len(sizes) != 3 || sizes[0] != 50 || sizes[1] != 50 || sizes[2] != 20 || len(seen) != 120 {
		t.Fatalf("pages of %v rows, %d records; want 50, 50, 20 and 120", sizes, len(seen))
	}
	for _, bad := range []string{"abc", "-5", "99999999999999999999", "0", "1%00"} {
		if resp, _ := c.Get(urls.Checklist(id) + "?before=" + bad); resp.StatusCode >= 500 {
			t.Errorf("before=%s: %d", bad, resp.StatusCode)
		}
	}
}
