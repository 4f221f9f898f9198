package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
)

// RiverSchemaVersion is the River migration (line "main") the portal is pinned to: the
// schema of the River module in go.mod, applied by goose as migration 00077 so a server
// never runs River's own migrator at start-up.
const RiverSchemaVersion = 8

// Go is the list of Go migrations beside the SQL files.
func Go() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(77,
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return river(ctx, tx, rivermigrate.DirectionUp, RiverSchemaVersion) }},
			&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error { return river(ctx, tx, rivermigrate.DirectionDown, -1) }}),
	}
}

// river runs River's own migrations for the pinned version inside goose's transaction.
func river(ctx context.Context, tx *sql.Tx, dir rivermigrate.Direction, target int) error {
	m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if err != nil {
		return err
	}
	_, err = m.MigrateTx(ctx, tx, dir, &rivermigrate.MigrateOpts{TargetVersion: target})
	return err
}
