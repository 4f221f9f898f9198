package web

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"portal/web/mail"
)

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
}

// loopback is the default metrics audience.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func opsFromEnv() (OpsConfig, error) {
	o := OpsConfig{MetricsAllow: loopback}
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

