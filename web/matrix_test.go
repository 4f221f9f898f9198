package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

var roleUsers = map[models.Role]string{
	models.RolePlatform: "platform1", models.RoleDistrict: "district1", models.RoleCity: "city1",
	models.RoleProvince: "province1", models.RoleAdmin: "admin",
}

// matrixRoles are the columns of the authorization matrix: a visitor, then one user of
// each role (roleUsers; platform1 and district1 are of 天河区, city1 of 广州市).
var matrixRoles = []models.Role{"", models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince, models.RoleAdmin}

// authorization is the matrix, written by hand and not derived from the route table: each
// route's answer per column of matrixRoles (visitor, platform, district, city, province,
// admin):
//
//	L  redirect to the login page
//	F  403
//	N  404
//	.  the guard lets the request through: anything but 403, 404 or a login redirect
//	*  the guard lets the request through; the answer (404 for an id that does not exist)
//	   depends on the data
//
// own is asked with the ids 1; other, when given, with an application or institution of
// 海珠区, outside platform1's and district1's jurisdiction but inside city1's and
// province1's. A route added to the table fails the test until it has its row here.
var authorization = []struct {
	method, path string
	own, other   string
}{
	{"GET", "/", "......", ""},
	{"GET", "/guide", "......", ""},
	{"GET", "/login", "......", ""},
	{"POST", "/login", "......", ""},
	{"GET", "/healthz", "......", ""},
	{"GET", "/livez", "......", ""},
	{"GET", "/readyz", "......", ""},
	{"GET", "/metrics", "......", ""}, // the test's loopback client is an allowed address
	{"GET", "/static/*", "......", ""},
	{"GET", "/notices", "......", ""},
	{"GET", "/notices.atom", "......", ""},
	{"GET", "/notices/:id", "******", ""},
	{"GET", "/notices/:id/notice.pdf", "******", ""},
	{"POST", "/notices/:id/complaints", "******", ""},
	{"GET", "/complaints", "......", ""},
	{"GET", "/complaints/:ref", "******", ""},
	{"GET", "/verify", "......", ""},
	// the reporting API: no session counts, only a platform token (401 without one)
	{"POST", "/api/v1/platform/monthly-reports", "......", ""},
	{"GET", "/api/v1/platform/monthly-reports/:period", "......", ""},
	{"GET", "/verify/keys", "......", ""},
	{"GET", "/verify/keys.json", "......", ""},
	{"GET", "/verify/revocations", "......", ""},
	{"GET", "/verify/:serial", "******", ""},
	{"GET", "/register", "......", ""},
	{"GET", "/register.csv", "......", ""},
	{"GET", "/register.xlsx", "......", ""},
	{"GET", "/api/v1/openapi.json", "......", ""},
	{"GET", "/api/v1/notices", "......", ""},
	{"GET", "/api/v1/register", "......", ""},
	{"GET", "/api/v1/certificates/:serial", "******", ""},
	{"GET", "/api/v1/changes", "......", ""},
	{"GET", "/api/v1/extracts", "......", ""},
	{"GET", "/api/v1/extracts/:date/:name", "******", ""},

	{"POST", "/logout", "LLLLLL", ""},
	{"GET", "/account", "L.....", ""},
	{"POST", "/account/mail", "L.....", ""},
	{"GET", "/account/password", "L.....", ""},
	{"POST", "/account/password", "L.....", ""},
	{"GET", "/inbox", "L.....", ""},
	{"POST", "/inbox/read", "L.....", ""},
	{"POST", "/inbox/:id/open", "L*****", ""},

	{"GET", "/platform", "L.FFFF", ""},
	{"GET", "/platform/file", "L.FFFF", ""},
	{"GET", "/platform/file/edit", "L.FFFF", ""},
	{"POST", "/platform/file", "L.FFFF", ""},
	{"GET", "/platform/file/history", "L.FFFF", ""},
	{"GET", "/platform/applications", "L.FFFF", ""},
	{"POST", "/platform/applications", "L.FFFF", ""},
	{"POST", "/platform/applications/:id/materials/:mid/files", "L*FFFF", ""},
	{"POST", "/platform/applications/:id/self-assessment", "L*FFFF", ""},
	{"POST", "/platform/applications/:id/submit", "L*FFFF", ""},
	{"GET", "/applications/:id/objection", "L*FFFF", ""},
	{"POST", "/applications/:id/objection", "L*FFFF", ""},
	{"GET", "/platform/notices", "L.FFFF", ""},
	{"POST", "/platform/notices/:id/mirror", "L*FFFF", ""},
	{"GET", "/platform/scope", "L.FFFF", ""},
	{"POST", "/platform/scope", "L.FFFF", ""},
	// disclosure after filing: platform1 is not filed: the pages behind the filing send it to /platform/disclosure (303)
	{"GET", "/platform/disclosure", "L.FFFF", ""},
	{"GET", "/platform/disclosure/monthly/new", "L.FFFF", ""},
	{"POST", "/platform/disclosure/monthly", "L.FFFF", ""},
	{"GET", "/platform/disclosure/monthly/template.xlsx", "L.FFFF", ""},
	{"POST", "/platform/disclosure/monthly/upload", "L.FFFF", ""},
	{"GET", "/platform/disclosure/monthly/:period", "L.FFFF", ""},
	{"GET", "/platform/disclosure/events", "L.FFFF", ""},
	{"GET", "/platform/disclosure/tokens", "L.FFFF", ""},
	{"POST", "/platform/disclosure/tokens", "L.FFFF", ""},
	{"POST", "/platform/disclosure/tokens/:id/revoke", "L.FFFF", ""},
	{"POST", "/platform/disclosure/events", "L.FFFF", ""},
	{"POST", "/platform/disclosure/events/:id/close", "L.FFFF", ""},

	{"GET", "/applications/:id", "L****F", "LNN..F"},
	{"GET", "/applications/:id/checklist", "L****F", "LNN..F"},
	{"GET", "/applications/:id/materials/:mid", "L****F", ""},
	{"GET", "/applications/:id/self-assessment", "L****F", "LNN**F"},
	{"GET", "/applications/:id/evidence/:no", "L****F", ""},
	{"GET", "/applications/:id/review-files/:fid", "L****F", ""},
	{"GET", "/applications/:id/failure-notice.pdf", "L****F", ""},
	{"GET", "/files/:id", "L****F", ""},
	{"GET", "/certificates", "L....F", ""},
	{"GET", "/certificates.xlsx", "L....F", ""},
	{"GET", "/certificates/:id", "L****F", ""},
	{"GET", "/certificates/:id/pdf", "L****F", ""},
	{"GET", "/certificates/:id/evidence/:file", "L****F", ""},

	{"GET", "/dashboard", "LF...F", ""},
	{"GET", "/dashboard.xlsx", "LF...F", ""},
	{"GET", "/dashboard/disclosure", "LF...F", ""},
	{"GET", "/dashboard/disclosure.xlsx", "LF...F", ""},
	{"GET", "/platform/dashboard", "L.FFFF", ""},
	{"GET", "/warnings", "LF...F", ""},
	{"GET", "/warnings.xlsx", "LF...F", ""},
	{"GET", "/warnings/settings", "LFF..F", ""},
	{"POST", "/warnings/settings", "LFF..F", ""},
	{"GET", "/warnings/:id", "LF***F", ""},
	{"POST", "/warnings/:id/close", "LF*FFF", ""},
	{"GET", "/warnings/:id/files/:file", "LF***F", ""},
	{"GET", "/institutions", "LF....", ""},
	{"GET", "/institutions.xlsx", "LF....", ""},
	{"GET", "/institutions/:id", "LF****", "LFN..."},
	{"GET", "/institutions/:id/file", "LF***F", "LFN..F"},
	{"GET", "/institutions/:id/file/history", "LF***F", "LFN..F"},
	{"POST", "/applications/:id/exit", "LF***F", ""},
	{"GET", "/applications/:id/opinions/:oid/opinion.pdf", "LF***F", ""},
	{"GET", "/applications/:id/opinions/:oid/check.pdf", "LF***F", ""},

	{"GET", "/district", "LF.FFF", ""},
	{"GET", "/district.xlsx", "LF.FFF", ""},
	{"POST", "/applications/:id/district/claim", "LF*FFF", ""},
	{"POST", "/applications/:id/district/assign", "LF*FFF", ""},
	{"GET", "/applications/:id/onsite", "LF*FFF", ""},
	{"POST", "/applications/:id/onsite", "LF*FFF", ""},
	{"POST", "/applications/:id/onsite/papers", "LF*FFF", ""},
	{"POST", "/applications/:id/materials/:mid/accept", "LF*FFF", ""},
	{"POST", "/applications/:id/materials/:mid/return", "LF*FFF", ""},
	{"POST", "/applications/:id/district/return", "LF*FFF", ""},
	{"POST", "/applications/:id/district/pass", "LF*FFF", ""},
	{"POST", "/applications/:id/district/fail", "LF*FFF", ""},

	{"GET", "/city", "LFF.FF", ""},
	{"GET", "/city.xlsx", "LFF.FF", ""},
	{"POST", "/applications/:id/city/pass", "LFF*FF", ""},
	{"POST", "/applications/:id/city/disagree", "LFF*FF", ""},
	{"POST", "/applications/:id/city/confirm", "LFF*FF", ""},
	{"GET", "/city/window", "LFF.FF", ""},
	{"POST", "/city/window/:city", "LFF*FF", ""},
	{"GET", "/city/deadlines", "LFF.FF", ""},
	{"POST", "/city/deadlines/:city", "LFF*FF", ""},
	{"GET", "/city/complaints", "LFF.FF", ""},
	{"GET", "/city/complaints.xlsx", "LFF.FF", ""},
	{"GET", "/city/complaints/:id", "LFF*FF", ""},
	{"POST", "/city/complaints/:id/verify", "LFF*FF", ""},
	{"GET", "/city/complaints/:id/files/:file", "LFF*FF", ""},

	{"POST", "/applications/:id/objection-review/uphold", "LFF**F", ""},
	{"POST", "/applications/:id/objection-review/reject", "LFF**F", ""},

	{"GET", "/disclosure", "LF...F", ""},
	{"GET", "/disclosure.xlsx", "LF...F", ""},
	{"GET", "/disclosure/events", "LF...F", ""},
	{"GET", "/disclosure/events.xlsx", "LF...F", ""},

	{"GET", "/province", "LFFF.F", ""},
	{"GET", "/province.xlsx", "LFFF.F", ""},
	{"POST", "/applications/:id/province/pass", "LFFF*F", ""},
	{"POST", "/applications/:id/province/return", "LFFF*F", ""},
	{"POST", "/applications/:id/province/fail", "LFFF*F", ""},
	{"GET", "/province/signoff", "LFFF.F", ""},
	{"GET", "/province/signoff.xlsx", "LFFF.F", ""},
	{"POST", "/province/signoff/:id", "LFFF*F", ""},
	{"POST", "/province/certificates/:id/revoke", "LFFF*F", ""},
	{"GET", "/province/filing", "LFFF.F", ""},
	{"GET", "/province/filing.xlsx", "LFFF.F", ""},
	{"POST", "/province/filing/:id", "LFFF*F", ""},
	{"GET", "/province/complaints", "LFFF.F", ""},
	{"GET", "/province/complaints.xlsx", "LFFF.F", ""},

	{"GET", "/admin/users", "LFFFF.", ""},
	{"GET", "/admin/users/new", "LFFFF.", ""},
	{"POST", "/admin/users", "LFFFF.", ""},
	{"POST", "/admin/users/:id/disable", "LFFFF*", ""},
	{"POST", "/admin/users/:id/enable", "LFFFF*", ""},
	{"POST", "/admin/users/:id/unlock", "LFFFF*", ""},
	{"GET", "/admin/users/:id/reset", "LFFFF*", ""},
	{"POST", "/admin/users/:id/reset", "LFFFF*", ""},
	{"GET", "/admin/users/:id/email", "LFFFF*", ""},
	{"POST", "/admin/users/:id/email", "LFFFF*", ""},
	{"GET", "/admin/jobs", "LFFFF.", ""},
	{"POST", "/admin/jobs/:id/retry", "LFFFF*", ""},
	{"GET", "/admin/audit", "LFFFF.", ""},
	{"GET", "/admin/audit.xlsx", "LFFFF.", ""},
	{"GET", "/admin/api-keys", "LFFFF.", ""},
	{"POST", "/admin/api-keys", "LFFFF.", ""},
	{"POST", "/admin/api-keys/:id/revoke", "LFFFF*", ""},
	{"GET", "/admin/windows", "LFFFF.", ""},
	{"POST", "/admin/windows/:city", "LFFFF*", ""},
	{"GET", "/admin/calendar", "LFFFF.", ""},
	{"POST", "/admin/calendar", "LFFFF.", ""},
	{"POST", "/admin/calendar/:year", "LFFFF*", ""},
	{"GET", "/admin/deadlines", "LFFFF.", ""},
	{"POST", "/admin/deadlines/:city", "LFFFF*", ""},
	{"GET", "/admin/chain", "LFFFF.", ""},
}

// TestAuthorizationMatrix sends every registered route as every role and as a visitor,
// with ids of their own jurisdiction and, where the matrix says, of another one, and
// checks each answer against the hand-written matrix.
func TestAuthorizationMatrix(t *testing.T) {
	env := webtest.New(t)
	registered := map[string]bool{}
	for _, r := range env.Web.Echo.Routes() {
		registered[r.Method+" "+r.Path] = true
	}
	listed := map[string]bool{}
	for _, row := range authorization {
		listed[row.method+" "+row.path] = true
	}
	for r := range registered {
		if !listed[r] {
			t.Errorf("%s has no row in the authorization matrix", r)
		}
	}
	signIn := func() map[models.Role]*webtest.Client {
		clients := map[models.Role]*webtest.Client{}
		for _, role := range matrixRoles {
			c := env.Client(t)
			if role != "" {
				c.Login(roleUsers[role], webtest.DemoPassword)
			}
			clients[role] = c
		}
		return clients
	}
	clients := signIn()
	otherApp, otherInst := haizhuIDs(t, env)
	for _, row := range authorization {
		if !registered[row.method+" "+row.path] {
			t.Errorf("%s %s is in the matrix but not in the route table", row.method, row.path)
			continue
		}
		checkRow(t, clients, row.method, row.path, concreteWith(row.path, "1"), row.own)
		if row.path == "/logout" {
			clients = signIn()
		}
		if row.other != "" {
			id := otherApp
			if strings.HasPrefix(row.path, "/institutions/") {
				id = otherInst
			}
			checkRow(t, clients, row.method, row.path+" (other jurisdiction)", concreteWith(row.path, strconv.FormatInt(id, 10)), row.other)
		}
	}
}

