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
//
// 00077 runs River's own migrations up to RiverSchemaVersion. It runs outside goose's
// transaction because River's version 6 adds an enum value and uses it, which PostgreSQL
// allows only after the adding transaction commits; River applies each of its versions
// in a transaction of its own and records it in river_migration, so a run cut short
// resumes where it stopped.
func Go() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(77,
			&goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error {
				return river(ctx, db, rivermigrate.DirectionUp, RiverSchemaVersion)
			}},
			&goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error { return river(ctx, db, rivermigrate.DirectionDown, -1) }}),
	}
}

func river(ctx context.Context, db *sql.DB, dir rivermigrate.Direction, target int) error {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, dir, &rivermigrate.MigrateOpts{TargetVersion: target})
	return err
}
