package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/pgcluster"
	"portal/web"
	"portal/web/mail"
)

func serve(ctx context.Context, log *slog.Logger) error {
	d, err := prepareDatabase(ctx)
	if err != nil {
		return err
	}
	defer d.close()
	if _, err := web.OpenFiles(ctx, d.cfg); err != nil { // a clear message rather than web.New's panic
		return fmt.Errorf("无法打开文件存储（PORTAL_S3_* 或 PORTAL_FILES_DIR）: %w", err)
	}
	// demo mode creates the signing key when missing; production needs `portal keys init`
	if _, err := web.EnsureKeys(d.cfg.KeysDir(), !d.cfg.Production(), time.Now()); err != nil {
		return err
	}
	if d.cluster != nil {
		d.cluster.Supervise(ctx, log, pgcluster.Hooks{}) // restarted with backoff if it dies (issue 8, 3.1)
	}
	mailNote, stopMail, err := setupMail(ctx, &d.cfg, log)
	if err != nil {
		return err
	}
	defer stopMail()
	srv := web.New(d.cfg, d.store, time.Now, log)
	if err := srv.StartJobs(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	banner(d.cfg)
	fmt.Println(mailNote)
	select {
	case err := <-errc:
		return fmt.Errorf("服务无法启动: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(os.Stderr, "正在停止服务…")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Echo.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// prepareDatabase opens and migrates the database and, outside production, loads the
// demo data once.
func prepareDatabase(ctx context.Context) (*database, error) {
	d, err := openDatabase(ctx)
	if err != nil {
		return nil, err
	}
	if !d.cfg.Production() {
		if err := d.store.SeedDemo(ctx); err != nil {
			d.close()
			return nil, fmt.Errorf("载入演示数据失败: %w", err)
		}
	}
	return d, nil
}

// setupMail picks the mail channel: the configured SMTP server; without one, a local
// Mailpit under the var folder when it has been built (make run builds it); else the log.
func setupMail(ctx context.Context, cfg *web.Config, log *slog.Logger) (note string, stop func(), err error) {
	stop = func() {}
	if cfg.Ops.SMTP.Host != "" {
		sender, err := mail.NewSMTP(cfg.Ops.SMTP)
		if err != nil {
			return "", stop, err
		}
		cfg.Ops.Mailer = sender
		return fmt.Sprintf("通知邮件经 SMTP 服务器 %s:%d 发送。", cfg.Ops.SMTP.Host, cfg.Ops.SMTP.Port), stop, nil
	}
	bin, err := mail.FindMailpit(cfg.Ops.MailpitBin, cfg.VarDir)
	if err != nil {
		cfg.Ops.Mailer = mail.Log{Log: log}
		return "未配置 SMTP（PORTAL_SMTP_HOST），也没有本地 Mailpit：通知邮件只写入日志。", stop, nil
	}
	mp, err := mail.StartMailpit(ctx, bin, filepath.Join(cfg.VarDir, "mailpit"), freeOr(cfg.Ops.MailpitSMTPPort, 1025), freeOr(cfg.Ops.MailpitHTTPPort, 8025))
	if err != nil {
		return "", stop, fmt.Errorf("无法启动本地 Mailpit: %w", err)
	}
	cfg.Ops.SMTP = mail.SMTPConfig{Host: "127.0.0.1", Port: mp.SMTPPort, From: "网贷整改验收系统 <noreply@portal.localhost>", TLS: "none"}
	sender, err := mail.NewSMTP(cfg.Ops.SMTP)
	if err != nil {
		mp.Stop()
		return "", stop, err
	}
	cfg.Ops.Mailer = sender
	return "未配置 SMTP：演示邮件发往本地 Mailpit，在 " + mp.URL() + " 查看。", mp.Stop, nil
}

// freeOr gives the configured port, or def while it is free; 0 (def taken) means any
// free one.
func freeOr(configured, def int) int {
	if configured > 0 {
		return configured
	}
	if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(def)); err == nil {
		l.Close()
		return def
	}
	return 0
}

func banner(cfg web.Config) {
	fmt.Printf("\n网贷机构整改验收与备案管理系统已启动: http://%s/\n", cfg.Addr)
	if cfg.Production() {
		fmt.Println("生产模式: 未载入演示数据。首个管理员请用 `portal create-admin <用户名>` 创建。")
		return
	}
	fmt.Printf("演示账户（密码均为 %s）:\n", store.DemoPassword)
	for _, a := range store.AllDemoAccounts() {
		fmt.Printf("  %-10s %s · %s\n", a.Username, a.Role, a.Scope)
	}
	fmt.Println("按 Ctrl-C 停止。")
}

// stdin is where create-admin reads the password; tests replace it.
var stdin io.Reader = os.Stdin

// createAdmin makes the first admin of a production install; the password comes from
// standard input so it never sits in the shell history.
func createAdmin(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("用法: portal create-admin <用户名>（密码从标准输入读取）")
	}
	fmt.Fprint(os.Stderr, "请输入密码（至少 12 位，含 3 类字符）: ")
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("未读到密码")
	}
	password := strings.TrimRight(line, "\r\n")
	if err := models.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := models.HashPassword(password)
	if err != nil {
		return err
	}
	return withDatabase(ctx, func(d *database) error {
		_, err := d.store.CreateUser(ctx, store.Actor{Now: time.Now()}, store.NewUser{
			Username: args[0], DisplayName: "系统管理员", PasswordHash: hash, Role: models.RoleAdmin})
		if err == nil {
			fmt.Fprintln(os.Stderr, "管理员已创建:", args[0])
		}
		return err
	})
}
