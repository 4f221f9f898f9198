// Package web assembles the server: configuration, the middleware chain, the one route
// table, error pages and scheduled jobs.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is read from the environment.
type Config struct {
	Addr        string // listen address, 127.0.0.1:$PORT
	DatabaseURL string // empty: start the private cluster under VarDir
	Env         string // "production" or "demo"
	VarDir      string // ./var: private database, files, keys
	SessionKey  []byte // signs the session cookie
	SecureOnly  bool   // cookies marked Secure (behind TLS)
	// BaseURL is the portal's public address (scheme://host[:port], no trailing slash):
	// every absolute URL (Atom feed, certificate verify link and QR code) is built from it,
	// never from the request's Host header (issue 8 §2.2).
	BaseURL string
	// LoginPause waits out the per-username sign-in delay; nil waits on the wall clock.
	// Tests record the waits instead (no timed tests).
	LoginPause func(ctx context.Context, d time.Duration)
	Ops        OpsConfig // mail, /metrics and the job schedule (config_ops.go)
}

// base is the configured base URL, or the local default for a config built in code.
func (c Config) base() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	if c.Addr != "" {
		if _, port, err := net.SplitHostPort(c.Addr); err == nil {
			return "http://127.0.0.1:" + port
		}
	}
	return "http://127.0.0.1:8080"
}

// parseBaseURL checks PORTAL_BASE_URL: http or https, a host, no query, and at most a
// path prefix without a trailing slash.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("PORTAL_BASE_URL=%q must be an http(s) address such as https://portal.example.gov.cn", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// Production reports whether the server runs without demo data.
func (c Config) Production() bool { return c.Env == "production" }

// ConfigFromEnv reads PORT, PORTAL_HOST, DATABASE_URL, PORTAL_ENV, PORTAL_VAR_DIR, PORTAL_SESSION_KEY
// PORTAL_SECURE_COOKIES and PORTAL_BASE_URL (default http://127.0.0.1:$PORT).
func ConfigFromEnv() (Config, error) {
	c := Config{Env: os.Getenv("PORTAL_ENV"), DatabaseURL: os.Getenv("DATABASE_URL"), VarDir: os.Getenv("PORTAL_VAR_DIR")}
	if c.Env == "" {
		c.Env = "demo"
	}
	if c.VarDir == "" {
		c.VarDir = "var"
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if _, err := strconv.Atoi(port); err != nil {
		return c, fmt.Errorf("PORT=%q is not a port number", port)
	}
	host := os.Getenv("PORTAL_HOST") // a container sets 0.0.0.0
	if host == "" {
		host = "127.0.0.1"
	}
	c.Addr = host + ":" + port
	c.SecureOnly = os.Getenv("PORTAL_SECURE_COOKIES") == "1"
	c.BaseURL = "http://127.0.0.1:" + port
	if raw := os.Getenv("PORTAL_BASE_URL"); raw != "" {
		b, err := parseBaseURL(raw)
		if err != nil {
			return c, err
		}
		c.BaseURL = b
	}
	key, err := sessionKey(c.VarDir)
	if err != nil {
		return c, err
	}
	c.SessionKey = key
	if c.Ops, err = opsFromEnv(); err != nil {
		return c, err
	}
	return c, nil
}

// sessionKey comes from PORTAL_SESSION_KEY (hex), or from a key file created once under
// the var folder, so sessions survive a restart.
func sessionKey(varDir string) ([]byte, error) {
	if env := os.Getenv("PORTAL_SESSION_KEY"); env != "" {
		k, err := hex.DecodeString(env)
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("PORTAL_SESSION_KEY must be at least 32 bytes in hex")
		}
		return k, nil
	}
	path := filepath.Join(varDir, "session.key")
	if raw, err := os.ReadFile(path); err == nil {
		return hex.DecodeString(string(raw))
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(varDir, 0o755); err != nil {
		return nil, err
	}
	return k, os.WriteFile(path, []byte(hex.EncodeToString(k)), 0o600)
}
