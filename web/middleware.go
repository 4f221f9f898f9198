package web

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/handlers"
	"portal/models"
	"portal/models/store"
	"portal/views/layout"
)

// withShell builds the request's page frame once, from what the middleware before it
// found (CSRF token, user, unread count); nothing writes it afterwards.
func (s *Server) withShell(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s.attachShell(c)
		return next(c)
	}
}

// attachShell puts the frame into the request's context; the error page of a request
// refused before withShell (CSRF) gets it this way too.
func (s *Server) attachShell(c echo.Context) {
	if c.Get(shellKey) != nil {
		return
	}
	c.Set(shellKey, true)
	sh := layout.Shell{RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Path: c.Request().URL.Path, User: handlers.CurrentUser(c)}
	sh.CSRF, _ = c.Get(csrfKey).(string)
	sh.Unread, _ = c.Get(unreadKey).(int)
	sh.PasswordDaysLeft, _ = c.Get(passwordDaysKey).(int)
	var pop func() []layout.Flash
	if c.Get(sessionLoadedKey) != nil {
		pop = func() []layout.Flash { return s.sessions.PopFlashes(c) }
	}
	c.SetRequest(c.Request().WithContext(layout.WithShell(c.Request().Context(), sh.WithFlashes(pop))))
}

const (
	shellKey         = "portal.shell"
	unreadKey        = "portal.unread"
	passwordDaysKey  = "portal.passwordDaysLeft"
	sessionLoadedKey = "portal.sessionLoaded"
)

// accessLog logs each request without its query string, so tokens never reach the log.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			attrs := []any{"id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
				"path", c.Request().URL.Path, "status", c.Response().Status, "ms", time.Since(start).Milliseconds(), "ip", c.RealIP()}
			if u := handlers.CurrentUser(c); u != nil {
				attrs = append(attrs, "user", u.Username)
			}
			log.Info("request", attrs...)
			return nil
		}
	}
}

// securityHeaders sets the headers every response carries.
func securityHeaders(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if secure {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	}
}

// loadUser resolves the session to its user. A disabled or deleted account ends the
// session at once; pages of a signed-in user are never cached.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(sessionLoadedKey, true)
		sess, err := s.sessions.store.Get(c.Request(), sessionName)
		if err != nil && store.IsUnavailable(err) {
			// The session cannot be read while the database is down: the visitor goes on
			// as anonymous for the public pages (served stale from the cache), and the
			// role guard answers 503 instead of sending a signed-in user to the login page.
			c.Set(sessionUnavailableKey, err)
			return next(c)
		}
		uid, ok := sess.Values["uid"].(int64)
		if !ok {
			return next(c)
		}
		ctx := c.Request().Context()
		u, err := s.store.UserByID(ctx, uid)
		if err != nil || u.Disabled {
			if models.ErrorCode(err) == models.EInternal {
				return err
			}
			if err := s.sessions.Logout(c); err != nil {
				return err
			}
			return next(c)
		}
		if err := s.store.TouchSession(ctx, sess.ID, s.clock()); err != nil {
			return err
		}
		handlers.SetCurrentUser(c, u)
		// the header's inbox badge (one query per page)
		unread, err := s.store.UnreadCount(ctx, u.ID)
		if err != nil {
			return err
		}
		c.Set(unreadKey, unread)
		c.Response().Header().Set("Cache-Control", "no-store")
		policy, err := s.store.SecurityPolicy(ctx)
		if err != nil {
			return err
		}
		path := c.Request().URL.Path
		age := policy.AgeOf(u.PasswordChangedAt, s.clock())
		// A new or reset account, or an expired password, changes it before anything else;
		// then staff who must use a second factor enrol it (issue 14 §1.1, §1.3).
		if (u.MustChangePassword || age.Expired) && !mayUseBeforePasswordChange(path) {
			return c.Redirect(http.StatusSeeOther, "/account/password")
		}
		if !u.TOTPEnabled() && models.TOTPRequired(u.Role, policy, s.cfg.Production()) && !mayUseBeforeEnrolment(path) {
			return c.Redirect(http.StatusSeeOther, "/account/totp")
		}
		if age.Warn {
			c.Set(passwordDaysKey, age.DaysLeft)
		}
		return next(c)
	}
}

// sessionUnavailableKey holds the error of a session that could not be read because the
// database was unavailable.
const sessionUnavailableKey = "portal.sessionUnavailable"

// mayUseBeforeEnrolment: the enrolment page, signing out and the page's assets.
func mayUseBeforeEnrolment(path string) bool {
	return path == "/account/totp" || mayUseBeforePasswordChange(path)
}

func mayUseBeforePasswordChange(path string) bool {
	return path == "/account/password" || path == "/logout" || strings.HasPrefix(path, "/static/")
}

// requireRole is the guard on a route group: anonymous visitors go to the login page,
// other roles get 403.
func requireRole(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := handlers.CurrentUser(c)
			if err, down := c.Get(sessionUnavailableKey).(error); u == nil && down {
				return err
			}
			if u == nil {
				return models.Errorf(models.EUnauthorized, "请先登录")
			}
			if len(roles) > 0 && !slices.Contains(roles, u.Role) {
				return models.Errorf(models.EForbidden, "您的角色（%s）无权访问此页面", u.Role.Label())
			}
			return next(c)
		}
	}
}
