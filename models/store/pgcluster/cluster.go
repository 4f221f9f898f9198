// Package pgcluster runs a private PostgreSQL server for development and tests, so
// neither needs a server installed and configured by hand.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultBinDir is where Debian installs the PostgreSQL 15 server programs.
const DefaultBinDir = "/usr/lib/postgresql/15/bin"

// Options configure a cluster.
type Options struct {
	DataDir  string // created on first use; must be on a path the postgres user can reach
	Port     int
	BinDir   string // defaults to DefaultBinDir or $PG_BINDIR
	CacheDir string // when set, a pristine initdb folder is kept here and copied, which is faster
	Fast     bool   // fsync off: for throwaway test clusters only
	LogFile  string // server log; defaults to DataDir + ".log"
}

// Cluster is a running postgres server owned by this process.
type Cluster struct {
	opts Options
	cmd  *exec.Cmd
	done chan error
}

// DSN returns a connection string for database name on the cluster.
func (c *Cluster) DSN(name string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=%s sslmode=disable", c.opts.Port, name)
}

// Start initialises the data directory if needed and starts the server, waiting until
// it accepts connections. A server left running by a killed earlier run is stopped first.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.BinDir == "" {
		opts.BinDir = os.Getenv("PG_BINDIR")
	}
	if opts.BinDir == "" {
		opts.BinDir = DefaultBinDir
	}
	if opts.LogFile == "" {
		opts.LogFile = strings.TrimRight(opts.DataDir, "/") + ".log"
	}
	if _, err := os.Stat(filepath.Join(opts.BinDir, "postgres")); err != nil {
		return nil, fmt.Errorf("PostgreSQL 15 server programs not found in %s (install the postgresql-15 package, or set DATABASE_URL): %w", opts.BinDir, err)
	}
	owner, err := serverOwner()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, err
	}
	opts.DataDir = abs
	if err := checkReachable(filepath.Dir(abs)); err != nil {
		return nil, err
	}
	if err := stopStale(abs); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initialise(ctx, opts, owner); err != nil {
			return nil, err
		}
	}
	if err := portFree(opts.Port); err != nil {
		return nil, err
	}
	return launch(ctx, opts, owner)
}

// Stop shuts the server down (fast mode) and waits for it.
func (c *Cluster) Stop() error {
	if c == nil || c.cmd.Process == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
		return nil
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
		return errors.New("postgres did not stop within 15 s and was killed")
	}
}

func launch(ctx context.Context, opts Options, owner *syscall.Credential) (*Cluster, error) {
	logf, err := os.OpenFile(opts.LogFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	args := []string{"-D", opts.DataDir, "-p", strconv.Itoa(opts.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "max_connections=200"}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(opts.BinDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig: if this process dies, even by SIGKILL, the server shuts down too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner, Pdeathsig: syscall.SIGINT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	c := &Cluster{opts: opts, cmd: cmd, done: make(chan error, 1)}
	go func() { c.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", opts.Port), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			if ready(ctx, opts) {
				return c, nil
			}
		}
		select {
		case err := <-c.done:
			return nil, fmt.Errorf("postgres exited during start-up (%v); see %s:\n%s", err, opts.LogFile, tail(opts.LogFile))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = c.Stop()
			return nil, fmt.Errorf("postgres did not accept connections within 30 s; see %s:\n%s", opts.LogFile, tail(opts.LogFile))
		}
	}
}

// ready asks pg_isready, which distinguishes "starting up" from "accepting".
func ready(ctx context.Context, opts Options) bool {
	cmd := exec.CommandContext(ctx, filepath.Join(opts.BinDir, "pg_isready"), "-h", "127.0.0.1", "-p", strconv.Itoa(opts.Port), "-q")
	return cmd.Run() == nil
}

func initialise(ctx context.Context, opts Options, owner *syscall.Credential) error {
	if opts.CacheDir != "" {
		if err := ensureCache(ctx, opts, owner); err != nil {
			return err
		}
		return copyTree(opts.CacheDir, opts.DataDir, owner)
	}
	return runInitdb(ctx, opts.BinDir, opts.DataDir, owner)
}

// ensureCache initdb's into a temporary folder and renames it into place, so parallel
// test binaries never see a half-written cache.
func ensureCache(ctx context.Context, opts Options, owner *syscall.Credential) error {
	if _, err := os.Stat(filepath.Join(opts.CacheDir, "PG_VERSION")); err == nil {
		return nil
	}
	parent := filepath.Dir(opts.CacheDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".initdb-*")
	if err != nil {
		return err
	}
	_ = os.Chmod(tmp, 0o755)
	dir := filepath.Join(tmp, "data")
	if err := runInitdb(ctx, opts.BinDir, dir, owner); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(dir, opts.CacheDir); err != nil && !errors.Is(err, os.ErrExist) {
		// another process won the race; its cache is as good as ours
		if _, statErr := os.Stat(filepath.Join(opts.CacheDir, "PG_VERSION")); statErr != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	return os.RemoveAll(tmp)
}

func runInitdb(ctx context.Context, binDir, dir string, owner *syscall.Credential) error {
	if err := makeOwnedDir(dir, owner); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"), "-D", dir, "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb failed: %w\n%s", err, out)
	}
	return nil
}
