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
