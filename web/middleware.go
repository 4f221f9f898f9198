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

// withShell gives every request the page-frame data the views read from its context.
func withShell(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		shell := &layout.Shell{RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Path: c.Request().URL.Path}
		c.SetRequest(c.Request().WithContext(layout.WithShell(c.Request().Context(), shell)))
		return next(c)
	}
}

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
		handlers.EnableFlashes(c, s.sessions)
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
		if layout.ShellFrom(ctx).Unread, err = s.store.UnreadCount(ctx, u.ID); err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		if u.MustChangePassword && !mayUseBeforePasswordChange(c.Request().URL.Path) {
			return c.Redirect(http.StatusSeeOther, "/account/password")
		}
		return next(c)
	}
}

// sessionUnavailableKey holds the error of a session that could not be read because the
// database was unavailable.
const sessionUnavailableKey = "portal.sessionUnavailable"

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
