package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/jackc/pgx/v5/stdlib"

	"portal/models/store"
	"portal/models/store/pgcluster"
	"portal/web"
)

// database is the migrated store and, without DATABASE_URL, the private cluster under it.
type database struct {
	store   *store.Store
	cluster *pgcluster.Cluster
	cfg     web.Config
	dsn     string
}

func (d *database) close() {
	if d.store != nil {
		d.store.Close()
	}
	if d.cluster != nil {
		if err := d.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "停止私有 PostgreSQL:", err)
		} else {
			fmt.Fprintln(os.Stderr, "私有 PostgreSQL 已停止")
		}
	}
}

// openDatabase connects to DATABASE_URL, or starts the private cluster and creates the
// portal database in it, then migrates.
func openDatabase(ctx context.Context) (*database, error) {
	d, err := connectDatabase(ctx)
	if err != nil {
		return nil, err
	}
	sqlDB, err := d.store.SQLDB()
	if err == nil {
		err = store.Migrate(ctx, sqlDB)
	}
	if err != nil {
		d.close()
		return nil, fmt.Errorf("数据库迁移失败: %w", err)
	}
	return d, nil
}

// connectDatabase is openDatabase without the migration (restore needs the database as
// it is: empty).
func connectDatabase(ctx context.Context) (*database, error) {
	cfg, err := web.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	d := &database{cfg: cfg}
	dsn := cfg.DatabaseURL
	if dsn == "" {
		port := 54329
		if p := os.Getenv("PG_PORT"); p != "" {
			if port, err = strconv.Atoi(p); err != nil {
				return nil, fmt.Errorf("PG_PORT=%q is not a port number", p)
			}
		}
		d.cluster, err = pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(cfg.VarDir, "pg", "data"), Port: port})
		if err != nil {
			return nil, fmt.Errorf("无法启动私有 PostgreSQL: %w", err)
		}
		if err := createDatabase(ctx, d.cluster.DSN("postgres"), "portal"); err != nil {
			d.close()
			return nil, err
		}
		dsn = d.cluster.DSN("portal")
	}
	d.dsn = dsn
	d.store, err = store.Open(ctx, dsn)
	if err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func withDatabase(ctx context.Context, fn func(*database) error) error {
	d, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer d.close()
	return fn(d)
}

func createDatabase(ctx context.Context, adminDSN, name string) error {
	db, err := sql.Open("pgx", adminDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+name)
	return err
}
