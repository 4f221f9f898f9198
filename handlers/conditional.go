package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/views/layout"
)

// Conditional sets an ETag made of parts and answers 304 when the visitor has it; the
// caller renders only when it returns false.
func Conditional(c echo.Context, parts ...any) bool {
	sum := sha256.Sum256(fmt.Append(nil, append(parts, layout.StaticVersion)...))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	if CurrentUser(c) == nil {
		hd.Set("Cache-Control", "public, no-cache")
	}
	if ETagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		_ = c.NoContent(http.StatusNotModified)
		return true
	}
	return false
}

// ETagMatches reports whether an If-None-Match header names etag.
func ETagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
