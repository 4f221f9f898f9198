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
