// Package storetest gives every test its own database on a throwaway PostgreSQL cluster:
// one cluster per test binary, one migrated template, one clone per test.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"

	"portal/models"
	"portal/models/store"
	"portal/models/store/pgcluster"
)

var (
	root    string // the cluster's temporary folder, removed at the end
	cluster *pgcluster.Cluster
	admin   *sql.DB
	counter atomic.Int64
)

// Template names: an empty migrated database, and one with the demo data loaded.
const (
	Empty = "tmpl_empty"
	Demo  = "tmpl_demo"
)

// Main starts the cluster and templates, runs the tests and stops the cluster. Use it
// from TestMain: os.Exit(storetest.Main(m)). Anything missing fails the run loudly.
func Main(m *testing.M) int {
	models.PasswordCost = bcrypt.MinCost
	if err := start(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: cannot start the test database:", err)
		if cluster != nil {
			_ = cluster.Stop()
		}
		_ = os.RemoveAll(root)
		return 1
	}
	code := m.Run()
	admin.Close()
	if err := cluster.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
	}
	_ = os.RemoveAll(root)
	return code
}

func start() error {
	ctx := context.Background()
	var err error
	root, err = os.MkdirTemp("", "portal-test-pg-")
	if err != nil {
		return err
	}
	// the postgres user must be able to reach the data directory below this folder
	if err := os.Chmod(root, 0o755); err != nil {
		return err
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		return err
	}
	cluster, err = pgcluster.Start(ctx, pgcluster.Options{
		DataDir:  filepath.Join(root, "data"),
		Port:     port,
		CacheDir: filepath.Join(os.TempDir(), fmt.Sprintf("portal-initdb-cache-%d", os.Geteuid()), "scram"),
		Fast:     true,
	})
	if err != nil {
		return err
	}
	admin, err = sql.Open("pgx", cluster.DSN("postgres"))
	if err != nil {
		return err
	}
	for _, name := range []string{Empty, Demo} {
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			return err
		}
		if err := prepare(ctx, name, name == Demo); err != nil {
			return fmt.Errorf("preparing %s: %w", name, err)
		}
	}
	return nil
}

func prepare(ctx context.Context, name string, demo bool) error {
	st, err := store.Open(ctx, cluster.DSN(name))
	if err != nil {
		return err
	}
	defer st.Close()
	db, err := st.SQLDB()
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx, db); err != nil {
		return err
	}
	if demo {
		return st.SeedDemo(ctx)
	}
	return nil
}

// DSN clones template into a fresh database for t, dropped when t ends, and returns
// its connection string.
func DSN(t testing.TB, template string) string {
	t.Helper()
	if cluster == nil {
		t.Fatal("storetest: no test cluster; call storetest.Main from TestMain")
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", name, template)); err != nil {
		t.Fatalf("storetest: cloning %s: %v", template, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return cluster.DSN(name)
}

// New returns a store on a fresh clone of template.
func New(t testing.TB, template string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), DSN(t, template))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
