package pgcluster

import (
	"context"
	"errors"
	"log/slog"
	"syscall"
	"time"
)

// Backoff between restarts of a server that died: it doubles from MinBackoff up to
// MaxBackoff, and starts again from MinBackoff once a run lasted StableAfter.
var (
	MinBackoff  = 250 * time.Millisecond
	MaxBackoff  = 30 * time.Second
	StableAfter = time.Minute
)

// Supervise restarts the server whenever it exits without Stop (killed, crashed), with
// backoff, until ctx ends or Stop is called (issue 8, 3.1). The backends the dead
// postmaster leaves are killed first, since a new postmaster refuses shared memory
// still in use.
func (c *Cluster) Supervise(ctx context.Context, log *slog.Logger, hooks Hooks) {
	go func() {
		backoff := MinBackoff
		for {
			c.mu.Lock()
			p := c.proc
			c.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-p.exited:
			}
			if c.isStopping() {
				return
			}
			if time.Since(p.started) >= StableAfter {
				backoff = MinBackoff
			}
			log.Error("私有 PostgreSQL 意外退出，将自动重启", "pid", p.cmd.Process.Pid, "err", p.err, "backoff", backoff)
			_ = killLeftovers(c.opts.DataDir)
			if hooks.Died != nil {
				hooks.Died()
			}
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(backoff*2, MaxBackoff)
				if c.isStopping() {
					return
				}
				np, err := c.restart(ctx)
				if err != nil {
					log.Error("重启私有 PostgreSQL 失败，稍后重试", "err", err, "backoff", backoff)
					continue
				}
				log.Info("私有 PostgreSQL 已重启", "pid", np.cmd.Process.Pid)
				if hooks.Restarted != nil {
					hooks.Restarted()
				}
				break
			}
		}
	}()
}

// Hooks let a test watch the supervisor: Died is called when the server's death has been
// seen and its leftovers are gone, before any restart (the restart waits for it to
// return); Restarted after each successful restart.
type Hooks struct {
	Died      func()
	Restarted func()
}

func (c *Cluster) isStopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopping
}

// restart launches the server again on the same folder and port.
func (c *Cluster) restart(ctx context.Context) (*proc, error) {
	if err := stopStale(c.opts.DataDir); err != nil {
		return nil, err
	}
	if err := freePort(c.opts.Port, c.opts.DataDir); err != nil {
		return nil, err
	}
	p, err := launch(ctx, c.opts, c.owner)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping { // Stop came while we were starting: do not leave a server behind
		c.proc = p
		go func() { _ = p.cmd.Process.Signal(syscall.SIGINT) }()
		return p, nil
	}
	c.proc = p
	return p, nil
}

// Kill kills the server the way a crash or the OOM killer would: the postmaster and every
// backend with SIGKILL, at once, so no backend answers another query. For fault tests.
func (c *Cluster) Kill() error {
	pid := c.Pid()
	if pid == 0 {
		return nil
	}
	_ = syscall.Kill(pid, syscall.SIGSTOP) // no new backend while the others are killed
	for _, p := range serverProcesses(c.opts.DataDir) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err // ESRCH: the loop above killed it and it is already reaped
	}
	return nil
}
