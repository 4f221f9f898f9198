package web

import (
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/riverqueue/river"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/static"
	"portal/views/layout"
	"portal/web/jobs"
	"portal/web/mail"
)

// Server is the assembled web application.
type Server struct {
	Echo      *echo.Echo
	store     *store.Store
	sessions  sessionManager
	clock     func() time.Time
	log       *slog.Logger
	cfg       Config
	access    map[string]access      // "METHOD path" → who may use it, for the authorization matrix
	files     *files.Local           // every upload: materials, evidence, complaint attachments
	queue     *river.Client[*sql.Tx] // River: the workers of web/jobs and the scheduled jobs
	scheduled []jobs.Scheduled
	mailer    mail.Sender
	metrics   *metrics
}

// access declares who may use a route: Public, or signed-in users of the listed roles.
type access struct {
	Public bool
	Roles  []models.Role
}

// New builds the server on st. clock is the time source of every handler and job.
func New(cfg Config, st *store.Store, clock func() time.Time, log *slog.Logger) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{Echo: e, store: st, clock: clock, log: log, cfg: cfg, access: map[string]access{}}
	s.sessions = sessionManager{store: newPGSessions(st, cfg.SessionKey, cfg.SecureOnly, clock)}
	layout.StaticVersion = static.Version()
	fs, err := files.NewLocal(s.FilesDir())
	if err != nil {
		panic(err) // a server that cannot keep uploads must not start
	}
	s.files = fs
	if err := s.setupJobs(); err != nil {
		panic(err) // River refuses only a malformed configuration
	}
	s.metrics = newMetrics(s)

	e.HTTPErrorHandler = errorHandler(log)
	e.IPExtractor = echo.ExtractIPDirect()
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	// The chain, in order: recover, request id, access log, security headers, session and
	// user, CSRF. Role guards sit on the route groups.
	e.Use(middleware.Recover())
	e.Use(s.metrics.middleware)
	e.Use(middleware.RequestID())
	e.Use(withShell)
	e.Use(accessLog(log))
	e.Use(securityHeaders(cfg.SecureOnly))
	e.Use(boundedInput)
	e.Use(s.loadUser)
	e.Use(csrf(cfg.SecureOnly))
	s.routes()
	return s
}

// BaseURL is the configured public address every absolute URL is built from.
func (s *Server) BaseURL() string { return s.cfg.base() }

// ListenAndServe serves until the server is shut down.
func (s *Server) ListenAndServe() error {
	srv := &http.Server{Addr: s.cfg.Addr, Handler: s.Echo, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	s.Echo.Server = srv
	return srv.ListenAndServe()
}

// Access reports who may use a registered route: ok is false for a route that declared
// no rule, which the authorization-matrix test refuses.
func (s *Server) Access(method, path string) (public bool, roles []models.Role, ok bool) {
	a, ok := s.access[method+" "+path]
	return a.Public, a.Roles, ok
}
