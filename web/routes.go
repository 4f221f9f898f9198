package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portal/handlers"
	"portal/models"
	"portal/static"
)

// Complaint submissions allowed per IP address in complaintWindow.
const (
	complaintLimit  = 5
	complaintWindow = time.Hour
)

// access declares who may use a route: Public, or signed-in users of the listed roles
// (none listed: any signed-in user).
type access struct {
	Public bool
	Roles  []models.Role
}

func roles(rs ...models.Role) access { return access{Roles: rs} }

// The guards of the route table.
var (
	anyone    = access{Public: true}
	signedIn  = access{}
	platforms = roles(models.RolePlatform)
	districts = roles(models.RoleDistrict)
	cities    = roles(models.RoleCity)
	provinces = roles(models.RoleProvince)
	// 三员分立 (GB/T 22239-2019 §8.1.4.2): three administrators, each with one duty.
	// sysadmins manage accounts and reference data (windows, calendar, deadlines);
	sysadmins = roles(models.RoleSysAdmin)
	// secadmins manage roles, locks, the password and 2FA policy, TOTP resets, API keys
	// and sessions;
	secadmins = roles(models.RoleSecAdmin)
	// auditadmins read the audit trail and verify the chains, and change nothing.
	auditadmins = roles(models.RoleAuditAdmin)
	// accountAdmins see the account list, each with the actions of their own duty.
	accountAdmins = roles(models.RoleSysAdmin, models.RoleSecAdmin)
	// officers see the institution list: every officer and the system administrator.
	officers = roles(models.RoleDistrict, models.RoleCity, models.RoleProvince, models.RoleSysAdmin)
	// caseViewers see a case file of their jurisdiction (404 outside it): the platform and
	// the officers above it, never the admin, who manages accounts and reference data,
	// not cases (issue 8 §2.10).
	caseViewers = roles(models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince)
	// reviewOfficers are the officers of the review chain.
	reviewOfficers = roles(models.RoleDistrict, models.RoleCity, models.RoleProvince)
	// objectionReviewers: the city for a small platform, the province for a large one;
	// the workflow table tells them apart per application.
	objectionReviewers = roles(models.RoleCity, models.RoleProvince)
	// banks are the custody banks' users (存管银行, issue 12 §3): an independent third party
	// that sees only the platforms naming it whose relationship it confirmed.
	banks = roles(models.RoleBank)
)

// route registers one route with its guard, and records the rule for Access. The guard
// sits on the route itself rather than on an echo.Group, whose catch-all routes would
// send unknown URLs through the guard instead of answering 404.
func (s *Server) route(method, path string, a access, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	var guard []echo.MiddlewareFunc
	if !a.Public {
		guard = append(guard, requireRole(a.Roles...))
	}
	s.Echo.Add(method, path, h, append(guard, mw...)...)
	s.access[method+" "+path] = a
}

func (s *Server) get(path string, a access, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	s.route(http.MethodGet, path, a, h, mw...)
}
func (s *Server) post(path string, a access, h echo.HandlerFunc) {
	s.route(http.MethodPost, path, a, h)
}

