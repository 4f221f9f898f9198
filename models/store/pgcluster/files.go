package pgcluster

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverOwner returns the credential to run the server with: postgres refuses to run
// as root, so root runs it as the postgres user; anyone else runs it as themselves.
func serverOwner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a 'postgres' system user to own the database (install postgresql-15): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// checkReachable fails with a clear message when a parent folder is not o+x, since the
// postgres user could not reach its data directory.
func checkReachable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err == nil && info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("folder %s is not searchable by other users (o+x); the postgres user cannot reach its data directory below it: run 'chmod o+x %s' or set DATABASE_URL", d, d)
		}
		if d == "/" || d == "." {
			return nil
		}
	}
}

func makeOwnedDir(dir string, owner *syscall.Credential) error {
	// parents must stay reachable by the postgres user; only the data folder is private
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	if owner != nil {
		return os.Chown(dir, int(owner.Uid), int(owner.Gid))
	}
	return nil
}

// copyTree copies a pristine initdb folder, keeping modes, and hands it to owner.
func copyTree(src, dst string, owner *syscall.Credential) error {
	if err := makeOwnedDir(dst, owner); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == "." {
			return nil
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			err = os.Mkdir(target, info.Mode().Perm())
		} else {
			err = copyFile(path, target, info.Mode().Perm())
		}
		if err == nil && owner != nil {
			err = os.Lchown(target, int(owner.Uid), int(owner.Gid))
		}
		return err
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// stopStale stops a server that a killed earlier run left behind on this data directory.
// A pid file whose process is gone is left to postgres, which removes it itself.
func stopStale(dataDir string) error {
	raw, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil || pid <= 0 {
		return nil
	}
	if !isPostgres(pid) {
		return nil
	}
	return stopServer(pid, dataDir)
}

func isPostgres(pid int) bool {
	comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.HasPrefix(string(comm), "postgres")
}

// stopServer asks an old postmaster to stop, fast shutdown first, then immediate, then
// SIGKILL to its process group, so a second run always gets its data folder back.
func stopServer(pid int, dataDir string) error {
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{syscall.SIGINT, 10 * time.Second}, {syscall.SIGQUIT, 5 * time.Second}, {syscall.SIGKILL, 5 * time.Second}} {
		if step.sig == syscall.SIGKILL {
			_ = syscall.Kill(-pid, syscall.SIGKILL) // the group, when it leads one
		}
		_ = syscall.Kill(pid, step.sig)
		for end := time.Now().Add(step.wait); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if syscall.Kill(pid, 0) != nil {
				return killLeftovers(dataDir)
			}
		}
	}
	return fmt.Errorf("a postgres server (pid %d) from an earlier run is still using %s and did not stop", pid, dataDir)
}

// serverProcesses lists the postgres processes working in dataDir: the postmaster and
// every backend, whose working directory is the data folder. (Backends lead their own
// process groups, so the postmaster's group does not find them.)
func serverProcesses(dataDir string) []int {
	var out []int
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); err == nil && cwd == dataDir && isPostgres(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// killLeftovers kills, with SIGKILL, the backends a dead postmaster left behind and waits
// until they are gone, since a new postmaster refuses shared memory still attached.
func killLeftovers(dataDir string) error {
	for i := 0; i < 250; i++ {
		left := serverProcesses(dataDir)
		if len(left) == 0 {
			return nil
		}
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("processes of the old postgres server in %s did not exit", dataDir)
}

// freePort makes sure the port is free. An old postmaster of this same data folder that
// holds it (its pid file gone or rewritten) is stopped; anything else is reported.
func freePort(port int, dataDir string) error {
	err := portFree(port)
	if err == nil {
		return nil
	}
	pid := listenerPid(port)
	if pid > 0 && isPostgres(pid) && postmasterDataDir(pid) == dataDir {
		if serr := stopServer(pid, dataDir); serr != nil {
			return serr
		}
		return portFree(port)
	}
	if pid > 0 {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return fmt.Errorf("%w (held by pid %d, %s)", err, pid, strings.TrimSpace(string(comm)))
	}
	return err
}

// postmasterDataDir reads the -D argument of a postmaster's command line.
func postmasterDataDir(pid int) string {
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	args := strings.Split(string(raw), "\x00")
	for i, a := range args {
		if a == "-D" && i+1 < len(args) {
			if abs, err := filepath.Abs(args[i+1]); err == nil {
				return abs
			}
		}
	}
	return ""
}

// listenerPid finds the process listening on 127.0.0.1:port from /proc (0 if unknown).
func listenerPid(port int) int {
	raw, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return 0
	}
	want := fmt.Sprintf(":%04X", port)
	inode := ""
	for _, line := range strings.Split(string(raw), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 9 && strings.HasSuffix(f[1], want) && f[3] == "0A" { // 0A: LISTEN
			inode = f[9]
			break
		}
	}
	if inode == "" {
		return 0
	}
	target := "socket:[" + inode + "]"
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		for _, fd := range fds {
			if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); l == target {
				return pid
			}
		}
	}
	return 0
}

func portFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("port %d on 127.0.0.1 is already in use, so the private PostgreSQL cannot start there (set PG_PORT or DATABASE_URL): %w", port, err)
	}
	return l.Close()
}

// FreePort asks the kernel for an unused loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	raw, _ := os.ReadFile(path)
	if len(raw) > 2000 {
		raw = raw[len(raw)-2000:]
	}
	return string(raw)
}
