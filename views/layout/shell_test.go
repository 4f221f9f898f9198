package layout

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"portal/models"
	"portal/views/components"
)

func TestActiveHrefPicksTheClosestEntry(t *testing.T) {
	city := Nav(models.RoleCity)
	for path, want := range map[string]string{
		"/city":              "/city",
		"/city/complaints":   "/city/complaints",
		"/city/complaints/3": "/city/complaints",
		"/city/window":       "/city",
		"/cityscape":         "",
		"/institutions/1":    "/institutions",
	} {
		if got := ActiveHref(city, path); got != want {
			t.Errorf("ActiveHref(%q) = %q; want %q", path, got, want)
		}
	}
}

// TestShellFlashesPopOnce: the frame takes the session's flashes once, however often
// the page asks, and a copy made without them never touches the session.
func TestShellFlashesPopOnce(t *testing.T) {
	calls := 0
	s := Shell{Path: "/x"}.WithFlashes(func() []Flash { calls++; return []Flash{{Kind: "success", Message: "已保存"}} })
	for range 3 {
		if got := s.Flashes(); len(got) != 1 || got[0].Message != "已保存" {
			t.Fatalf("flashes %v", got)
		}
	}
	if calls != 1 {
		t.Errorf("popped %d times; want 1", calls)
	}
	bare := s.WithFlashes(nil)
	if bare.Flashes() != nil || bare.Path != "/x" || calls != 1 {
		t.Errorf("copy without flashes: %v, path %q, pops %d", bare.Flashes(), bare.Path, calls)
	}
}

// The page frame feeds the one CSRF component: a form rendered with the request's context
// carries the shell's token, the header's sign-out form too.
func TestShellFeedsTheCSRFComponent(t *testing.T) {
	ctx := WithShell(context.Background(), &Shell{CSRF: "tok<&>1", User: &models.User{DisplayName: "甲", Role: models.RoleCity}})
	var b strings.Builder
	if err := App("标题").Render(templ.WithChildren(ctx, components.CSRF()), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	fields := doc.Find(`input[type=hidden][name=_csrf]`)
	if fields.Length() != 2 {
		t.Fatalf("%d token fields; want the sign-out form's and the page's", fields.Length())
	}
	fields.Each(func(_ int, s *goquery.Selection) {
		if v, _ := s.Attr("value"); v != "tok<&>1" {
			t.Errorf("token field value %q; want the shell's", v)
		}
	})
	if got := components.CSRFToken(context.Background()); got != "" {
		t.Errorf("a context without a shell has token %q", got)
	}
}
