package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/web"
	"portal/web/mail"
	"portal/web/webtest"
)

// sendBack submits a fresh application of platform1 and has district1 send it back, as
// the store's decision methods do it for the handlers.
func sendBack(t *testing.T, env *webtest.Env, opinion string) *models.Application {
	t.Helper()
	ctx := context.Background()
	as := func(name string) store.Actor {
		u, err := env.Store.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return store.Actor{User: u, Now: env.Clock.Now()}
	}
	plat := as("platform1")
	app, err := env.Store.CreateApplication(ctx, plat, *plat.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	if app, err = env.Store.ApplyEvent(ctx, plat, app.ID, models.EventSubmit, store.DecisionInput{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.Claim(ctx, as("district1"), app.ID); err != nil {
		t.Fatal(err)
	}
	if app, err = env.Store.ReturnForCorrection(ctx, as("district1"), app.ID, opinion, 10, app.Version); err != nil {
		t.Fatal(err)
	}
	return app
}

// TestMailpitDeliversTheSendBackOnceAndRetriesAfterFailure: a send-back's mail is written
// with its job in the decision's transaction; a replica whose SMTP server refuses fails
// the job, which /admin/jobs lists; the admin's retry (audited) puts it back, another
// replica delivers it to a real Mailpit with its stable Message-ID, and delivering it
// again sends nothing more.
func TestMailpitDeliversTheSendBackOnceAndRetriesAfterFailure(t *testing.T) {
	mp := webtest.Mailpit(t)
	dead, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: 1, From: "portal <noreply@portal.test>"})
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.New(t, func(c *web.Config) { c.Ops.Mailer = dead })
	ctx := context.Background()
	app := sendBack(t, env, "请补充银行存管协议原件扫描件")
	plat, _ := env.Store.UserByUsername(ctx, "platform1")
	msgs, err := env.Store.OutboxMessages(ctx, plat.ID, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	out := msgs[0]

	// Replica A: its mail server refuses. Work until this message's job has failed once.
	runCtx, stop := context.WithCancel(ctx)
	if err := env.Web.StartJobs(runCtx); err != nil {
		t.Fatal(err)
	}
	jobID := waitFailed(t, env, out.ID)
	stop()
	if err := env.Web.StopJobs(ctx); err != nil {
		t.Fatal(err)
	}

	admin := env.Client(t)
	admin.Login("admin", webtest.DemoPassword)
	resp, body := admin.Get("/admin/jobs")
	doc := parse(t, body)
	row := doc.Find("[data-testid=job-" + strconv.FormatInt(jobID, 10) + "]")
	if resp.StatusCode != 200 || row.Length() != 1 || !strings.Contains(row.Text(), "发送通知邮件") || !strings.Contains(row.Text(), "connect") {
		t.Fatalf("/admin/jobs: %d, row %q", resp.StatusCode, row.Text())
	}
	resp, _ = admin.Submit("/admin/jobs/"+strconv.FormatInt(jobID, 10)+"/retry", url.Values{})
	if resp.StatusCode != 303 {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	entries, _, err := env.Store.ListAudit(ctx, store.AuditFilter{Query: "重试后台任务"}, models.Page{})
	if err != nil || len(entries) != 1 || entries[0].ActorName == "" || !strings.Contains(entries[0].Target, strconv.FormatInt(jobID, 10)) {
		t.Fatalf("audit of the retry: %+v %v", entries, err)
	}

	// Replica B on the same database, mailing to Mailpit, works the retried job.
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: mp.SMTPPort, From: "网贷整改验收系统 <noreply@portal.test>"})
	if err != nil {
		t.Fatal(err)
	}
	b := web.New(web.Config{Env: "demo", SessionKey: []byte("0123456789abcdef0123456789abcdef"), VarDir: t.TempDir(),
		Ops: web.OpsConfig{Mailer: sender, PublicURL: "https://portal.example.gov.cn"}}, env.Store, env.Clock.Now, discard())
	bctx, bstop := context.WithCancel(ctx)
	defer bstop()
	if err := b.StartJobs(bctx); err != nil {
		t.Fatal(err)
	}
	got := webtest.WaitMailpit(t, mp, 1)
	var m *webtest.MailpitMessage
	for i := range got {
		if got[i].MessageID == out.MessageID+"@portal.test" {
			m = &got[i]
		}
	}
	if m == nil {
		t.Fatalf("Mailpit has %+v; want Message-ID %s@portal.test", got, out.MessageID)
	}
	text := webtest.MailpitText(t, mp, m.ID)
	if len(m.To) != 1 || m.To[0].Address != "platform1@demo.portal.test" || !strings.Contains(m.Subject, "退回补正") ||
		!strings.Contains(text, "请补充银行存管协议原件扫描件") || !strings.Contains(text, app.DueDate.String()) ||
		!strings.Contains(text, "https://portal.example.gov.cn/applications/"+strconv.FormatInt(app.ID, 10)) {
		t.Fatalf("message %+v\n%s", m, text)
	}
	waitSent(t, env, plat.ID, out.ID)
	// At least once, idempotent: delivering the same outbox row again sends nothing.
	if err := env.Store.DeliverMail(ctx, out.ID, env.Clock.Now(), func(context.Context, store.OutboxMessage) error {
		t.Fatal("a sent message was sent again")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := countFor(webtest.MailpitMessages(t, mp), out.MessageID+"@portal.test"); n != 1 {
		t.Fatalf("Mailpit holds %d copies; want 1", n)
	}
	bstop()
	_ = b.StopJobs(ctx)
}

// TestAccountPageTurnsMailOff: the user's own switch on /account, audited; with it off, a
// send-back writes no mail.
func TestAccountPageTurnsMailOff(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("platform1", webtest.DemoPassword)
	_, body := c.Get("/account")
	doc := parse(t, body)
	if got := strings.TrimSpace(doc.Find("[data-testid=account-email]").Text()); got != "platform1@demo.portal.test" {
		t.Fatalf("account email %q", got)
	}
	if resp, _ := c.Submit("/account/mail", url.Values{"enabled": {"maybe"}}); resp.StatusCode != 422 {
		t.Fatalf("bad value: %d", resp.StatusCode)
	}
	if resp, _ := c.Submit("/account/mail", url.Values{"enabled": {"0"}}); resp.StatusCode != 303 {
		t.Fatalf("turn off: %d", resp.StatusCode)
	}
	_, body = c.Get("/account")
	if got := parse(t, body).Find("[data-testid=mail-status]").Text(); !strings.Contains(got, "不接收") {
		t.Fatalf("status after off: %q", got)
	}
	ctx := context.Background()
	plat, _ := env.Store.UserByUsername(ctx, "platform1")
	before, _ := env.Store.OutboxMessages(ctx, plat.ID, 100)
	sendBack(t, env, "请补充")
	after, _ := env.Store.OutboxMessages(ctx, plat.ID, 100)
	if len(after) != len(before) {
		t.Fatalf("mail off, yet the outbox grew %d → %d", len(before), len(after))
	}
	if entries, _, _ := env.Store.ListAudit(ctx, store.AuditFilter{Query: "关闭邮件通知"}, models.Page{}); len(entries) != 1 {
		t.Fatalf("audit: %+v", entries)
	}
}

// TestAdminSetsEmailKeepingWhatWasTyped: a malformed address is refused in Chinese and
// kept in the field; a good one is saved and shown in the user list.
func TestAdminSetsEmailKeepingWhatWasTyped(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("admin", webtest.DemoPassword)
	u, _ := env.Store.UserByUsername(context.Background(), "district2")
	path := "/admin/users/" + strconv.FormatInt(u.ID, 10) + "/email"
	resp, body := c.Submit(path, url.Values{"email": {"zhang at jrj"}})
	doc := parse(t, body)
	if resp.StatusCode != 422 || doc.Find("input[name=email]").AttrOr("value", "") != "zhang at jrj" || !strings.Contains(doc.Text(), "邮箱地址格式不正确") {
		t.Fatalf("bad email: %d", resp.StatusCode)
	}
	if resp, _ := c.Submit(path, url.Values{"email": {"Zhang@JRJ.gz.gov.cn"}}); resp.StatusCode != 303 {
		t.Fatalf("good email: %d", resp.StatusCode)
	}
	_, body = c.Get("/admin/users?q=district2")
	if got := strings.TrimSpace(parse(t, body).Find("[data-testid=user-district2] [data-testid=user-email]").Text()); got != "zhang@jrj.gz.gov.cn" {
		t.Fatalf("list shows %q", got)
	}
}

func countFor(msgs []webtest.MailpitMessage, id string) int {
	n := 0
	for _, m := range msgs {
		if m.MessageID == id {
			n++
		}
	}
	return n
}

// waitFailed waits until the deliver_mail job of outbox row id has failed once.
func waitFailed(t *testing.T, env *webtest.Env, id int64) int64 {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		jobs, err := env.Store.FailedJobs(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			var args store.DeliverMailArgs
			if j.Kind == "deliver_mail" && json.Unmarshal([]byte(j.Args), &args) == nil && args.OutboxID == id {
				return j.ID
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the job of the outbox row never failed")
	return 0
}

func waitSent(t *testing.T, env *webtest.Env, userID, id int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		msgs, _ := env.Store.OutboxMessages(context.Background(), userID, 100)
		for _, m := range msgs {
			if m.ID == id && m.SentAt != nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the outbox row was never marked sent")
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
