package handlers

import (
	"github.com/labstack/echo/v4"

	"portal/handlers/apidoc"
)

// OpenAPI is GET /api/v1/openapi.json, the embedded document every response is
// validated against in the tests.
func (h *API) OpenAPI(c echo.Context) error {
	return c.Blob(200, echo.MIMEApplicationJSON, apidoc.OpenAPI)
}
