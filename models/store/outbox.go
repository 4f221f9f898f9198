package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// DeliverMailArgs is the River job that mails one outbox row. It is inserted in the
// transaction that writes the row (the decision's own), so a committed decision always
// has its mail job and a rolled-back one has neither (issue 13 §1–2).
type DeliverMailArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind names the job in River's tables.
func (DeliverMailArgs) Kind() string { return "deliver_mail" }

// InsertOpts: one job per outbox row, retried with River's exponential backoff for
// about a day before it is discarded and shown on /admin/jobs.
func (DeliverMailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 12, Queue: river.QueueDefault, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// OutboxMessage is one mail as the sender needs it.
type OutboxMessage struct {
	ID        int64
	MessageID string // stable: the same on every attempt
	UserID    int64
	To        string
	Subject   string
	Body      string
	Link      string // path inside the portal; the sender makes it absolute
	CreatedAt time.Time
	SentAt    *time.Time
	Skipped   string
	Attempts  int
	LastError string
}

type outboxRow struct {
	ID             int64 `gorm:"primaryKey"`
	MessageID      string
	NotificationID *int64
	UserID         int64
	ToAddr         string
	Subject        string
	Body           string
	Link           string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"`
	SentAt         *time.Time
	Skipped        string
	Attempts       int
	LastError      string
}

func (outboxRow) TableName() string { return "mail_outbox" }

func (r outboxRow) message() OutboxMessage {
	return OutboxMessage{ID: r.ID, MessageID: r.MessageID, UserID: r.UserID, To: r.ToAddr, Subject: r.Subject, Body: r.Body,
		Link: r.Link, CreatedAt: r.CreatedAt, SentAt: r.SentAt, Skipped: r.Skipped, Attempts: r.Attempts, LastError: r.LastError}
}

// initQueue gives the store an insert-only River client over its own pool, so a store
// method can enqueue on the *sql.Tx of its transaction, and hooks the mail outbox onto
// every notification insert: whichever decision writes a notification, the mail follows
// in the same transaction.
func (s *Store) initQueue() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	s.queue, err = river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{})
	if err != nil {
		return err
	}
	return s.db.Callback().Create().After("gorm:create").Register("portal:mail_outbox", s.outboxAfterCreate)
}

// JobQueue is the store's insert-only River client (tests and the admin page read through it).
func (s *Store) JobQueue() *river.Client[*sql.Tx] { return s.queue }

// outboxAfterCreate runs after every gorm Create; for notifications it writes the outbox.
func (s *Store) outboxAfterCreate(db *gorm.DB) {
	if db.Error != nil || db.Statement.Schema == nil || db.Statement.Schema.Table != "notifications" {
		return
	}
	var rows []*Notification
	rv := reflect.Indirect(db.Statement.ReflectValue)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			if n, ok := reflect.Indirect(rv.Index(i)).Addr().Interface().(*Notification); ok {
				rows = append(rows, n)
			}
		}
	case reflect.Struct:
		if n, ok := rv.Addr().Interface().(*Notification); ok {
			rows = append(rows, n)
		}
	}
	if len(rows) == 0 {
		return
	}
	if err := s.enqueueMail(db.Statement.Context, db.Session(&gorm.Session{NewDB: true}), rows); err != nil {
		_ = db.AddError(fmt.Errorf("mail outbox: %w", err))
	}
}

// enqueueMail writes one outbox row per mailed notification whose user has an address
// and has not turned mail off, and inserts its delivery job on the same transaction.
func (s *Store) enqueueMail(ctx context.Context, tx *gorm.DB, rows []*Notification) error {
	for _, n := range rows {
		if !models.NotificationMailed(n.Kind) {
			continue
		}
		var u struct {
			Email       string
			MailEnabled bool
			Disabled    bool
		}
		if err := tx.Raw("SELECT email, mail_enabled, disabled FROM users WHERE id = ?", n.UserID).Scan(&u).Error; err != nil {
			return err
		}
		if u.Email == "" || !u.MailEnabled || u.Disabled {
			continue
		}
		body := n.Body
		if n.ApplicationID != nil {
			var due struct {
				DueDate  *models.Date
				DueLabel string
			}
			if err := tx.Raw("SELECT due_date, due_label FROM applications WHERE id = ?", *n.ApplicationID).Scan(&due).Error; err != nil {
				return err
			}
			if due.DueDate != nil {
				label := due.DueLabel
				if label == "" {
					label = "办理期限"
				}
				body = strings.TrimSpace(body + "\n\n" + label + "：" + due.DueDate.String())
			}
		}
		nid := n.ID
		row := outboxRow{MessageID: fmt.Sprintf("notification-%d", n.ID), NotificationID: &nid, UserID: n.UserID, ToAddr: u.Email,
			Subject: n.Title, Body: body, Link: n.Link, CreatedAt: n.At}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		if row.ID == 0 {
			continue // already in the outbox
		}
		if err := s.insertJob(ctx, tx, DeliverMailArgs{OutboxID: row.ID}); err != nil {
			return err
		}
	}
	return nil
}