// routes is the one route table, one block per role. Reading it shows who may do what.
func (s *Server) routes() {
	files, changed := s.files, s.cache.Changed
	shared, perVisitor := s.cache.shared, s.cache.perVisitor // the public page cache
	auth := handlers.NewAuth(s.store, s.sessions, s.clock, s.cfg.LoginPause)
	acct := handlers.NewAccount(s.store, s.sessions, s.clock, s.cfg.Production())
	sec := handlers.NewSecurity(s.store, s.sessions, s.clock, s.cfg.Production())
	adm := handlers.NewAdmin(s.store, s.sessions, s.clock)
	aud := handlers.NewAudit(s.store, s.clock)
	home := handlers.NewHome(s.store)
	inst := handlers.NewInstitutions(s.store, s.clock)
	plat := handlers.NewPlatform(s.store, files, s.sessions, s.clock, s.cfg.maxUpload(), s.log)
	win := handlers.NewWindows(s.store, s.sessions, s.clock)
	q := handlers.NewQueues(s.store, s.clock)
	rv := handlers.NewReviews(s.store, files, s.sessions, s.clock).WithKeys(s.keys)
	on := handlers.NewOnsite(s.store, files, s.sessions, s.clock)
	inbox := handlers.NewInbox(s.store, s.sessions, s.clock)
	cal := handlers.NewCalendarAdmin(s.store, s.sessions, s.clock)
	chain := handlers.NewChain(s.store, s.clock)
	clk := handlers.NewClockSettings(s.store, s.sessions, s.clock)
	docs := handlers.NewDocuments(s.store, s.clock).WithKeys(s.keys)
	notices := handlers.NewNotices(s.store, s.clock, s.BaseURL())
	complaints := handlers.NewComplaints(s.store, notices, files, models.NewRateLimiter(complaintLimit, complaintWindow), s.sessions, s.clock, changed)
	creview := handlers.NewComplaintReview(s.store, files, s.sessions, s.clock, changed)
	certs := handlers.NewCertificates(s.store, files, s.sessions, s.clock, changed, s.BaseURL())
	verify := handlers.NewVerification(s.store, s.clock).WithKeys(s.keys)
	register := handlers.NewRegister(s.store, s.clock)
	scope := handlers.NewScope(s.store, files, s.sessions, s.clock, changed)
	filing := handlers.NewFiling(s.store, s.sessions, s.clock, changed)
	s.extracts = handlers.NewExtracts(s.store, s.keys, s.ExtractsDir())
	api := handlers.NewAPI(s.store, s.keys, s.clock, s.extracts)
	keys := handlers.NewAPIKeys(s.store, s.sessions, s.clock)
	checks := handlers.NewLoanBookChecks(s.store, s.clock)
	books := handlers.NewLoanBooks(s.store, files, s.sessions, s.clock)
	disc := handlers.NewDisclosure(s.store, files, s.sessions, s.clock, s.cfg.maxUpload())
	mailPrefs := handlers.NewAccountMail(s.store, s.sessions, s.clock)
	jobsAdm := handlers.NewJobs(s.store, s.sessions, s.clock)
	mon := handlers.NewDisclosureMonitor(s.store, s.sessions, s.clock)
	bank := handlers.NewBank(s.store, files, s.sessions, s.clock, s.cfg.maxUpload())
	custody := handlers.NewCustodyBanks(s.store, s.sessions, s.clock)
	bankAPI := handlers.NewBankAPI(s.store, s.sessions, s.clock)

	// Anyone: the public side (notices, complaints, verification, the filing register).
	s.get("/", anyone, home.Root) // a signed-in user goes on to their role's home
	s.get("/guide", anyone, home.Guide)
	s.get("/login", anyone, auth.Form)
	s.post("/login", anyone, auth.Login)
	s.get("/login/totp", anyone, auth.TOTPForm) // the second step: only after a right password
	s.post("/login/totp", anyone, auth.TOTPLogin)
	s.get("/healthz", anyone, handlers.Health(s.store))
	s.get("/livez", anyone, handlers.Live)                  // the process answers: restart it if not
	s.get("/readyz", anyone, handlers.Health(s.store))      // the database answers: send it traffic
	s.get("/metrics", anyone, s.metrics.handler(s.cfg.Ops)) // Prometheus; configured addresses only, others 404
	s.get("/static/*", anyone, echo.WrapHandler(http.StripPrefix("/static/", staticHandler(static.FS))))
	s.get("/notices", anyone, notices.List, shared)
	s.get("/notices.atom", anyone, notices.Atom, shared)
	s.get("/notices/:id", anyone, notices.Show, perVisitor)
	s.get("/notices/:id/notice.pdf", anyone, docs.NoticePDF)
	s.post("/notices/:id/complaints", anyone, limitBody(complaintBodyLimit, complaints.File))
	s.get("/complaints", anyone, home.LookupComplaint)
	s.get("/complaints/:ref", anyone, complaints.Status)
	s.get("/verify", anyone, verify.Form)
	s.get("/verify/keys", anyone, verify.Keys)
	s.get("/verify/keys.json", anyone, verify.KeysJSON)
	s.get("/verify/revocations", anyone, verify.Revocations)
	s.get("/verify/:serial", anyone, verify.Show)
	s.get("/register", anyone, register.List, shared)
	s.get("/register.csv", anyone, register.CSV, shared)
	s.get("/register.xlsx", anyone, register.XLSX, shared)
	s.get("/register/:id/disclosure", anyone, handlers.PublicDisclosure(s.store))

	// Anyone, rate limited per address or API key: the open data API (issue 14 §3).
	s.get("/api/v1/openapi.json", anyone, api.OpenAPI, api.Limit)
	s.get("/api/v1/notices", anyone, api.Notices, api.Limit)
	s.get("/api/v1/register", anyone, api.Register, api.Limit)
	s.get("/api/v1/certificates/:serial", anyone, api.Certificate, api.Limit)
	s.get("/api/v1/register/:uscc/disclosure", anyone, api.Disclosure(s.store), api.Limit)
	s.get("/api/v1/changes", anyone, api.Changes, api.Limit)
	s.get("/api/v1/extracts", anyone, api.ExtractsIndex, api.Limit)
	s.get("/api/v1/extracts/:date/:name", anyone, api.ExtractFile, api.Limit)

	// Anyone holding a filed platform's API token (X-Platform-Token, checked by the
	// handler; no session, so no CSRF token): the reporting API (issue 11).
	s.route(http.MethodPost, "/api/v1/platform/monthly-reports", anyone, disc.APISubmitMonthly, api.Limit)
	s.get("/api/v1/platform/monthly-reports/:period", anyone, disc.APIMonthly, api.Limit)
	// Anyone holding a custody bank's token (X-Bank-Token, the same kind): its statements.
	s.route(http.MethodPost, "/api/v1/bank/statements", anyone, bankAPI.SubmitStatement, api.Limit)

	// Every signed-in user: their account and their notifications.
	s.post("/logout", signedIn, auth.Logout)
	s.post("/account/mail", signedIn, mailPrefs.SetMail)
	s.get("/account/password", signedIn, acct.PasswordForm)
	s.post("/account/password", signedIn, acct.ChangePassword)
	s.get("/account", signedIn, acct.Show) // password, 2FA, sessions and the mail switch (account_mail.go)
	s.get("/account/totp", signedIn, acct.TOTPForm)
	s.post("/account/totp", signedIn, acct.EnrolTOTP)
	s.post("/account/totp/disable", signedIn, acct.DisableTOTP)
	s.post("/account/totp/recovery", signedIn, acct.NewRecoveryCodes)
	s.post("/account/sessions/:ref/end", signedIn, acct.EndSession)
	s.get("/inbox", signedIn, inbox.Show)
	s.post("/inbox/read", signedIn, inbox.ReadAll)
	s.post("/inbox/:id/open", signedIn, inbox.Open)

	// Platforms: the institution file, applications, uploads, objections, notices, scope.
	s.get("/platform", platforms, inst.PlatformHome)
	s.get("/platform/file", platforms, plat.MyFile)
	s.get("/platform/file/edit", platforms, plat.EditFile)
	s.post("/platform/file", platforms, plat.SaveFile)
	s.get("/platform/file/history", platforms, plat.MyFileHistory)
	s.get("/platform/applications", platforms, plat.MyApplications)
	s.post("/platform/applications", platforms, plat.CreateApplication)
	s.post("/platform/applications/:id/materials/:mid/files", platforms, limitBody(s.cfg.materialBodyLimit(), plat.Upload))
	s.post("/platform/applications/:id/self-assessment", platforms, limitBody(s.cfg.materialBodyLimit(), plat.SaveSelfAssessment))
	s.post("/platform/applications/:id/submit", platforms, plat.Submit)
	s.get("/applications/:id/objection", platforms, rv.ObjectionForm)
	s.post("/applications/:id/objection", platforms, limitBody(objectionBodyLimit, rv.Object))
	s.get("/platform/notices", platforms, scope.Mirror)
	s.post("/platform/notices/:id/mirror", platforms, scope.SetMirror)
	s.get("/platform/scope", platforms, scope.Show)
	s.post("/platform/scope", platforms, limitBody(scopeBodyLimit, scope.Record))
	// Loan books (借款明细): upload, background import with progress, the checks.
	s.get("/platform/loanbooks", platforms, books.List)
	s.post("/platform/loanbooks", platforms, limitBody(models.MaxLoanBookBytes+multipartSlack, books.Upload))
	s.get("/platform/loanbooks/template.csv", platforms, books.TemplateCSV)
	s.get("/platform/loanbooks/template.xlsx", platforms, books.TemplateXLSX)
	s.get("/platform/loanbooks/:id", platforms, books.Show)
	s.get("/platform/loanbooks/:id/refused.xlsx", platforms, books.RefusedXLSX)

	// Platforms after filing: disclosure reports (issue 11; seeds/003 §8, §10).
	s.get("/platform/disclosure", platforms, disc.Home)
	s.get("/platform/disclosure/monthly/new", platforms, disc.NewMonthly)
	s.post("/platform/disclosure/monthly", platforms, disc.SubmitMonthly)
	s.get("/platform/disclosure/monthly/template.xlsx", platforms, disc.Template)
	s.post("/platform/disclosure/monthly/upload", platforms, limitBody(s.cfg.materialBodyLimit(), disc.UploadTemplate))
	s.get("/platform/disclosure/monthly/:period", platforms, disc.Versions)
	s.get("/platform/disclosure/events", platforms, disc.Events)
	s.post("/platform/disclosure/events", platforms, disc.FileEvent)
	s.post("/platform/disclosure/events/:id/close", platforms, disc.CloseEvent)
	s.get("/platform/disclosure/annual", platforms, disc.Annual)
	s.post("/platform/disclosure/annual", platforms, limitBody(s.cfg.materialBodyLimit(), disc.UploadAnnual))
	s.get("/platform/disclosure/tokens", platforms, disc.Tokens)
	s.post("/platform/disclosure/tokens", platforms, disc.CreateToken)
	s.post("/platform/disclosure/tokens/:id/revoke", platforms, disc.RevokeToken)

	// Case files: the platform and the officers of the jurisdiction, never the admin.
	s.get("/applications/:id", caseViewers, rv.Show)
	s.get("/applications/:id/checklist", caseViewers, plat.Application)
	s.get("/applications/:id/materials/:mid", caseViewers, plat.Material)
	s.get("/applications/:id/self-assessment", caseViewers, plat.SelfAssessment)
	s.get("/applications/:id/evidence/:no", caseViewers, plat.Evidence)
	s.get("/applications/:id/review-files/:fid", caseViewers, rv.ReviewFile)
	s.get("/applications/:id/failure-notice.pdf", caseViewers, docs.FailureLetterPDF)
	s.get("/files/:id", caseViewers, plat.Download)
	s.get("/certificates", caseViewers, certs.List)
	s.get("/certificates.xlsx", caseViewers, certs.XLSX)
	s.get("/certificates/:id", caseViewers, certs.Show)
	s.get("/certificates/:id/pdf", caseViewers, certs.PDF)
	s.get("/certificates/:id/evidence/:file", caseViewers, certs.Evidence)

	// Officers of the review chain: the institution file (一户一档), exits, opinions.
	dash := handlers.NewDashboards(s.store, s.clock)
	s.get("/dashboard", reviewOfficers, dash.Show)
	s.get("/dashboard.xlsx", reviewOfficers, dash.XLSX)
	s.get("/dashboard/disclosure", reviewOfficers, dash.Disclosure)
	s.get("/dashboard/disclosure.xlsx", reviewOfficers, dash.DisclosureXLSX)
	s.get("/platform/dashboard", platforms, dash.Platform)
	warn := handlers.NewWarnings(s.store, files, s.sessions, s.clock)
	s.get("/warnings", reviewOfficers, warn.List)
	s.get("/warnings.xlsx", reviewOfficers, warn.XLSX)
	s.get("/warnings/settings", objectionReviewers, warn.Settings)
	s.post("/warnings/settings", objectionReviewers, warn.SaveSettings)
	s.get("/warnings/:id", reviewOfficers, warn.Show)
	s.post("/warnings/:id/close", districts, limitBody(objectionBodyLimit, warn.Close))
	s.get("/warnings/:id/files/:file", reviewOfficers, warn.File)
	s.get("/institutions", officers, inst.List)
	s.get("/institutions.xlsx", officers, inst.XLSX)
	s.get("/institutions/:id", officers, inst.Show)
	s.get("/disclosure/mismatches", reviewOfficers, checks.Mismatches)
	s.get("/disclosure/mismatches.xlsx", reviewOfficers, checks.MismatchesXLSX)
	s.get("/disclosure/cap-violations", reviewOfficers, checks.Caps)
	s.get("/disclosure/cap-violations.xlsx", reviewOfficers, checks.CapsXLSX)
	s.get("/institutions/:id/file", reviewOfficers, plat.OfficerFile)
	s.get("/institutions/:id/file/history", reviewOfficers, plat.OfficerFileHistory)
	s.post("/applications/:id/exit", reviewOfficers, rv.Exit)
	s.get("/applications/:id/opinions/:oid/opinion.pdf", reviewOfficers, rv.OpinionPDF("opinion"))
	s.get("/applications/:id/opinions/:oid/check.pdf", reviewOfficers, rv.OpinionPDF("check"))

	// Officers of the review chain, after filing: disclosure supervision in their
	// jurisdiction (issue 11).
	s.get("/disclosure", reviewOfficers, mon.List)
	s.get("/disclosure.xlsx", reviewOfficers, mon.XLSX)
	s.get("/disclosure/events", reviewOfficers, mon.Events)
	s.get("/disclosure/events.xlsx", reviewOfficers, mon.EventsXLSX)
	s.get("/disclosure/scores", reviewOfficers, mon.Ranking)
	s.get("/disclosure/rules", objectionReviewers, mon.Rules) // the city and the province choose the rule set
	s.post("/disclosure/rules", objectionReviewers, mon.SetRules)
	s.get("/disclosure/scores.xlsx", reviewOfficers, mon.RankingXLSX)
	s.get("/institutions/:id/disclosure", reviewOfficers, mon.Institution)
	s.get("/institutions/:id/disclosure/score", reviewOfficers, mon.Score)
	s.get("/institutions/:id/disclosure/:period", reviewOfficers, mon.Indicators)
	s.get("/institutions/:id/disclosure/:period/versions", reviewOfficers, mon.Versions)

	// Districts: the queue, claim and assign, the on-site check, materials, decisions.
	s.get("/district", districts, q.Show)
	s.get("/district.xlsx", districts, q.XLSX)
	s.post("/applications/:id/district/claim", districts, rv.Claim)
	s.post("/applications/:id/district/assign", districts, rv.Assign)
	s.get("/applications/:id/onsite", districts, on.Form)
	s.post("/applications/:id/onsite", districts, on.Save)
	s.post("/applications/:id/onsite/papers", districts, limitBody(paperBodyLimit, on.UploadPaper))
	s.post("/applications/:id/materials/:mid/accept", districts, rv.ReviewMaterial(models.ReviewAccepted))
	s.post("/applications/:id/materials/:mid/return", districts, rv.ReviewMaterial(models.ReviewReturned))
	s.post("/applications/:id/district/return", districts, rv.Return)
	s.post("/applications/:id/district/pass", districts, rv.Pass("审核合格，已出具审核意见并报送上级"))
	s.post("/applications/:id/district/fail", districts, rv.Fail)

	// Cities: the overview, the preliminary acceptance, windows, deadlines, complaints.
	s.get("/city", cities, q.Show)
	s.get("/city.xlsx", cities, q.XLSX)
	s.post("/applications/:id/city/pass", cities, rv.Pass("初验合格，已提交专责小组审定"))
	s.post("/applications/:id/city/disagree", cities, rv.Disagree)
	s.post("/applications/:id/city/confirm", cities, rv.Confirm)
	s.get("/city/window", cities, win.Page)
	s.post("/city/window/:city", cities, win.Set)
	s.get("/city/deadlines", cities, clk.Page)
	s.post("/city/deadlines/:city", cities, clk.Set)
	s.get("/city/complaints", cities, creview.List)
	s.get("/city/complaints.xlsx", cities, creview.XLSX)
	s.get("/city/complaints/:id", cities, creview.Show)
	s.post("/city/complaints/:id/verify", cities, creview.Verify)
	s.get("/city/complaints/:id/files/:file", cities, creview.File)

	// The city or the province, as the workflow routes the objection.
	s.post("/applications/:id/objection-review/uphold", objectionReviewers, rv.ResolveObjection(models.EventUphold))
	s.post("/applications/:id/objection-review/reject", objectionReviewers, rv.ResolveObjection(models.EventReject))

	// Provinces: the joint acceptance, sign-off and certificates, filing, complaints.
	s.get("/province", provinces, q.Show)
	s.get("/province.xlsx", provinces, q.XLSX)
	s.post("/applications/:id/province/pass", provinces, rv.Pass("联合验收合格，公示已开始"))
	s.post("/applications/:id/province/return", provinces, rv.Return)
	s.post("/applications/:id/province/fail", provinces, rv.Fail)
	s.get("/province/signoff", provinces, certs.SignoffQueue)
	s.get("/province/signoff.xlsx", provinces, certs.SignoffXLSX)
	s.post("/province/signoff/:id", provinces, certs.SignOff)
	s.post("/province/certificates/:id/revoke", provinces, certs.Revoke)
	s.get("/province/filing", provinces, filing.Queue)
	s.get("/province/filing.xlsx", provinces, filing.XLSX)
	s.post("/province/filing/:id", provinces, filing.Record)
	s.get("/province/complaints", provinces, creview.List)
	s.get("/province/complaints.xlsx", provinces, creview.XLSX)

	// Custody banks: the relationships the platforms' files imply, the platforms confirmed,
	// the monthly statements by form and by XLSX through the one intake (issue 12 §3).
	s.get("/bank", banks, bank.Home)
	s.post("/bank/relationships/:id", banks, bank.Decide)
	s.get("/bank/platforms", banks, bank.Platforms)
	s.get("/bank/platforms.xlsx", banks, bank.PlatformsXLSX)
	s.get("/bank/platforms/:id", banks, bank.Platform)
	s.post("/bank/platforms/:id/statements", banks, bank.SubmitStatement)
	s.post("/bank/platforms/:id/statements/upload", banks, limitBody(s.cfg.materialBodyLimit(), bank.UploadStatement))
	s.get("/bank/statements/template.xlsx", banks, bank.Template)
	s.get("/bank/tokens", banks, bankAPI.Tokens)
	s.post("/bank/tokens", banks, bankAPI.CreateToken)
	s.post("/bank/tokens/:id/revoke", banks, bankAPI.RevokeToken)

	// The system administrator: accounts and reference data (windows, calendar, deadlines).
	s.get("/admin/users", accountAdmins, adm.Users)
	s.get("/admin/users/new", sysadmins, adm.NewUser)
	s.post("/admin/users", sysadmins, adm.CreateUser)
	s.post("/admin/users/:id/disable", sysadmins, adm.Disable)
	s.post("/admin/users/:id/enable", sysadmins, adm.Enable)
	s.get("/admin/users/:id/reset", sysadmins, adm.ResetForm)
	s.post("/admin/users/:id/reset", sysadmins, adm.Reset)
	s.get("/admin/users/:id/email", sysadmins, adm.EmailForm)
	s.post("/admin/users/:id/email", sysadmins, adm.SetEmail)
	s.get("/admin/jobs", sysadmins, jobsAdm.List) // failed background jobs: operating the system
	s.post("/admin/jobs/:id/retry", sysadmins, jobsAdm.Retry)
	s.get("/admin/windows", sysadmins, win.Page)
	s.post("/admin/windows/:city", sysadmins, win.Set)
	s.get("/admin/calendar", sysadmins, cal.Show)
	s.post("/admin/calendar", sysadmins, cal.Add)
	s.post("/admin/calendar/:year", sysadmins, cal.Correct)
	s.get("/admin/deadlines", sysadmins, clk.Page)
	s.post("/admin/deadlines/:city", sysadmins, clk.Set)
	s.get("/admin/custody-banks", sysadmins, custody.List) // the evaluated custody banks: hard line 6 by data
	s.post("/admin/custody-banks", sysadmins, custody.Create)
	s.get("/admin/custody-banks/:id", sysadmins, custody.Edit)
	s.post("/admin/custody-banks/:id", sysadmins, custody.Update)

	// The security administrator: roles, locks, the policy, second factors, sessions, API keys.
	s.post("/admin/users/:id/unlock", secadmins, adm.Unlock)
	s.get("/admin/users/:id/security", secadmins, sec.UserSecurity)
	s.post("/admin/users/:id/role", secadmins, sec.ChangeRole)
	s.post("/admin/users/:id/totp-reset", secadmins, sec.ResetTOTP)
	s.post("/admin/users/:id/sessions/end", secadmins, sec.EndSessions)
	s.post("/admin/users/:id/sessions/:ref/end", secadmins, sec.EndSession)
	s.get("/admin/security", secadmins, sec.Policy)
	s.post("/admin/security", secadmins, sec.SetPolicy)
	s.get("/admin/api-keys", secadmins, keys.List)
	s.post("/admin/api-keys", secadmins, keys.Create)
	s.post("/admin/api-keys/:id/revoke", secadmins, keys.Revoke)

	// The audit administrator: reads the trail and verifies the chain; its reads are audited.
	s.get("/admin/audit", auditadmins, aud.List)
	s.get("/admin/audit.xlsx", auditadmins, aud.XLSX)
	s.get("/admin/chain", auditadmins, chain.Show)
}
