package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"portal/models"
	"portal/web/browsertest"
	"portal/web/webtest"
)

// listPages are the list pages of each role, visited signed in as that user ("" is a
// visitor).
var listPages = []struct {
	user  string
	paths []string
}{
	{"", []string{"/", "/guide", "/login", "/notices", "/register", "/verify"}},
	{"platform1", []string{"/platform", "/platform/file", "/platform/applications", "/platform/notices", "/platform/file/history", "/inbox", "/certificates", "/platform/loanbooks"}},
	{"district1", []string{"/district", "/institutions", "/certificates", "/inbox", "/disclosure/mismatches", "/disclosure/cap-violations"}},
	{"city1", []string{"/city", "/city/complaints", "/institutions", "/city/window"}},
	{"province1", []string{"/province", "/province/complaints", "/province/signoff", "/province/filing", "/certificates", "/institutions"}},
	{"admin", []string{"/admin/users", "/admin/windows", "/admin/calendar"}},
	{"secadmin", []string{"/admin/users", "/admin/users/5/security", "/admin/security", "/admin/api-keys", "/account"}},
	{"auditadmin", []string{"/admin/audit", "/admin/chain"}},
}

// layoutProblems measures the page as laid out: a document wider than the viewport, a
// table cell squeezed narrower than three characters, a navigation entry broken over
// two lines.
const layoutProblems = `(() => {
  const out = [];
  const vw = window.innerWidth, dw = document.documentElement.scrollWidth;
  if (dw > vw) out.push("document " + dw + " px wide in a " + vw + " px viewport");
  for (const td of document.querySelectorAll("main td")) {
    if (td.innerText.trim().length > 2 && td.getBoundingClientRect().width < 45)
      out.push("cell " + JSON.stringify(td.innerText.trim().slice(0, 20)) + " only " + Math.round(td.getBoundingClientRect().width) + " px wide");
  }
  for (const a of document.querySelectorAll(".mainnav a")) {
    if (a.getClientRects().length > 1 || a.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(a).lineHeight) + 40)
      out.push("nav entry " + JSON.stringify(a.innerText) + " breaks over lines");
  }
  return out.slice(0, 8);
})()`

// TestBrowserListPagesFitAPhone opens every list page at 1366, 820 (a tablet) and 390 px
// wide, saves the screenshots, and at every width requires the document to be no wider than the
// viewport, no table cell squeezed to a column of single characters and no navigation
// entry broken in two.
func TestBrowserListPagesFitAPhone(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1") // so the district queue has a row
	p2 := actAs(t, env, "platform2")
	app2, err := env.Store.CreateApplication(context.Background(), p2, *p2.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	decide(t, env, app2.ID, [2]string{"platform2", "submit"}, [2]string{"district2", "pass"}, [2]string{"city1", "pass"}, [2]string{"city2", "confirm"})
	if resp, _ := postComplaint(t, env, env.Client(t), activeNotice(t, env, app2.ID).ID, "020-87654321", "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complaint: %d", resp.StatusCode) // so the complaint lists have a row
	}
	pages := append(listPages[:0:0], listPages...)
	pages = append(pages,
		struct {
			user  string
			paths []string
		}{"platform1", []string{appURL(id, "/checklist")}},
		struct {
			user  string
			paths []string
		}{"district1", []string{appURL(id, "")}})
	b := browsertest.New(t, env.Server.URL)
	for _, role := range pages {
		if role.user != "" {
			b.Do(chromedp.EmulateViewport(1366, 900))
			browserLoginWithCode(t, b, env, role.user)
		}
		for _, path := range role.paths {
			for _, w := range []int64{1366, 820, 390} {
				b.Do(chromedp.EmulateViewport(w, 844))
				b.Open(path)
				name := fmt.Sprintf("%s%s-%d", role.user, strings.ReplaceAll(path, "/", "_"), w)
				b.Screenshot(name)
				problems, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]string](layoutProblems))
				if err != nil {
					t.Fatalf("measuring %s: %v", path, err)
				}
				for _, p := range problems {
					t.Errorf("%s as %q at %d px: %s", path, role.user, w, p)
				}
			}
		}
		if role.user != "" {
			b.Do(chromedp.EmulateViewport(1366, 900))
			b.Open("/inbox")
			browserLogout(b)
		}
	}
}
