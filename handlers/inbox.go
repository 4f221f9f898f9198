package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/shared"
)

// InboxStore is what the inbox needs of the store.
type InboxStore interface {
	Notifications(ctx context.Context, userID int64, p models.Page) ([]store.Notification, int64, error)
	UnreadCount(ctx context.Context, userID int64) (int, error)
	MarkNotificationsRead(ctx context.Context, userID int64, now time.Time, ids ...int64) error
	OpenNotification(ctx context.Context, a store.Actor, id int64) (string, error)
}

// Inbox serves each user's in-app messages.
type Inbox struct {
	store    InboxStore
	sessions Sessions
	now      Clock
}

// NewInbox builds the inbox handlers.
func NewInbox(s InboxStore, sess Sessions, now Clock) *Inbox {
	return &Inbox{store: s, sessions: sess, now: now}
}

// Show lists the user's messages, newest first.
func (h *Inbox) Show(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	p := pageFrom(c)
	rows, total, err := h.store.Notifications(ctx, u.ID, p)
	if err != nil {
		return err
	}
	unread, err := h.store.UnreadCount(ctx, u.ID)
	if err != nil {
		return err
	}
	page := shared.InboxPage{Unread: unread, Pager: pager(c, p, total)}
	for _, n := range rows {
		page.Items = append(page.Items, shared.InboxItem{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body,
			At: models.DateTimeCN(n.At), Unread: n.ReadAt == nil, Link: n.Link})
	}
	return Render(c, http.StatusOK, shared.Inbox(page))
}

// Open marks a message read and follows its link.
func (h *Inbox) Open(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	link, err := h.store.OpenNotification(c.Request().Context(), actor(c, h.now), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, link)
}

// ReadAll marks every message read.
func (h *Inbox) ReadAll(c echo.Context) error {
	if err := h.store.MarkNotificationsRead(c.Request().Context(), CurrentUser(c).ID, h.now()); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/inbox", "已全部标为已读")
}
