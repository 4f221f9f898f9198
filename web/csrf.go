package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
)

const (
	platformAPIPrefix = "/api/v1/platform/"
	bankAPIPrefix     = "/api/v1/bank/" // the custody bank's statements: a token header too
	csrfCookie        = "portal_csrf"
	csrfKey           = "portal.csrf" // the request's token, for the page frame
)

// csrf is a double-submit token check: the token sits in an HttpOnly cookie and in every
// form (hidden field _csrf), header X-CSRF-Token, or, for streamed multipart uploads, the
// query string, so the check never has to read a large body. Every unsafe method needs it.
// It runs before the session is loaded, so a refused request costs no query.
func csrf(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			token := ""
			if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
				token = ck.Value
			}
			switch {
			case c.Request().Method == http.MethodGet, c.Request().Method == http.MethodHead, c.Request().Method == http.MethodOptions:
			case strings.HasPrefix(c.Request().URL.Path, platformAPIPrefix), strings.HasPrefix(c.Request().URL.Path, bankAPIPrefix):
				// the platform reporting API authenticates by a token header, never by the
				// session cookie: a cross-site page can neither send that header nor ride on it
			default:
				if token == "" || !tokenMatches(token, submittedToken(c)) {
					return models.Errorf(models.EForbidden, "安全校验失败：页面已过期或请求来源无法确认。请返回上一页，刷新后重新提交。")
				}
			}
			if token == "" {
				token = newCSRFToken()
				c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure || overTLS(c.Request()), SameSite: http.SameSiteLaxMode})
			}
			c.Set(csrfKey, token)
			return next(c)
		}
	}
}

func submittedToken(c echo.Context) string {
	if t := c.Request().Header.Get("X-CSRF-Token"); t != "" {
		return t
	}
	if t := c.QueryParam("_csrf"); t != "" {
		return t
	}
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
		return c.FormValue("_csrf")
	}
	return ""
}

func tokenMatches(want, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
