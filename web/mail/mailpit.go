package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// Mailpit is a local Mailpit (github.com/axllent/mailpit) run as a child process: the
// mail server of `make run` without SMTP settings, and of the tests.
type Mailpit struct {
	SMTPPort int
	HTTPAddr string // 127.0.0.1:port of the web UI and API
	cmd      *exec.Cmd
	done     chan struct{}
}

// FindMailpit returns the Mailpit binary: the configured one (PORTAL_MAILPIT_BIN), or bin/mailpit under the
// var folder (where `make run` and `make test` build it), or an error saying how to get it.
func FindMailpit(configured, varDir string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	p := filepath.Join(varDir, "bin", "mailpit")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("找不到 Mailpit（%s）：请先运行 make mailpit", p)
	}
	return p, nil
}

// StartMailpit starts bin on free loopback ports, with its database in dataDir (empty:
// in memory), and waits until its API answers.
func StartMailpit(ctx context.Context, bin, dataDir string, smtpPort, httpPort int) (*Mailpit, error) {
	var err error
	if smtpPort == 0 {
		if smtpPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	if httpPort == 0 {
		if httpPort, err = freePort(); err != nil {
			return nil, err
		}
	}
	m := &Mailpit{SMTPPort: smtpPort, HTTPAddr: "127.0.0.1:" + strconv.Itoa(httpPort), done: make(chan struct{})}
	args := []string{"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort), "--listen", m.HTTPAddr,
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--disable-version-check", "--quiet"}
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, err
		}
		args = append(args, "--database", filepath.Join(dataDir, "mailpit.db"))
	}
	m.cmd = exec.Command(bin, args...)
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, os.Stderr
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("启动 Mailpit: %w", err)
	}
	go func() { _ = m.cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + m.HTTPAddr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		select {
		case <-m.done:
			return nil, errors.New("Mailpit exited during start-up")
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, errors.New("Mailpit did not answer within 30 s")
		}
	}
}

// URL is the address of Mailpit's web UI.
func (m *Mailpit) URL() string { return "http://" + m.HTTPAddr + "/" }

// Stop ends the child process.
func (m *Mailpit) Stop() {
	if m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
