package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"portal/models/store"
	"portal/web/mail"
)

// DeliverMail sends one outbox message (store.DeliverMail): enqueued by the store in the
// transaction of the decision that wrote the notification, retried with River's backoff
// when the mail server refuses, and a no-op once the message is marked sent.
type DeliverMail struct {
	river.WorkerDefaults[store.DeliverMailArgs]
	Store   *store.Store
	Mail    mail.Sender
	BaseURL string
	Clock   func() time.Time
}

// Work delivers the message.
func (w *DeliverMail) Work(ctx context.Context, job *river.Job[store.DeliverMailArgs]) error {
	return w.Store.DeliverMail(ctx, job.Args.OutboxID, w.Clock(), func(ctx context.Context, m store.OutboxMessage) error {
		link := ""
		if m.Link != "" {
			link = w.BaseURL + m.Link
		}
		return w.Mail.Send(ctx, mail.Message{MessageID: m.MessageID, To: m.To, Subject: "【网贷整改验收】" + m.Subject, Body: m.Body, Link: link})
	})
}
