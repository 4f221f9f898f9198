// Package s3test runs a real S3 server for tests: Versity Gateway (versitygw) with its
// posix backend serving a temporary folder, on loopback only. `make test` builds the
// gateway into ./var/bin/versitygw from the tools module (tools/go.mod) before the tests
// run; a test that needs it fails, never skips, when it is missing.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"portal/models/store/files"
)

// Gateway is a running versitygw owned by this process.
type Gateway struct {
	Root   string // the folder it serves: Root/<bucket>/<key> is each object's file
	Config files.S3Config
	cmd    *exec.Cmd
	done   chan struct{}
	log    string
}

// Binary finds var/bin/versitygw at the root of the module this test runs in.
func Binary() (string, error) {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "tools", "go.mod")); err == nil {
				break
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("s3test: the repository root (go.mod beside tools/go.mod) was not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "var", "bin", "versitygw")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("s3test: the S3 test server %s is missing: run `make test`, which builds it (cd tools && go build -o ../var/bin/versitygw github.com/versity/versitygw/cmd/versitygw): %w", p, err)
	}
	return p, nil
}

// Start runs the gateway on a free loopback port serving a new folder under parent,
// with a bucket for bucket already made, and waits until it answers.
func Start(parent, bucket string) (*Gateway, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp(parent, "s3-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	key, secret := "portal"+random(4), random(16)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	g := &Gateway{Root: root, log: root + ".log", done: make(chan struct{}),
		Config: files.S3Config{Endpoint: addr, Bucket: bucket, AccessKey: key, SecretKey: secret}}
	logf, err := os.Create(g.log)
	if err != nil {
		return nil, err
	}
	// Credentials go through the environment, not the command line other users can read.
	g.cmd = exec.Command(bin, "--port", addr, "--quiet", "posix", root)
	g.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+key, "ROOT_SECRET_KEY="+secret)
	g.cmd.Stdout, g.cmd.Stderr = logf, logf
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := g.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("s3test: starting %s: %w", bin, err)
	}
	go func() { _ = g.cmd.Wait(); logf.Close(); close(g.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-g.done:
			out, _ := os.ReadFile(g.log)
			return nil, fmt.Errorf("s3test: versitygw exited during start-up:\n%s", out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			g.Stop()
			return nil, errors.New("s3test: versitygw did not listen within 30 s")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := files.NewS3(ctx, g.Config); err != nil { // makes the bucket
		g.Stop()
		return nil, err
	}
	return g, nil
}

// Store opens a store on the gateway's bucket.
func (g *Gateway) Store() (*files.S3, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return files.NewS3(ctx, g.Config)
}

// WithBucket is the gateway's configuration for another bucket (NewS3 makes it).
func (g *Gateway) WithBucket(bucket string) files.S3Config {
	c := g.Config
	c.Bucket = bucket
	return c
}

// ObjectPath is the file behind an object of a bucket.
func (g *Gateway) ObjectPath(bucket, key string) string {
	return filepath.Join(g.Root, bucket, filepath.FromSlash(key))
}

// Stop ends the gateway and removes its folder.
func (g *Gateway) Stop() {
	if g == nil || g.cmd == nil || g.cmd.Process == nil {
		return
	}
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.done:
	case <-time.After(10 * time.Second):
		_ = g.cmd.Process.Kill()
		<-g.done
	}
	_ = os.RemoveAll(g.Root)
	_ = os.Remove(g.log)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
