// Package web assembles the server: configuration, the middleware chain, the one route
// table, error pages and scheduled jobs.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"portal/models/store/files"
	"portal/web/mail"
)

// Config is read from the environment.
type Config struct {
	Addr        string // listen address, 127.0.0.1:$PORT
	DatabaseURL string // empty: start the private cluster under VarDir
	Env         string // "production" or "demo"
	VarDir      string // ./var: private database, files, keys
	SessionKey  []byte // signs the session cookie
	SecureOnly  bool   // cookies marked Secure (behind TLS)
	// S3 is the object store for uploads; with no endpoint, files live on local disk
	// under FilesDir (PORTAL_FILES_DIR or VarDir/files).
	S3 files.S3Config
	// BaseURL is the portal's public address (scheme://host[:port], no trailing slash):
	// every absolute URL (Atom feed, certificate verify link and QR code) is built from it,
	// never from the request's Host header (issue 8 §2.2).
	BaseURL string
	// UploadDir is where uploads are kept on local disk ($PORTAL_FILES_DIR); empty:
	// files/ under VarDir (FilesDir).
	UploadDir string
	// MaxUploadMB is the per-file upload limit ($PORTAL_MAX_UPLOAD_MB); 0: DefaultMaxUploadMB.
	MaxUploadMB int
	// LoginPause waits out the per-username sign-in delay; nil waits on the wall clock.
	// Tests record the waits instead (no timed tests).
	LoginPause func(ctx context.Context, d time.Duration)
	// SigningKeyDir holds the province's SM2 signing key (PORTAL_SIGNING_KEY_DIR; default
	// VarDir/keys). Demo mode creates the key when missing; production requires
	// `portal keys init` first.
	SigningKeyDir string
	Ops           OpsConfig // mail, /metrics and the job schedule (issue 13)
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

// DefaultMaxUploadMB is the per-file limit unless PORTAL_MAX_UPLOAD_MB says otherwise.
const DefaultMaxUploadMB = 200

// FilesDir is where uploads are kept on local disk: UploadDir ($PORTAL_FILES_DIR), or
// files/ under the var folder, outside the static root.
func (c Config) FilesDir() string {
	if c.UploadDir != "" {
		return c.UploadDir
	}
	return filepath.Join(c.VarDir, "files")
}

func (c Config) maxUpload() int64 {
	mb := c.MaxUploadMB
	if mb <= 0 {
		mb = DefaultMaxUploadMB
	}
	return int64(mb) << 20
}

// OpenFiles opens the file store the configuration names: the S3 bucket when
// PORTAL_S3_ENDPOINT is set, the local folder otherwise.
func OpenFiles(ctx context.Context, c Config) (files.Backend, error) {
	if c.S3.Endpoint != "" {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return files.NewS3(ctx, c.S3)
	}
	return files.NewLocal(c.FilesDir())
}

// s3FromEnv reads PORTAL_S3_ENDPOINT (host:port), PORTAL_S3_BUCKET, PORTAL_S3_ACCESS_KEY,
// PORTAL_S3_SECRET_KEY, PORTAL_S3_REGION and PORTAL_S3_TLS (1: https).
func s3FromEnv() (files.S3Config, error) {
	c := files.S3Config{
		Endpoint:  os.Getenv("PORTAL_S3_ENDPOINT"),
		Bucket:    os.Getenv("PORTAL_S3_BUCKET"),
		AccessKey: os.Getenv("PORTAL_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("PORTAL_S3_SECRET_KEY"),
		Region:    os.Getenv("PORTAL_S3_REGION"),
		TLS:       os.Getenv("PORTAL_S3_TLS") == "1",
	}
	if c.Endpoint == "" {
		return c, nil
	}
	if strings.Contains(c.Endpoint, "://") {
		return c, fmt.Errorf("PORTAL_S3_ENDPOINT=%q: give host:port without a scheme (PORTAL_S3_TLS=1 for https)", c.Endpoint)
	}
	if c.Bucket == "" || c.AccessKey == "" || c.SecretKey == "" {
		return c, fmt.Errorf("PORTAL_S3_ENDPOINT is set: PORTAL_S3_BUCKET, PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY are needed too")
	}
	return c, nil
}

// KeysDir is the signing key folder.
func (c Config) KeysDir() string {
	if c.SigningKeyDir != "" {
		return c.SigningKeyDir
	}
	return filepath.Join(c.VarDir, "keys")
}

// Production reports whether the server runs without demo data.
func (c Config) Production() bool { return c.Env == "production" }

// ConfigFromEnv reads PORT, PORTAL_HOST, DATABASE_URL, PORTAL_ENV, PORTAL_VAR_DIR, PORTAL_SESSION_KEY,
// PORTAL_SECURE_COOKIES, PORTAL_SIGNING_KEY_DIR, PORTAL_BASE_URL (default http://127.0.0.1:$PORT),
// PORTAL_FILES_DIR, PORTAL_MAX_UPLOAD_MB, the PORTAL_S3_* settings and, for OpsConfig,
// PORTAL_SMTP_*, PORTAL_METRICS_ALLOW, PORTAL_MAILPIT_BIN, MAILPIT_SMTP_PORT and
// MAILPIT_HTTP_PORT. Nothing else in the server reads the environment.
func ConfigFromEnv() (Config, error) {
	c := Config{Env: os.Getenv("PORTAL_ENV"), DatabaseURL: os.Getenv("DATABASE_URL"), VarDir: os.Getenv("PORTAL_VAR_DIR"),
		UploadDir: os.Getenv("PORTAL_FILES_DIR")}
	c.MaxUploadMB, _ = strconv.Atoi(os.Getenv("PORTAL_MAX_UPLOAD_MB")) // bad or unset: the default
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
	c.SigningKeyDir = os.Getenv("PORTAL_SIGNING_KEY_DIR")
	c.BaseURL = "http://127.0.0.1:" + port
	if raw := os.Getenv("PORTAL_BASE_URL"); raw != "" {
		b, err := parseBaseURL(raw)
		if err != nil {
			return c, err
		}
		c.BaseURL = b
	}
	s3, err := s3FromEnv()
	if err != nil {
		return c, err
	}
	c.S3 = s3
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

// OpsConfig is the part of Config for running beyond one process (issue 13): mail, the
// metrics endpoint and the job schedule.
type OpsConfig struct {
	// SMTP is where notification mail goes: PORTAL_SMTP_HOST, PORTAL_SMTP_PORT (587),
	// PORTAL_SMTP_USER, PORTAL_SMTP_PASSWORD, PORTAL_SMTP_FROM, PORTAL_SMTP_TLS
	// (none | starttls | tls). Host empty: `portal serve` starts the local Mailpit when
	// it is built (make run does), else mail is only logged.
	SMTP mail.SMTPConfig
	// Mailer sends the outbox; serve sets it from SMTP or the local Mailpit, tests to
	// theirs. nil: mail is written to the log.
	Mailer mail.Sender
	// MetricsAllow are the client addresses /metrics answers (PORTAL_METRICS_ALLOW, a
	// comma-separated list of addresses or CIDR prefixes); default loopback only. Any
	// other client gets 404.
	MetricsAllow []netip.Prefix
	// JobEvery scales the schedule of the periodic jobs (1 = as in web/jobs).
	JobEvery float64
	// PublicURL, when set, makes the links in mail absolute instead of Config.BaseURL.
	PublicURL string
	// MailpitBin is the local Mailpit that `portal serve` starts when no SMTP server is
	// configured (PORTAL_MAILPIT_BIN; default VarDir/bin/mailpit, which make run builds).
	MailpitBin string
	// MailpitSMTPPort and MailpitHTTPPort are its ports (MAILPIT_SMTP_PORT, default 1025;
	// MAILPIT_HTTP_PORT, default 8025); 0: the default, or any free port when it is taken.
	MailpitSMTPPort, MailpitHTTPPort int
}

// loopback is the default metrics audience.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func opsFromEnv() (OpsConfig, error) {
	o := OpsConfig{MetricsAllow: loopback, MailpitBin: os.Getenv("PORTAL_MAILPIT_BIN")}
	o.MailpitSMTPPort, _ = strconv.Atoi(os.Getenv("MAILPIT_SMTP_PORT")) // bad or unset: the default
	o.MailpitHTTPPort, _ = strconv.Atoi(os.Getenv("MAILPIT_HTTP_PORT"))
	if raw := os.Getenv("PORTAL_METRICS_ALLOW"); raw != "" {
		allow, err := parseAllow(raw)
		if err != nil {
			return o, err
		}
		o.MetricsAllow = allow
	}
	if host := os.Getenv("PORTAL_SMTP_HOST"); host != "" {
		o.SMTP = mail.SMTPConfig{Host: host, Port: 587, Username: os.Getenv("PORTAL_SMTP_USER"),
			Password: os.Getenv("PORTAL_SMTP_PASSWORD"), From: os.Getenv("PORTAL_SMTP_FROM"), TLS: os.Getenv("PORTAL_SMTP_TLS")}
		if p := os.Getenv("PORTAL_SMTP_PORT"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 || n > 65535 {
				return o, fmt.Errorf("PORTAL_SMTP_PORT=%q is not a port number", p)
			}
			o.SMTP.Port = n
		}
		if o.SMTP.From == "" {
			o.SMTP.From = "网贷整改验收系统 <noreply@" + host + ">"
		}
		if _, err := mail.NewSMTP(o.SMTP); err != nil {
			return o, err
		}
	}
	return o, nil
}

// parseAllow reads "127.0.0.1, 10.0.0.0/8, ::1".
func parseAllow(raw string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("PORTAL_METRICS_ALLOW: %q is neither an address nor a CIDR prefix", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// metricsAllowed reports whether remoteAddr (host:port) may read /metrics.
func (o OpsConfig) metricsAllowed(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	allow := o.MetricsAllow
	if allow == nil {
		allow = loopback
	}
	for _, p := range allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
