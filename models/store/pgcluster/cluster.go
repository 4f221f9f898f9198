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
	"sync"
	"syscall"
	"time"
)

// DefaultBinDir is where Debian installs the PostgreSQL 15 server programs.
const DefaultBinDir = "/usr/lib/postgresql/15/bin"

// Options configure a cluster.
type Options struct {
	DataDir      string // created on first use; must be on a path the postgres user can reach
	Port         int
	BinDir       string // defaults to DefaultBinDir or $PG_BINDIR
	CacheDir     string // when set, a pristine initdb (CacheDir/data, CacheDir/password) is kept here and copied, which is faster
	Fast         bool   // fsync off: for throwaway test clusters only
	SyncCommit   bool   // with Fast, keep synchronous_commit on: a killed server then loses no acknowledged commit
	LogFile      string // server log; defaults to DataDir + ".log"
	PasswordFile string // the superuser's password, mode 0600; defaults to "password" beside DataDir
}

// Cluster is a running postgres server owned by this process.
type Cluster struct {
	opts     Options
	owner    *syscall.Credential
	password string

	mu       sync.Mutex
	proc     *proc
	stopping bool
}

// proc is one run of the postmaster.
type proc struct {
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{} // closed when the process has exited; err is then set
	err     error
}

// DSN returns a connection string for database name on the cluster, with its password.
func (c *Cluster) DSN(name string) string { return c.dsn(name, c.password) }

func (c *Cluster) dsn(name, password string) string {
	dsn := fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=%s sslmode=disable", c.opts.Port, name)
	if password != "" {
		dsn += " password=" + password
	}
	return dsn
}

// PasswordlessDSN is DSN without the password, which the server refuses; for tests.
func (c *Cluster) PasswordlessDSN(name string) string { return c.dsn(name, "") }

// PasswordFile is where the superuser's password is kept.
func (c *Cluster) PasswordFile() string { return c.opts.PasswordFile }

// Pid is the running postmaster's process id (0 when none runs).
func (c *Cluster) Pid() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil || c.proc.cmd.Process == nil {
		return 0
	}
	return c.proc.cmd.Process.Pid
}

// Start initialises the data directory if needed and starts the server, waiting until
// it accepts connections. A server left running by a killed earlier run, on this data
// directory or holding the port, is stopped first.
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
	if opts.PasswordFile == "" {
		opts.PasswordFile = filepath.Join(filepath.Dir(abs), "password")
	}
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
	if err := freePort(opts.Port, abs); err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, owner: owner}
	trust, err := usesTrust(abs)
	if err != nil {
		return nil, err
	}
	if !trust {
		if c.password, err = readPassword(opts.PasswordFile); err != nil {
			return nil, fmt.Errorf("the private PostgreSQL needs its password file %s: %w", opts.PasswordFile, err)
		}
	}
	if c.proc, err = launch(ctx, opts, owner); err != nil {
		return nil, err
	}
	if trust {
		if err := c.requirePassword(ctx, owner); err != nil {
			_ = c.Stop()
			return nil, fmt.Errorf("switching the private PostgreSQL to password authentication: %w", err)
		}
	}
	return c, nil
}

// Stop shuts the server down (fast mode) and waits for it; a supervisor stops too.
func (c *Cluster) Stop() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.stopping = true
	p := c.proc
	c.mu.Unlock()
	if p == nil || p.cmd.Process == nil {
		return nil
	}
	select {
	case <-p.exited:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.exited:
		return nil
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
		return errors.New("postgres did not stop within 15 s and was killed")
	}
}

func launch(ctx context.Context, opts Options, owner *syscall.Credential) (*proc, error) {
	logf, err := os.OpenFile(opts.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	args := []string{"-D", opts.DataDir, "-p", strconv.Itoa(opts.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "max_connections=200"}
	if opts.Fast {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
		if !opts.SyncCommit {
			args = append(args, "-c", "synchronous_commit=off")
		}
	}
	cmd := exec.Command(filepath.Join(opts.BinDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Pdeathsig: if this process dies, even by SIGKILL, the server shuts down too.
	// Setpgid: the postmaster leads a group, so its backends can be found if it dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner, Pdeathsig: syscall.SIGINT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting postgres: %w", err)
	}
	p := &proc{cmd: cmd, started: time.Now(), exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); logf.Close(); close(p.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", opts.Port), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			if ready(ctx, opts) {
				return p, nil
			}
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("postgres exited during start-up (%v); see %s:\n%s", p.err, opts.LogFile, tail(opts.LogFile))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
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
		password, err := readPassword(filepath.Join(opts.CacheDir, "password"))
		if err != nil {
			return err
		}
		if err := writePassword(opts.PasswordFile, password); err != nil {
			return err
		}
		return copyTree(filepath.Join(opts.CacheDir, "data"), opts.DataDir, owner)
	}
	password, err := newPassword()
	if err != nil {
		return err
	}
	if err := writePassword(opts.PasswordFile, password); err != nil {
		return err
	}
	return runInitdb(ctx, opts.BinDir, opts.DataDir, password, owner)
}

// ensureCache initdb's into a temporary folder and renames it into place, with its
// password file, so parallel test binaries never see a half-written cache.
func ensureCache(ctx context.Context, opts Options, owner *syscall.Credential) error {
	if _, err := os.Stat(filepath.Join(opts.CacheDir, "data", "PG_VERSION")); err == nil {
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
	password, err := newPassword()
	if err == nil {
		err = writePassword(filepath.Join(tmp, "password"), password)
	}
	if err == nil {
		err = runInitdb(ctx, opts.BinDir, filepath.Join(tmp, "data"), password, owner)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, opts.CacheDir); err != nil {
		os.RemoveAll(tmp)
		// another process won the race; its cache is as good as ours
		if _, statErr := os.Stat(filepath.Join(opts.CacheDir, "data", "PG_VERSION")); statErr != nil {
			return err
		}
	}
	return nil
}

func runInitdb(ctx context.Context, binDir, dir, password string, owner *syscall.Credential) error {
	if err := makeOwnedDir(dir, owner); err != nil {
		return err
	}
	pwfile, err := pwfileFor(dir, password, owner)
	if err != nil {
		return err
	}
	defer os.Remove(pwfile)
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"), "-D", dir, "-U", "postgres",
		"--auth=scram-sha-256", "--pwfile="+pwfile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb failed: %w\n%s", err, out)
	}
	return nil
}
