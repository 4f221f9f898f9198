package pgcluster

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// startTest starts a cluster of its own for t, from the shared pristine copy.
func startTest(t *testing.T) (*Cluster, Options) {
	t.Helper()
	// No password may come from the environment or ~/.pgpass.
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))
	root := reachableDir(t)
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{DataDir: filepath.Join(root, "data"), Port: port, Fast: true,
		CacheDir: filepath.Join(os.TempDir(), fmt.Sprintf("portal-initdb-cache-%d", os.Geteuid()), "scram")}
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c, opts
}

// reachableDir is a temporary folder the postgres user can reach (t.TempDir's parent is
// private), removed after the test.
func reachableDir(t *testing.T) string {
	t.Helper()
	root, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

func connect(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// wantAuthRefused checks that err is the server refusing the login (SQLSTATE 28P01,
// invalid_password), not some other failure.
func wantAuthRefused(t *testing.T, what string, err error) {
	t.Helper()
	var pe *pgconn.PgError
	if err == nil {
		t.Fatalf("%s: connected; want the server to refuse it", what)
	}
	if !asPgError(err, &pe) || pe.Code != "28P01" {
		t.Fatalf("%s: %v; want password authentication failed (28P01)", what, err)
	}
}

// The private server asks for a password: without one, or with a wrong one, it refuses
// (issue 8, 2.11). The password sits in a 0600 file beside the data folder.
func TestPasswordlessConnectionIsRefused(t *testing.T) {
	c, opts := startTest(t)
	if err := connect(c.DSN("postgres")); err != nil {
		t.Fatalf("with the password: %v", err)
	}
	wantAuthRefused(t, "without a password", connect(c.PasswordlessDSN("postgres")))
	wantAuthRefused(t, "with a wrong password", connect(c.dsn("postgres", "not-the-password")))
	info, err := os.Stat(opts.DataDir + "/../password")
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode %v; want 0600", info.Mode().Perm())
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		t.Fatalf("password file owned by %v; want the portal's user %d", info.Sys(), os.Geteuid())
	}
	hba, _ := os.ReadFile(filepath.Join(opts.DataDir, "pg_hba.conf"))
	if trust, _ := usesTrust(opts.DataDir); trust {
		t.Fatalf("pg_hba.conf still trusts:\n%s", hba)
	}
}

// A data folder made before passwords were required (initdb --auth=trust) is switched
// over on the next start.
func TestTrustClusterIsSwitchedToPasswords(t *testing.T) {
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "none"))
	root := reachableDir(t)
	dir := filepath.Join(root, "data")
	owner, err := serverOwner()
	if err != nil {
		t.Fatal(err)
	}
	if err := makeOwnedDir(dir, owner); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(DefaultBinDir, "initdb"), "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port, _ := FreePort()
	c, err := Start(context.Background(), Options{DataDir: dir, Port: port, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := connect(c.DSN("postgres")); err != nil {
		t.Fatalf("with the new password: %v", err)
	}
	wantAuthRefused(t, "without a password", connect(c.PasswordlessDSN("postgres")))
	// and after a restart, the password file is what lets the portal in
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c2, err := Start(context.Background(), Options{DataDir: dir, Port: port, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Stop()
	if err := connect(c2.DSN("postgres")); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	wantAuthRefused(t, "without a password after a restart", connect(c2.PasswordlessDSN("postgres")))
}

// A postmaster killed with SIGKILL is restarted by the supervisor (issue 8, 3.1).
func TestSupervisorRestartsAKilledServer(t *testing.T) {
	c, _ := startTest(t)
	restarted := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Supervise(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), Hooks{Restarted: func() { restarted <- struct{}{} }})
	old := c.Pid()
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-restarted:
	case <-time.After(2 * time.Minute): // a bound on a broken supervisor, not a timing check
		t.Fatal("the killed server was not restarted")
	}
	if c.Pid() == old || c.Pid() == 0 {
		t.Fatalf("pid %d after restart; old %d", c.Pid(), old)
	}
	if err := connect(c.DSN("postgres")); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	// Stop ends supervision: the server stays down.
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if c.isStopping() != true {
		t.Fatal("Stop did not end supervision")
	}
}

// A second run recovers when an old postmaster of the same folder still holds the port,
// even when its pid file is gone (issue 8, 3.1).
func TestStartRecoversFromAnOldServerOnThePort(t *testing.T) {
	old, opts := startTest(t)
	oldPid := old.Pid()
	// The first owner is gone without stopping its server, and the pid file is lost.
	if err := os.Rename(filepath.Join(opts.DataDir, "postmaster.pid"), filepath.Join(opts.DataDir, "postmaster.pid.lost")); err != nil {
		t.Fatal(err)
	}
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if c.Pid() == oldPid {
		t.Fatal("the old server is still the one running")
	}
	if syscall.Kill(oldPid, 0) == nil {
		// a zombie until the old Cluster reaps it: check that it is no longer postgres-alive
		if stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", oldPid)); len(stat) > 0 && !isZombie(stat) {
			t.Fatalf("old postmaster %d still runs", oldPid)
		}
	}
	if err := connect(c.DSN("postgres")); err != nil {
		t.Fatal(err)
	}
}
