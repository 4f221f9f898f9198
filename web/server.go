package web

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/riverqueue/river"

	"portal/handlers"
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
	Echo     *echo.Echo
	store    *store.Store
	sessions sessionManager
	clock    func() time.Time
	log      *slog.Logger
	cfg      Config
	access   map[string]access  // "METHOD path" → who may use it, for the authorization matrix
	files    files.Backend      // every upload: materials, evidence, complaint attachments
	keys     *Keys              // the province's SM2 signing key and the published key ring
	extracts *handlers.Extracts // the open data API's daily bulk files
	cache    *publicCache       // the anonymous public pages (publiccache.go)
	// River (issue 13 §1): the workers of web/jobs and the scheduled jobs.
	queue     *river.Client[*sql.Tx]
	scheduled []jobs.Scheduled
	mailer    mail.Sender
	metrics   *metrics // /metrics (metrics.go)
}

// New builds the server on st. clock is the time source of every handler and job.
func New(cfg Config, st *store.Store, clock func() time.Time, log *slog.Logger) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{Echo: e, store: st, clock: clock, log: log, cfg: cfg, access: map[string]access{}}
	s.sessions = sessionManager{store: newPGSessions(st, cfg.SessionKey, cfg.SecureOnly, clock)}
	layout.StaticVersion = static.Version()
	fs, err := OpenFiles(context.Background(), cfg)
	if err != nil {
		panic(err) // a server that cannot keep uploads must not start
	}
	s.files = fs
	keys, err := EnsureKeys(cfg.KeysDir(), !cfg.Production(), clock())
	if err != nil {
		panic(fmt.Sprintf("签名密钥: %v", err)) // serve checks first and says so; nothing signs without a key
	}
	s.keys = keys
	st.SetSigner(keys)
	if n, err := st.SignUnsigned(context.Background(), store.Actor{Now: clock()}); err != nil {
		log.Error("signing unsigned certificates", "err", err)
	} else if n > 0 {
		log.Info("signed certificates issued before the signing key", "count", n)
	}
	s.cache = newPublicCache(st.PublicVersion, st.Writes, clock)
	if err := s.setupJobs(); err != nil {
		panic(err) // River refuses only a malformed configuration
	}
	s.metrics = newMetrics(s)

	e.HTTPErrorHandler = s.errorHandler(log)
	e.IPExtractor = echo.ExtractIPDirect()
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	// The chain, in order: recover, request id, access log, security headers, bounded
	// input, CSRF (before any query), session and user, then the page frame, built once.
	// Role guards and the public cache sit on the routes.
	e.Use(middleware.Recover())
	e.Use(s.metrics.middleware)
	e.Use(middleware.RequestID())
	e.Use(accessLog(log))
	e.Use(securityHeaders(cfg.SecureOnly))
	e.Use(boundedInput)
	e.Use(csrf(cfg.SecureOnly))
	e.Use(s.loadUser)
	e.Use(s.withShell)
	s.routes()
	return s
}

// FilesDir is where uploads are kept on local disk (Config.FilesDir).
func (s *Server) FilesDir() string { return s.cfg.FilesDir() }

// ExtractsDir holds the daily bulk extracts of the open data API.
func (s *Server) ExtractsDir() string { return filepath.Join(s.cfg.VarDir, "extracts") }

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

// Keys is the province's signing key ring and current key.
func (s *Server) Keys() *Keys { return s.keys }
