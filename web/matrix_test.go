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
	models.RoleAuditAdmin: "auditadmin", models.RoleBank: "bank1",
}

// matrixRoles are the columns of the authorization matrix: a visitor, then one user of
// each role (roleUsers; platform1 and district1 are of 天河区, city1 of 广州市).
var matrixRoles = []models.Role{"", models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince,
	models.RoleSysAdmin, models.RoleSecAdmin, models.RoleAuditAdmin, models.RoleBank}

// authorization is the matrix, written by hand and not derived from the route table: each
// route's answer per column of matrixRoles (visitor, platform, district, city, province,
// the three administrators of 三员分立: system, security, audit, and the custody bank):
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
	{"GET", "/", ".........", ""},
	{"GET", "/guide", ".........", ""},
	{"GET", "/login", ".........", ""},
	{"POST", "/login", ".........", ""},
	{"GET", "/healthz", ".........", ""},
	{"GET", "/livez", ".........", ""},
	{"GET", "/readyz", ".........", ""},
	{"GET", "/metrics", ".........", ""}, // the test's loopback client is an allowed address
	{"GET", "/static/*", ".........", ""},
	{"GET", "/notices", ".........", ""},
	{"GET", "/notices.atom", ".........", ""},
	{"GET", "/notices/:id", "*********", ""},
	{"GET", "/notices/:id/notice.pdf", "*********", ""},
	{"POST", "/notices/:id/complaints", "*********", ""},
	{"GET", "/complaints", ".........", ""},
	{"GET", "/complaints/:ref", "*********", ""},
	{"GET", "/verify", ".........", ""},
	{"GET", "/register/:id/disclosure", "*********", ""},
	// the reporting API: no session counts, only a platform token (401 without one)
	{"POST", "/api/v1/platform/monthly-reports", ".........", ""},
	{"GET", "/api/v1/platform/monthly-reports/:period", ".........", ""},
	{"POST", "/api/v1/bank/statements", ".........", ""}, // a bank token only (401 without one)
	{"GET", "/verify/keys", ".........", ""},
	{"GET", "/verify/keys.json", ".........", ""},
	{"GET", "/verify/revocations", ".........", ""},
	{"GET", "/verify/:serial", "*********", ""},
	{"GET", "/register", ".........", ""},
	{"GET", "/register.csv", ".........", ""},
	{"GET", "/register.xlsx", ".........", ""},
	{"GET", "/api/v1/openapi.json", ".........", ""},
	{"GET", "/api/v1/notices", ".........", ""},
	{"GET", "/api/v1/register", ".........", ""},
	{"GET", "/api/v1/certificates/:serial", "*********", ""},
	{"GET", "/api/v1/register/:uscc/disclosure", "*********", ""},
	{"GET", "/api/v1/changes", ".........", ""},
	{"GET", "/api/v1/extracts", ".........", ""},
	{"GET", "/api/v1/extracts/:date/:name", "*********", ""},

	{"POST", "/logout", "LLLLLLLLL", ""},
	{"POST", "/account/mail", "L........", ""},
	{"GET", "/account/password", "L........", ""},
	{"POST", "/account/password", "L........", ""},
	{"GET", "/inbox", "L........", ""},
	{"POST", "/inbox/read", "L........", ""},
	{"POST", "/inbox/:id/open", "L********", ""},

	{"GET", "/platform", "L.FFFFFFF", ""},
	{"GET", "/platform/file", "L.FFFFFFF", ""},
	{"GET", "/platform/file/edit", "L.FFFFFFF", ""},
	{"POST", "/platform/file", "L.FFFFFFF", ""},
	{"GET", "/platform/file/history", "L.FFFFFFF", ""},
	{"GET", "/platform/applications", "L.FFFFFFF", ""},
	{"POST", "/platform/applications", "L.FFFFFFF", ""},
	{"POST", "/platform/applications/:id/materials/:mid/files", "L*FFFFFFF", ""},
	{"POST", "/platform/applications/:id/self-assessment", "L*FFFFFFF", ""},
	{"POST", "/platform/applications/:id/submit", "L*FFFFFFF", ""},
	{"GET", "/applications/:id/objection", "L*FFFFFFF", ""},
	{"POST", "/applications/:id/objection", "L*FFFFFFF", ""},
	{"GET", "/platform/notices", "L.FFFFFFF", ""},
	{"POST", "/platform/notices/:id/mirror", "L*FFFFFFF", ""},
	{"GET", "/platform/scope", "L.FFFFFFF", ""},
	{"POST", "/platform/scope", "L.FFFFFFF", ""},
	// disclosure after filing: platform1 is not filed: the pages behind the filing send it to /platform/disclosure (303)
	{"GET", "/platform/disclosure", "L.FFFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/new", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/monthly", "L.FFFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/template.xlsx", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/monthly/upload", "L.FFFFFFF", ""},
	{"GET", "/platform/disclosure/monthly/:period", "L.FFFFFFF", ""},
	{"GET", "/platform/disclosure/events", "L.FFFFFFF", ""},
	{"GET", "/platform/disclosure/tokens", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/tokens", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/tokens/:id/revoke", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/events", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/events/:id/close", "L.FFFFFFF", ""},
	{"GET", "/platform/loanbooks", "L.FFFFFFF", ""},
	{"GET", "/disclosure/mismatches", "LF...FFFF", ""},
	{"GET", "/disclosure/mismatches.xlsx", "LF...FFFF", ""},
	{"GET", "/disclosure/cap-violations", "LF...FFFF", ""},
	{"GET", "/disclosure/cap-violations.xlsx", "LF...FFFF", ""},
	{"POST", "/platform/loanbooks", "L.FFFFFFF", ""},
	{"GET", "/platform/loanbooks/template.csv", "L.FFFFFFF", ""},
	{"GET", "/platform/loanbooks/template.xlsx", "L.FFFFFFF", ""},
	{"GET", "/platform/loanbooks/:id", "L*FFFFFFF", ""},
	{"GET", "/platform/loanbooks/:id/refused.xlsx", "L*FFFFFFF", ""},
	{"GET", "/platform/disclosure/annual", "L.FFFFFFF", ""},
	{"POST", "/platform/disclosure/annual", "L.FFFFFFF", ""},

	{"GET", "/applications/:id", "L****FFFF", "LNN..FFFF"},
	{"GET", "/applications/:id/checklist", "L****FFFF", "LNN..FFFF"},
	{"GET", "/applications/:id/materials/:mid", "L****FFFF", ""},
	{"GET", "/applications/:id/self-assessment", "L****FFFF", "LNN**FFFF"},
	{"GET", "/applications/:id/evidence/:no", "L****FFFF", ""},
	{"GET", "/applications/:id/review-files/:fid", "L****FFFF", ""},
	{"GET", "/applications/:id/failure-notice.pdf", "L****FFFF", ""},
	{"GET", "/files/:id", "L****FFFF", ""},
	{"GET", "/certificates", "L....FFFF", ""},
	{"GET", "/certificates.xlsx", "L....FFFF", ""},
	{"GET", "/certificates/:id", "L****FFFF", ""},
	{"GET", "/certificates/:id/pdf", "L****FFFF", ""},
	{"GET", "/certificates/:id/evidence/:file", "L****FFFF", ""},

	{"GET", "/dashboard", "LF...FFFF", ""},
	{"GET", "/dashboard.xlsx", "LF...FFFF", ""},
	{"GET", "/dashboard/disclosure", "LF...FFFF", ""},
	{"GET", "/dashboard/disclosure.xlsx", "LF...FFFF", ""},
	{"GET", "/platform/dashboard", "L.FFFFFFF", ""},
	{"GET", "/warnings", "LF...FFFF", ""},
	{"GET", "/warnings.xlsx", "LF...FFFF", ""},
	{"GET", "/warnings/settings", "LFF..FFFF", ""},
	{"POST", "/warnings/settings", "LFF..FFFF", ""},
	{"GET", "/warnings/:id", "LF***FFFF", ""},
	{"POST", "/warnings/:id/close", "LF*FFFFFF", ""},
	{"GET", "/warnings/:id/files/:file", "LF***FFFF", ""},
	{"GET", "/institutions", "LF....FFF", ""},
	{"GET", "/institutions.xlsx", "LF....FFF", ""},
	{"GET", "/institutions/:id", "LF****FFF", "LFN...FFF"},
	{"GET", "/institutions/:id/file", "LF***FFFF", "LFN..FFFF"},
	{"GET", "/institutions/:id/file/history", "LF***FFFF", "LFN..FFFF"},
	{"POST", "/applications/:id/exit", "LF***FFFF", ""},
	{"GET", "/applications/:id/opinions/:oid/opinion.pdf", "LF***FFFF", ""},
	{"GET", "/applications/:id/opinions/:oid/check.pdf", "LF***FFFF", ""},

	{"GET", "/district", "LF.FFFFFF", ""},
	{"GET", "/district.xlsx", "LF.FFFFFF", ""},
	{"POST", "/applications/:id/district/claim", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/district/assign", "LF*FFFFFF", ""},
	{"GET", "/applications/:id/onsite", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/onsite", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/onsite/papers", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/materials/:mid/accept", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/materials/:mid/return", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/district/return", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/district/pass", "LF*FFFFFF", ""},
	{"POST", "/applications/:id/district/fail", "LF*FFFFFF", ""},

	{"GET", "/city", "LFF.FFFFF", ""},
	{"GET", "/city.xlsx", "LFF.FFFFF", ""},
	{"POST", "/applications/:id/city/pass", "LFF*FFFFF", ""},
	{"POST", "/applications/:id/city/disagree", "LFF*FFFFF", ""},
	{"POST", "/applications/:id/city/confirm", "LFF*FFFFF", ""},
	{"GET", "/city/window", "LFF.FFFFF", ""},
	{"POST", "/city/window/:city", "LFF*FFFFF", ""},
	{"GET", "/city/deadlines", "LFF.FFFFF", ""},
	{"POST", "/city/deadlines/:city", "LFF*FFFFF", ""},
	{"GET", "/city/complaints", "LFF.FFFFF", ""},
	{"GET", "/city/complaints.xlsx", "LFF.FFFFF", ""},
	{"GET", "/city/complaints/:id", "LFF*FFFFF", ""},
	{"POST", "/city/complaints/:id/verify", "LFF*FFFFF", ""},
	{"GET", "/city/complaints/:id/files/:file", "LFF*FFFFF", ""},

	{"POST", "/applications/:id/objection-review/uphold", "LFF**FFFF", ""},
	{"POST", "/applications/:id/objection-review/reject", "LFF**FFFF", ""},

	{"GET", "/disclosure", "LF...FFFF", ""},
	{"GET", "/disclosure.xlsx", "LF...FFFF", ""},
	{"GET", "/disclosure/events", "LF...FFFF", ""},
	{"GET", "/disclosure/events.xlsx", "LF...FFFF", ""},
	{"GET", "/disclosure/scores", "LF...FFFF", ""},
	{"GET", "/disclosure/rules", "LFF..FFFF", ""},
	{"POST", "/disclosure/rules", "LFF..FFFF", ""},
	{"GET", "/disclosure/scores.xlsx", "LF...FFFF", ""},
	{"GET", "/institutions/:id/disclosure", "LF...FFFF", "LFN..FFFF"},
	{"GET", "/institutions/:id/disclosure/score", "LF...FFFF", "LFN..FFFF"},
	{"GET", "/institutions/:id/disclosure/:period", "LF***FFFF", "LFN**FFFF"},
	{"GET", "/institutions/:id/disclosure/:period/versions", "LF***FFFF", "LFN**FFFF"},

	{"GET", "/province", "LFFF.FFFF", ""},
	{"GET", "/province.xlsx", "LFFF.FFFF", ""},
	{"POST", "/applications/:id/province/pass", "LFFF*FFFF", ""},
	{"POST", "/applications/:id/province/return", "LFFF*FFFF", ""},
	{"POST", "/applications/:id/province/fail", "LFFF*FFFF", ""},
	{"GET", "/province/signoff", "LFFF.FFFF", ""},
	{"GET", "/province/signoff.xlsx", "LFFF.FFFF", ""},
	{"POST", "/province/signoff/:id", "LFFF*FFFF", ""},
	{"POST", "/province/certificates/:id/revoke", "LFFF*FFFF", ""},
	{"GET", "/province/filing", "LFFF.FFFF", ""},
	{"GET", "/province/filing.xlsx", "LFFF.FFFF", ""},
	{"POST", "/province/filing/:id", "LFFF*FFFF", ""},
	{"GET", "/province/complaints", "LFFF.FFFF", ""},
	{"GET", "/province/complaints.xlsx", "LFFF.FFFF", ""},

	{"GET", "/login/totp", "LLLLLLLLL", ""},
	{"POST", "/login/totp", ".........", ""},
	{"GET", "/account", "L........", ""},
	{"GET", "/account/totp", "L........", ""},
	{"POST", "/account/totp", "L........", ""},
	{"POST", "/account/totp/recovery", "L........", ""},
	{"POST", "/account/totp/disable", "L........", ""},
	{"POST", "/account/sessions/:ref/end", "L********", ""},

	// 三员分立: each administrator has one duty, and only that one.
	{"GET", "/admin/users", "LFFFF..FF", ""},
	{"GET", "/admin/users/new", "LFFFF.FFF", ""},
	{"POST", "/admin/users", "LFFFF.FFF", ""},
	{"POST", "/admin/users/:id/disable", "LFFFF*FFF", ""},
	{"POST", "/admin/users/:id/enable", "LFFFF*FFF", ""},
	{"GET", "/admin/users/:id/reset", "LFFFF*FFF", ""},
	{"POST", "/admin/users/:id/reset", "LFFFF*FFF", ""},
	{"GET", "/admin/users/:id/email", "LFFFF*FFF", ""},
	{"POST", "/admin/users/:id/email", "LFFFF*FFF", ""},
	{"GET", "/admin/jobs", "LFFFF.FFF", ""},
	{"POST", "/admin/jobs/:id/retry", "LFFFF*FFF", ""},
	{"GET", "/admin/windows", "LFFFF.FFF", ""},
	{"POST", "/admin/windows/:city", "LFFFF*FFF", ""},
	{"GET", "/admin/calendar", "LFFFF.FFF", ""},
	{"POST", "/admin/calendar", "LFFFF.FFF", ""},
	{"POST", "/admin/calendar/:year", "LFFFF*FFF", ""},
	{"GET", "/admin/deadlines", "LFFFF.FFF", ""},
	{"POST", "/admin/deadlines/:city", "LFFFF*FFF", ""},
	// the evaluated custody banks, kept by the system administrator (issue 12 §3)
	{"GET", "/admin/custody-banks", "LFFFF.FFF", ""},
	{"POST", "/admin/custody-banks", "LFFFF.FFF", ""}, // an empty form: 422 with the errors
	{"GET", "/admin/custody-banks/:id", "LFFFF*FFF", ""},
	{"POST", "/admin/custody-banks/:id", "LFFFF*FFF", ""},
	// the custody bank's pages: institution 1 (platform1's) does not name bank1's bank, so
	// its platform pages are 404 for the bank; officers and platforms get 403
	{"GET", "/bank", "LFFFFFFF.", ""},
	{"POST", "/bank/relationships/:id", "LFFFFFFF*", ""},
	{"GET", "/bank/platforms", "LFFFFFFF.", ""},
	{"GET", "/bank/platforms.xlsx", "LFFFFFFF.", ""},
	{"GET", "/bank/platforms/:id", "LFFFFFFFN", ""},
	{"POST", "/bank/platforms/:id/statements", "LFFFFFFFN", ""},
	{"POST", "/bank/platforms/:id/statements/upload", "LFFFFFFFN", ""},
	{"GET", "/bank/statements/template.xlsx", "LFFFFFFFN", ""}, // no ?institution=
	{"GET", "/bank/tokens", "LFFFFFFF.", ""},
	{"POST", "/bank/tokens", "LFFFFFFF.", ""}, // no purpose: 422
	{"POST", "/bank/tokens/:id/revoke", "LFFFFFFF*", ""},
	{"POST", "/admin/users/:id/unlock", "LFFFFF*FF", ""},
	{"GET", "/admin/users/:id/security", "LFFFFF*FF", ""},
	{"POST", "/admin/users/:id/role", "LFFFFF*FF", ""},
	{"POST", "/admin/users/:id/sessions/:ref/end", "LFFFFF*FF", ""},
	{"GET", "/admin/security", "LFFFFF.FF", ""},
	{"POST", "/admin/security", "LFFFFF.FF", ""},
	{"GET", "/admin/api-keys", "LFFFFF.FF", ""},
	{"POST", "/admin/api-keys", "LFFFFF.FF", ""},
	{"POST", "/admin/api-keys/:id/revoke", "LFFFFF*FF", ""},
	{"GET", "/admin/audit", "LFFFFFF.F", ""},
	{"GET", "/admin/audit.xlsx", "LFFFFFF.F", ""},
	{"GET", "/admin/chain", "LFFFFFF.F", ""},
	// these end every session of user 1, the system administrator (its enrolment is
	// pending since the GET /account/totp row, so the reset goes through): last
	{"POST", "/admin/users/:id/totp-reset", "LFFFFF*FF", ""},
	{"POST", "/admin/users/:id/sessions/end", "LFFFFF*FF", ""},
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
