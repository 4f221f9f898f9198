package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/handlers"
	"portal/models"
	"portal/static"
)

// group registers routes under a prefix behind one guard and records who may use each.
type group struct {
	s      *Server
	prefix string
	access access
	guard  []echo.MiddlewareFunc
}

func (s *Server) group(prefix string, a access) *group {
	var mw []echo.MiddlewareFunc
	if !a.Public {
		mw = append(mw, requireRole(a.Roles...))
	}
	return &group{s: s, prefix: prefix, access: a, guard: mw}
}

// add puts the guard on the route itself rather than using echo.Group, whose catch-all
// routes would send unknown URLs through the guard instead of answering 404.
func (g *group) add(method, path string, h echo.HandlerFunc) {
	g.s.Echo.Add(method, g.prefix+path, h, g.guard...)
	g.s.access[method+" "+g.prefix+path] = g.access
}

func (g *group) get(path string, h echo.HandlerFunc)  { g.add(http.MethodGet, path, h) }
func (g *group) post(path string, h echo.HandlerFunc) { g.add(http.MethodPost, path, h) }

var (
	anyone     = access{Public: true}
	signedIn   = access{} // any role
	platforms  = access{Roles: []models.Role{models.RolePlatform}}
	districts  = access{Roles: []models.Role{models.RoleDistrict}}
	cities     = access{Roles: []models.Role{models.RoleCity}}
	provinces  = access{Roles: []models.Role{models.RoleProvince}}
	officers   = access{Roles: []models.Role{models.RoleDistrict, models.RoleCity, models.RoleProvince, models.RoleAdmin}}
	adminsOnly = access{Roles: []models.Role{models.RoleAdmin}}
)

// routes is the one route table. Reading it shows who may do what.
func (s *Server) routes() {
	auth := handlers.NewAuth(s.store, s.sessions, s.clock, s.cfg.LoginPause)
	inst := handlers.NewInstitutions(s.store, s.clock)
	acct := handlers.NewAccount(s.store, s.sessions, s.clock)
	adm := handlers.NewAdmin(s.store, s.sessions, s.clock)
	home := handlers.NewHome(s.store)
	mailPrefs := handlers.NewAccountMail(s.store, s.sessions, s.clock)
	jobsAdm := handlers.NewJobs(s.store, s.sessions, s.clock)

	pub := s.group("", anyone)
	pub.get("/", home.Root) // the public home; a signed-in user goes on to their role's home
	pub.get("/guide", home.Guide)
	pub.get("/complaints", home.LookupComplaint)
	pub.get("/login", auth.Form)
	pub.post("/login", auth.Login)
	pub.get("/healthz", handlers.Health(s.store))
	pub.get("/livez", handlers.Live)                  // the process answers: restart it if not
	pub.get("/readyz", handlers.Health(s.store))      // the database answers: send it traffic
	pub.get("/metrics", s.metrics.handler(s.cfg.Ops)) // Prometheus; configured addresses only, others 404
	pub.get("/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticHandler(static.FS))))

	user := s.group("", signedIn)
	user.post("/logout", auth.Logout)
	user.get("/account", mailPrefs.Settings)
	user.post("/account/mail", mailPrefs.SetMail)
	user.get("/account/password", acct.PasswordForm)
	user.post("/account/password", acct.ChangePassword)

	plat := s.group("/platform", platforms)
	plat.get("", inst.PlatformHome)

	// The officer homes (/district, /city, /province) are the review queues: routes_review.go.

	off := s.group("/institutions", officers)
	off.get("", inst.List)
	off.get("/:id", inst.Show)

	adm_ := s.group("/admin", adminsOnly)
	adm_.get("/users", adm.Users)
	adm_.get("/users/new", adm.NewUser)
	adm_.post("/users", adm.CreateUser)
	adm_.post("/users/:id/disable", adm.Disable)
	adm_.post("/users/:id/enable", adm.Enable)
	adm_.post("/users/:id/unlock", adm.Unlock)
	adm_.get("/users/:id/reset", adm.ResetForm)
	adm_.post("/users/:id/reset", adm.Reset)
	adm_.get("/users/:id/email", adm.EmailForm)
	adm_.post("/users/:id/email", adm.SetEmail)
	adm_.get("/audit", adm.Audit)
	adm_.get("/jobs", jobsAdm.List)
	adm_.post("/jobs/:id/retry", jobsAdm.Retry)

	s.platformRoutes()
	s.reviewRoutes()
	s.publicRoutes()
}
