// Package apidoc embeds the OpenAPI 3 document of the open data API.
package apidoc

import _ "embed"

// OpenAPI is the document served at /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte
