package layout

import (
	"testing"

	"portal/models"
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
