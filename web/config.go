// Package web assembles the server: configuration, the middleware chain, the one route
// table, error pages and scheduled jobs.
package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Config is read from the environment.
type Config struct {
	Addr        string    // listen address, 127.0.0.1:$PORT
	DatabaseURL string    // empty: start the private cluster under VarDir
	Env         string    // "production" or "demo"
	VarDir      string    // ./var: private database, files, keys
	SessionKey  []byte    // signs the session cookie
	SecureOnly  bool      // cookies marked Secure (behind TLS)
	Ops         OpsConfig // mail, /metrics and the job schedule (config_ops.go)
}

// Production reports whether the server runs without demo data.
func (c Config) Production() bool { return c.Env == "production" }

// ConfigFromEnv reads PORT, PORTAL_HOST, DATABASE_URL, PORTAL_ENV, PORTAL_VAR_DIR, PORTAL_SESSION_KEY
// and PORTAL_SECURE_COOKIES.
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
	key, err := sessionKey(c.VarDir)
	if err != nil {
		return c, err
	}
	c.SessionKey = key
	if c.Ops, err = opsFromEnv(port); err != nil {
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
