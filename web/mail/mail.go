// Package mail sends the portal's notifications by mail (SMTP through go-mail) and keeps
// the SMS channel behind an interface with a log-only implementation (issue 13 §2).
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one mail: the outbox row as the sender needs it.
type Message struct {
	MessageID string // stable per outbox row: a resend is the same message to the reader
	To        string
	Subject   string
	Body      string
	Link      string // absolute URL of the object, or empty
}

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTPConfig is where mail goes. Host empty: no SMTP.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string // 网贷整改验收系统 <noreply@…>
	TLS      string // "none" (default for a loopback host), "starttls", "tls"
}

// SMTP sends through an SMTP server with go-mail.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP checks cfg and returns the sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" || cfg.Port <= 0 || cfg.From == "" {
		return nil, fmt.Errorf("SMTP needs a host, a port and a From address")
	}
	switch cfg.TLS {
	case "", "none", "starttls", "tls":
	default:
		return nil, fmt.Errorf("PORTAL_SMTP_TLS=%q: use none, starttls or tls", cfg.TLS)
	}
	return &SMTP{cfg: cfg}, nil
}

// domain is the right-hand side of the From address, for Message-ID.
func (s *SMTP) domain() string {
	from := s.cfg.From
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		return strings.Trim(from[i+1:], "> ")
	}
	return "portal.invalid"
}

// Send delivers m with its stable Message-ID.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("From %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("To %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID + "@" + s.domain())
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, Body(m))
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case "", "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Body is the text of a mail: the notification, its link, and how to stop the mail.
func Body(m Message) string {
	var b strings.Builder
	b.WriteString(m.Body)
	if m.Link != "" {
		b.WriteString("\n\n查看详情：" + m.Link)
	}
	b.WriteString("\n\n—— 网贷机构整改验收与备案管理系统（系统邮件，请勿直接回复）\n如不需要接收邮件通知，请登录系统在「账户设置」中关闭。\n")
	return b.String()
}

// Log writes mail to the log instead of sending it: the channel when no SMTP server is
// configured and no local Mailpit runs.
type Log struct{ Log *slog.Logger }

// Send logs m.
func (l Log) Send(_ context.Context, m Message) error {
	l.Log.Info("邮件（未配置 SMTP，仅记录）", "message_id", m.MessageID, "to", m.To, "subject", m.Subject)
	return nil
}

// SMS is the text-message channel officers in China expect. Only the log-only
// implementation exists: a province plugs in its SMS gateway here.
type SMS interface {
	SendSMS(ctx context.Context, phone, text string) error
}

// LogSMS writes each text message to the log.
type LogSMS struct{ Log *slog.Logger }

// SendSMS logs the message.
func (l LogSMS) SendSMS(_ context.Context, phone, text string) error {
	l.Log.Info("短信（仅记录，未接入短信网关）", "phone", phone, "text", text)
	return nil
}