// insertJob enqueues a job on the transaction behind tx (River's transactional insert),
// or, outside a transaction, on its own.
func (s *Store) insertJob(ctx context.Context, tx *gorm.DB, args river.JobArgs) error {
	if sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx); ok {
		_, err := s.queue.InsertTx(ctx, sqlTx, args, nil)
		return err
	}
	_, err := s.queue.Insert(ctx, args, nil)
	return err
}

// DeliverMail sends one outbox message with send, at least once: the row is locked, a
// sent or skipped message is left alone, and sent_at is written in the same transaction
// after send returns. A failed send is counted and returned, for River to retry.
func (s *Store) DeliverMail(ctx context.Context, id int64, now time.Time, send func(context.Context, OutboxMessage) error) error {
	var sendErr error
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var r outboxRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&r, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil // nothing to send: the row is gone
			}
			return err
		}
		if r.SentAt != nil || r.Skipped != "" {
			return nil
		}
		var enabled bool
		if err := tx.Raw("SELECT mail_enabled AND NOT disabled FROM users WHERE id = ?", r.UserID).Scan(&enabled).Error; err != nil {
			return err
		}
		if !enabled {
			return tx.Model(&r).Update("skipped", "用户已关闭邮件通知").Error
		}
		if sendErr = send(ctx, r.message()); sendErr != nil {
			return sendErr
		}
		return tx.Model(&r).Updates(map[string]any{"sent_at": now, "attempts": gorm.Expr("attempts + 1"), "last_error": ""}).Error
	})
	if sendErr != nil {
		msg := sendErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		_ = s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ?", id).
			Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": msg}).Error
	}
	return err
}

// OutboxMessages lists the outbox of one user (or of everyone, userID 0), newest first.
func (s *Store) OutboxMessages(ctx context.Context, userID int64, limit int) ([]OutboxMessage, error) {
	var rows []outboxRow
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if userID != 0 {
		q = q.Where("user_id = ?", userID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]OutboxMessage, len(rows))
	for i, r := range rows {
		out[i] = r.message()
	}
	return out, nil
}

// OutboxBacklog is the number of messages waiting to be sent (for /metrics).
func (s *Store) OutboxBacklog(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&outboxRow{}).Where("sent_at IS NULL AND skipped = ''").Count(&n).Error
	return n, err
}

// SetMailEnabled records a user's own choice to receive (or not) notifications by mail.
func (s *Store) SetMailEnabled(ctx context.Context, a Actor, userID int64, enabled bool) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, userID).Error; err != nil {
			return notFound(err, "用户")
		}
		if err := tx.Model(&u).Updates(map[string]any{"mail_enabled": enabled, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		action := "关闭邮件通知"
		if enabled {
			action = "开启邮件通知"
		}
		return audit(tx, a, action, u.Username, "")
	})
}

// SetUserEmail is an admin setting an account's mail address (empty: no mail).
func (s *Store) SetUserEmail(ctx context.Context, a Actor, userID int64, email string) error {
	email, err := models.NormalizeEmail(email)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, userID).Error; err != nil {
			return notFound(err, "用户")
		}
		if u.Email == email {
			return nil
		}
		if err := tx.Model(&u).Updates(map[string]any{"email": email, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		return audit(tx, a, "修改邮箱", u.Username, fmt.Sprintf("%s → %s", orNone(u.Email), orNone(email)))
	})
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}
