// Package migrations holds the goose SQL migrations, embedded into the binary so a
// deployment needs nothing but the executable.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
