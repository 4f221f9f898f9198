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
	models.RoleProvince: "province1", models.RoleSysAdmin: "admin", models.RoleSecAdmin: "secadmin",
	models.RoleAuditAdmin: "auditadmin",
}

// matrixRoles are the columns of the authorization matrix: a visitor, then one user of
// each role (roleUsers; platform1 and district1 are of 天河区, city1 of 广州市).
var matrixRoles = []models.Role{"", models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince,
	models.RoleSysAdmin, models.RoleSecAdmin, models.RoleAuditAdmin}

// authorization is the matrix, written by hand and not derived from the route table: each
// route's answer per column of matrixRoles (visitor, platform, district, city, province,
// and the three administrators of 三员分立: system, security, audit):
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
	{"GET", "/", "........", ""},
	{"GET", "/guide", "........", ""},
	{"GET", "/login", "........", ""},
	{"POST", "/login", "........", ""},
	{"GET", "/healthz", "........", ""},
	{"GET", "/livez", "........", ""},
	{"GET", "/readyz", "........", ""},
	{"GET", "/metrics", "........", ""}, // the test's loopback client is an allowed address
	{"GET", "/static/*", "........", ""},
	{"GET", "/notices", "........", ""},
	{"GET", "/notices.atom", "........", ""},
	{"GET", "/notices/:id", "********", ""},
	{"GET", "/notices/:id/notice.pdf", "********", ""},
	{"POST", "/notices/:id/complaints", "********", ""},
	{"GET", "/complaints", "........", ""},
	{"GET", "/complaints/:ref", "********", ""},
	{"GET", "/verify", "........", ""},
	{"GET", "/register/:id/disclosure", "********", ""},
	// the reporting API: no session counts, only a platform token (401 without one)
	{"POST", "/api/v1/platform/monthly-reports", "........", ""},
	{"GET", "/api/v1/platform/monthly-reports/:period", "........", ""},
	{"GET", "/verify/keys", "........", ""},
	{"GET", "/verify/keys.json", "........", ""},
	{"GET", "/verify/revocations", "........", ""},
	{"GET", "/verify/:serial", "********", ""},
	{"GET", "/register", "........", ""},
	{"GET", "/register.csv", "........", ""},
	{"GET", "/register.xlsx", "........", ""},
	{"GET", "/api/v1/openapi.json", "........", ""},
	{"GET", "/api/v1/notices", "........", ""},
	{"GET", "/api/v1/register", "........", ""},
	{"GET", "/api/v1/certificates/:serial", "********", ""},
	{"GET", "/api/v1/register/:uscc/disclosure", "********", ""},
	{"GET", "/api/v1/changes", "........", ""},
	{"GET", "/api/v1/extracts", "........", ""},
	{"GET", "/api/v1/extracts/:date/:name", "********", ""},

	{"POST", "/logout", "LLLLLLLL", ""},
	{"POST", "/account/mail", "L.......", ""},
	{"GET", "/account/password", "L.......", ""},
	{"POST", "/account/password", "L.......", ""},
	{"GET", "/inbox", "L.......", ""},
	{"POST", "/inbox/read", "L.......", ""},
	{"POST", "/inbox/:id/open", "L*******", ""},

	{"GET", "/platform", "L.FFFFFF", ""},
	{"GET", "/platform/file", "L.FFFFFF", ""},
	{"GET", "/platform/file/edit", "L.FFFFFF", ""},
	{"POST", "/platform/file", "L.FFFFFF", ""},
	{"GET", "/platform/file/history", "L.FFFFFF", ""},
	{"GET", "/platform/applications", "L.FFFFFF", ""},
	{"POST", "/platform/applications", "L.FFFFFF", ""},
	{"POST", "/platform/applications/:id/materials/:mid/files", "L*FFFFFF", ""},
	{"POST", "/platform/applications/:id/self-assessment", "L*FFFFFF", ""},
	{"POST", "/platform/applications/:id/submit", "L*FFFFFF", ""},
	{"GET", "/applications/:id/objection", "L*FFFFFF", ""},
	{"POST", "/applications/:id/objection", "L*FFFFFF", ""},
	{"GET", "/platform/notices", "L.FFFFFF", ""},
	{"POST", "/platform/notices/:id/mirror", "L*FFFFFF", ""},
	{"GET", "/platform/scope", "L.FFFFFF", ""},
	{"POST", "/platform/scope", "L.FFFFFF", ""},
	// disclosure after filing: platform1 is not filed: the pages behind the filing send it to /platform/disclosure (303)
	{"GET", "/platform/disclosure", "L.FFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/new", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/monthly", "L.FFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/template.xlsx", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/monthly/upload", "L.FFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/:period", "L.FFFFFF", ""},
	{"GET", "/platform/disclosure/events", "L.FFFFFF", ""},
	{"GET", "/platform/disclosure/tokens", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/tokens", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/tokens/:id/revoke", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/events", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/events/:id/close", "L.FFFFFF", ""},
	{"GET", "/platform/loanbooks", "L.FFFFFF", ""},
	{"GET", "/disclosure/mismatches", "LF...FFF", ""},
	{"GET", "/disclosure/mismatches.xlsx", "LF...FFF", ""},
	{"GET", "/disclosure/cap-violations", "LF...FFF", ""},
	{"GET", "/disclosure/cap-violations.xlsx", "LF...FFF", ""},
	{"POST", "/platform/loanbooks", "L.FFFFFF", ""},
	{"GET", "/platform/loanbooks/template.csv", "L.FFFFFF", ""},
	{"GET", "/platform/loanbooks/template.xlsx", "L.FFFFFF", ""},
	{"GET", "/platform/loanbooks/:id", "L*FFFFFF", ""},
	{"GET", "/platform/loanbooks/:id/refused.xlsx", "L*FFFFFF", ""},
	{"GET", "/platform/disclosure/annual", "L.FFFFFF", ""},
	{"POST", "/platform/disclosure/annual", "L.FFFFFF", ""},

	{"GET", "/applications/:id", "L****FFF", "LNN..FFF"},
	{"GET", "/applications/:id/checklist", "L****FFF", "LNN..FFF"},
	{"GET", "/applications/:id/materials/:mid", "L****FFF", ""},
	{"GET", "/applications/:id/self-assessment", "L****FFF", "LNN**FFF"},
	{"GET", "/applications/:id/evidence/:no", "L****FFF", ""},
	{"GET", "/applications/:id/review-files/:fid", "L****FFF", ""},
	{"GET", "/applications/:id/failure-notice.pdf", "L****FFF", ""},
	{"GET", "/files/:id", "L****FFF", ""},
	{"GET", "/certificates", "L....FFF", ""},
	{"GET", "/certificates.xlsx", "L....FFF", ""},
	{"GET", "/certificates/:id", "L****FFF", ""},
	{"GET", "/certificates/:id/pdf", "L****FFF", ""},
	{"GET", "/certificates/:id/evidence/:file", "L****FFF", ""},

	{"GET", "/dashboard", "LF...FFF", ""},
	{"GET", "/dashboard.xlsx", "LF...FFF", ""},
	{"GET", "/dashboard/disclosure", "LF...FFF", ""},
	{"GET", "/dashboard/disclosure.xlsx", "LF...FFF", ""},
	{"GET", "/platform/dashboard", "L.FFFFFF", ""},
	{"GET", "/warnings", "LF...FFF", ""},
	{"GET", "/warnings.xlsx", "LF...FFF", ""},
	{"GET", "/warnings/settings", "LFF..FFF", ""},
	{"POST", "/warnings/settings", "LFF..FFF", ""},
	{"GET", "/warnings/:id", "LF***FFF", ""},
	{"POST", "/warnings/:id/close", "LF*FFFFF", ""},
	{"GET", "/warnings/:id/files/:file", "LF***FFF", ""},
	{"GET", "/institutions", "LF....FF", ""},
	{"GET", "/institutions.xlsx", "LF....FF", ""},
	{"GET", "/institutions/:id", "LF****FF", "LFN...FF"},
	{"GET", "/institutions/:id/file", "LF***FFF", "LFN..FFF"},
	{"GET", "/institutions/:id/file/history", "LF***FFF", "LFN..FFF"},
	{"POST", "/applications/:id/exit", "LF***FFF", ""},
	{"GET", "/applications/:id/opinions/:oid/opinion.pdf", "LF***FFF", ""},
	{"GET", "/applications/:id/opinions/:oid/check.pdf", "LF***FFF", ""},

	{"GET", "/district", "LF.FFFFF", ""},
	{"GET", "/district.xlsx", "LF.FFFFF", ""},
	{"POST", "/applications/:id/district/claim", "LF*FFFFF", ""},
	{"POST", "/applications/:id/district/assign", "LF*FFFFF", ""},
	{"GET", "/applications/:id/onsite", "LF*FFFFF", ""},
	{"POST", "/applications/:id/onsite", "LF*FFFFF", ""},
	{"POST", "/applications/:id/onsite/papers", "LF*FFFFF", ""},
	{"POST", "/applications/:id/materials/:mid/accept", "LF*FFFFF", ""},
	{"POST", "/applications/:id/materials/:mid/return", "LF*FFFFF", ""},
	{"POST", "/applications/:id/district/return", "LF*FFFFF", ""},
	{"POST", "/applications/:id/district/pass", "LF*FFFFF", ""},
	{"POST", "/applications/:id/district/fail", "LF*FFFFF", ""},

	{"GET", "/city", "LFF.FFFF", ""},
	{"GET", "/city.xlsx", "LFF.FFFF", ""},
	{"POST", "/applications/:id/city/pass", "LFF*FFFF", ""},
	{"POST", "/applications/:id/city/disagree", "LFF*FFFF", ""},
	{"POST", "/applications/:id/city/confirm", "LFF*FFFF", ""},
	{"GET", "/city/window", "LFF.FFFF", ""},
	{"POST", "/city/window/:city", "LFF*FFFF", ""},
	{"GET", "/city/deadlines", "LFF.FFFF", ""},
	{"POST", "/city/deadlines/:city", "LFF*FFFF", ""},
	{"GET", "/city/complaints", "LFF.FFFF", ""},
	{"GET", "/city/complaints.xlsx", "LFF.FFFF", ""},
	{"GET", "/city/complaints/:id", "LFF*FFFF", ""},
	{"POST", "/city/complaints/:id/verify", "LFF*FFFF", ""},
	{"GET", "/city/complaints/:id/files/:file", "LFF*FFFF", ""},

	{"POST", "/applications/:id/objection-review/uphold", "LFF**FFF", ""},
	{"POST", "/applications/:id/objection-review/reject", "LFF**FFF", ""},

	{"GET", "/disclosure", "LF...FFF", ""},
	{"GET", "/disclosure.xlsx", "LF...FFF", ""},
	{"GET", "/disclosure/events", "LF...FFF", ""},
	{"GET", "/disclosure/events.xlsx", "LF...FFF", ""},
	{"GET", "/disclosure/scores", "LF...FFF", ""},
	{"GET", "/disclosure/rules", "LFF..FFF", ""},
	{"POST", "/disclosure/rules", "LFF..FFF", ""},
	{"GET", "/disclosure/filing-notice", "LFFF.FFF", ""},
	{"POST", "/disclosure/filing-notice", "LFFF.FFF", ""},
	{"GET", "/disclosure/scores.xlsx", "LF...FFF", ""},
	{"GET", "/institutions/:id/disclosure", "LF...FFF", "LFN..FFF"},
	{"GET", "/institutions/:id/disclosure/score", "LF...FFF", "LFN..FFF"},
	{"GET", "/institutions/:id/disclosure/:period", "LF***FFF", "LFN**FFF"},
	{"GET", "/institutions/:id/disclosure/:period/versions", "LF***FFF", "LFN**FFF"},

	{"GET", "/province", "LFFF.FFF", ""},
	{"GET", "/province.xlsx", "LFFF.FFF", ""},
	{"POST", "/applications/:id/province/pass", "LFFF*FFF", ""},
	{"POST", "/applications/:id/province/return", "LFFF*FFF", ""},
	{"POST", "/applications/:id/province/fail", "LFFF*FFF", ""},
	{"GET", "/province/signoff", "LFFF.FFF", ""},
	{"GET", "/province/signoff.xlsx", "LFFF.FFF", ""},
	{"POST", "/province/signoff/:id", "LFFF*FFF", ""},
	{"POST", "/province/certificates/:id/revoke", "LFFF*FFF", ""},
	{"GET", "/province/filing", "LFFF.FFF", ""},
	{"GET", "/province/filing.xlsx", "LFFF.FFF", ""},
	{"POST", "/province/filing/:id", "LFFF*FFF", ""},
	{"GET", "/province/complaints", "LFFF.FFF", ""},
	{"GET", "/province/complaints.xlsx", "LFFF.FFF", ""},

	{"GET", "/login/totp", "LLLLLLLL", ""},
	{"POST", "/login/totp", "........", ""},
	{"GET", "/account", "L.......", ""},
	{"GET", "/account/totp", "L.......", ""},
	{"POST", "/account/totp", "L.......", ""},
	{"POST", "/account/totp/recovery", "L.......", ""},
	{"POST", "/account/totp/disable", "L.......", ""},
	{"POST", "/account/sessions/:ref/end", "L*******", ""},

	// 三员分立: each administrator has one duty, and only that one.
	{"GET", "/admin/users", "LFFFF..F", ""},
	{"GET", "/admin/users/new", "LFFFF.FF", ""},
	{"POST", "/admin/users", "LFFFF.FF", ""},
	{"POST", "/admin/users/:id/disable", "LFFFF*FF", ""},
	{"POST", "/admin/users/:id/enable", "LFFFF*FF", ""},
	{"GET", "/admin/users/:id/reset", "LFFFF*FF", ""},
	{"POST", "/admin/users/:id/reset", "LFFFF*FF", ""},
	{"GET", "/admin/users/:id/email", "LFFFF*FF", ""},
	{"POST", "/admin/users/:id/email", "LFFFF*FF", ""},
	{"GET", "/admin/jobs", "LFFFF.FF", ""},
	{"POST", "/admin/jobs/:id/retry", "LFFFF*FF", ""},
	{"GET", "/admin/windows", "LFFFF.FF", ""},
	{"POST", "/admin/windows/:city", "LFFFF*FF", ""},
	{"GET", "/admin/calendar", "LFFFF.FF", ""},
	{"POST", "/admin/calendar", "LFFFF.FF", ""},
	{"POST", "/admin/calendar/:year", "LFFFF*FF", ""},
	{"GET", "/admin/deadlines", "LFFFF.FF", ""},
	{"POST", "/admin/deadlines/:city", "LFFFF*FF", ""},
	{"POST", "/admin/users/:id/unlock", "LFFFFF*F", ""},
	{"GET", "/admin/users/:id/security", "LFFFFF*F", ""},
	{"POST", "/admin/users/:id/role", "LFFFFF*F", ""},
	{"POST", "/admin/users/:id/sessions/:ref/end", "LFFFFF*F", ""},
	{"GET", "/admin/security", "LFFFFF.F", ""},
	{"POST", "/admin/security", "LFFFFF.F", ""},
	{"GET", "/admin/api-keys", "LFFFFF.F", ""},
	{"POST", "/admin/api-keys", "LFFFFF.F", ""},
	{"POST", "/admin/api-keys/:id/revoke", "LFFFFF*F", ""},
	{"GET", "/admin/audit", "LFFFFFF.", ""},
	{"GET", "/admin/audit.xlsx", "LFFFFFF.", ""},
	{"GET", "/admin/chain", "LFFFFFF.", ""},
	// these end every session of user 1, the system administrator (its enrolment is
	// pending since the GET /account/totp row, so the reset goes through): last
	{"POST", "/admin/users/:id/totp-reset", "LFFFFF*F", ""},
	{"POST", "/admin/users/:id/sessions/end", "LFFFFF*F", ""},
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
		if row.path == "/logout" || strings.HasPrefix(row.path, "/admin/users/:id/totp-reset") {
			clients = signIn() // the row ended sessions (the reset ends user 1's, the system administrator's)
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

// TestAdminNeverSeesCaseFiles: the administrators manage accounts, security and the
// trail, not cases (issue 8 §2.10). Every case-file route declares the roles it serves,
// none of the three administrators is among them, and the guard refuses each with 403
// even for an id that exists.
func TestAdminNeverSeesCaseFiles(t *testing.T) {
	env := webtest.New(t)
	for _, role := range models.AdminRoles {
		adm := env.Client(t)
		adm.Login(roleUsers[role], webtest.DemoPassword)
		n := 0
		for _, r := range env.Web.Echo.Routes() {
			if !caseFile(r.Path) {
				continue
			}
			n++
			public, roles, _ := env.Web.Access(r.Method, r.Path)
			if public || len(roles) == 0 || slices.Contains(roles, role) {
				t.Errorf("%s %s: rule public=%v roles=%v lets the %s in", r.Method, r.Path, public, roles, role)
			}
			var resp *http.Response
			if r.Method == http.MethodGet {
				resp, _ = adm.Get(concrete(r.Path))
			} else {
				resp, _ = adm.Submit(concrete(r.Path), url.Values{})
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d; want 403", r.Method, r.Path, role, resp.StatusCode)
			}
		}
		if n < 10 {
			t.Fatalf("only %d case-file routes found", n)
		}
	}
}