func checkRow(t *testing.T, clients map[models.Role]*webtest.Client, method, name, path, want string) {
	t.Helper()
	if len(want) != len(matrixRoles) {
		t.Fatalf("%s %s: row %q has %d columns, want %d", method, name, want, len(want), len(matrixRoles))
	}
	for i, role := range matrixRoles {
		c := clients[role]
		var resp *http.Response
		if method == http.MethodGet {
			resp, _ = c.Get(path)
		} else {
			resp, _ = c.Submit(path, url.Values{})
		}
		got := outcome(resp)
		ok := got == want[i] || want[i] == '*' && (got == '.' || got == 'N')
		if !ok {
			t.Errorf("%s %s as %q: %d %s (%c); the matrix says %c", method, name, role, resp.StatusCode, resp.Header.Get("Location"), got, want[i])
		}
	}
}

// outcome classes a response as the matrix does.
func outcome(resp *http.Response) byte {
	switch {
	case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login"):
		return 'L'
	case resp.StatusCode == http.StatusForbidden:
		return 'F'
	case resp.StatusCode == http.StatusNotFound:
		return 'N'
	}
	return '.'
}

// haizhuIDs returns an application and an institution of 海珠区 (platform4's, from the
// demo data).
func haizhuIDs(t *testing.T, env *webtest.Env) (app, inst int64) {
	t.Helper()
	ctx := context.Background()
	u, err := env.Store.UserByUsername(ctx, "platform4")
	if err != nil || u.InstitutionID == nil {
		t.Fatalf("platform4: %v", err)
	}
	apps, err := env.Store.InstitutionApplications(ctx, u, *u.InstitutionID)
	if err != nil || len(apps) == 0 {
		t.Fatalf("platform4's applications: %d, %v", len(apps), err)
	}
	return apps[0].ID, *u.InstitutionID
}

// concrete fills path parameters with values that exist in the demo data.
func concrete(path string) string { return concreteWith(path, "1") }

// concreteWith fills path parameters with id.
func concreteWith(path, id string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, ":"):
			parts[i] = id
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
