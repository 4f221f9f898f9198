// Package store is the only package that talks to the database. Each mutating method
// runs in one transaction: lock, load, apply the pure rule from models, write the change
// and its record, commit.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"portal/migrations"
	"portal/models"
)

// Store wraps the database handle.
type Store struct {
	db       *gorm.DB
	calendar calendarCache          // the working-day calendar, read again when calendar_version moves
	signer   Signer                 // signs certificates at issuance (issue 14 §2); nil: unsigned
	writes   *atomic.Uint64         // committed changes by this process (faults.go)
	queue    *river.Client[*sql.Tx] // insert-only: jobs enqueued in a store transaction
}

// Open connects to dsn and checks the connection.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	writes := new(atomic.Uint64)
	cfg.Tracer = writeTracer{n: writes}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*cfg)}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	s := &Store{db: db, writes: writes}
	if err := s.initQueue(); err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	return s, nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// SQLDB exposes the pool for migrations and tests.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }

// Migrate applies the embedded goose migrations.
func Migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return err
	}
	// Out of order is allowed: numbers are reserved in ranges for work done in parallel, so
	// a database migrated before a lower-numbered migration landed (a developer's ./var,
	// a staging server) applies it next instead of refusing to start.
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithGoMigrations(migrations.Go()...),
		goose.WithAllowOutofOrder(true))
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		slog.Debug("migration applied", "version", r.Source.Version, "file", r.Source.Path)
	}
	return err
}

// tx runs fn in one transaction.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// notFound turns gorm's missing-row error into the coded 404 error.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Errorf(models.ENotFound, "%s不存在或不在您的管辖范围内", what)
	}
	return err
}
