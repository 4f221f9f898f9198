package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

var roleUsers = map[models.Role]string{
	models.RolePlatform: "platform1", models.RoleDistrict: "district1", models.RoleCity: "city1",
	models.RoleProvince: "province1", models.RoleAdmin: "admin",
}

// TestAuthorizationMatrix sends every registered route as every role and as a visitor.
// A route without a declared rule fails; a declared rule must hold in both directions.
func TestAuthorizationMatrix(t *testing.T) {
	env := webtest.New(t)
	routes := env.Web.Echo.Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, r := range routes {
		public, allowed, ok := env.Web.Access(r.Method, r.Path)
		if !ok {
			t.Errorf("%s %s declares no access rule", r.Method, r.Path)
			continue
		}
		path := concrete(r.Path)
		for _, role := range append([]models.Role{""}, models.AllRoles...) {
			c := env.Client(t)
			if role != "" {
				c.Login(roleUsers[role], webtest.DemoPassword)
			}
			var resp *http.Response
			if r.Method == http.MethodGet {
				resp, _ = c.Get(path)
			} else {
				resp, _ = c.Submit(path, url.Values{})
			}
			toLogin := resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
			may := public || (role != "" && (len(allowed) == 0 || slices.Contains(allowed, role)))
			switch {
			case may && (resp.StatusCode == http.StatusForbidden || toLogin && !public && r.Path != "/logout"):
				t.Errorf("%s %s as %q: %d %s; the rule allows it", r.Method, r.Path, role, resp.StatusCode, resp.Header.Get("Location"))
			case !may && role == "" && !toLogin:
				t.Errorf("%s %s as a visitor: %d; want redirect to login", r.Method, r.Path, resp.StatusCode)
			case !may && role != "" && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d; want 403", r.Method, r.Path, role, resp.StatusCode)
			}
		}
	}
}

// concrete fills path parameters with values that exist in the demo data.
func concrete(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = "1"
		case p == "*":
			parts[i] = "css/app.css"
		}
	}
	return strings.Join(parts, "/")
}

// caseFile reports whether a route serves a case file: an application and everything
// under it, uploaded files, certificates and the institution file (一户一档).
func caseFile(path string) bool {
	for _, p := range []string{"/applications/", "/files/", "/certificates", "/city/complaints/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return strings.HasPrefix(path, "/institutions/:id/file")
}

// TestAdminNeverSeesCaseFiles: an admin manages accounts and reference data, not cases
// (issue 8 §2.10). Every case-file route declares the roles it serves, admin is not among
// them, and the guard refuses the admin with 403 even for an id that exists.
func TestAdminNeverSeesCaseFiles(t *testing.T) {
	env := webtest.New(t)
	adm := env.Client(t)
	adm.Login("admin", webtest.DemoPassword)
	n := 0
	for _, r := range env.Web.Echo.Routes() {
		if !caseFile(r.Path) {
			continue
		}
		n++
		public, roles, _ := env.Web.Access(r.Method, r.Path)
		if public || len(roles) == 0 || slices.Contains(roles, models.RoleAdmin) {
			t.Errorf("%s %s: rule public=%v roles=%v lets the admin in", r.Method, r.Path, public, roles)
		}
		var resp *http.Response
		if r.Method == http.MethodGet {
			resp, _ = adm.Get(concrete(r.Path))
		} else {
			resp, _ = adm.Submit(concrete(r.Path), url.Values{})
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as admin: %d; want 403", r.Method, r.Path, resp.StatusCode)
		}
	}
	if n < 10 {
		t.Fatalf("only %d case-file routes found", n)
	}
}
