package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/admin"
)

// JobsStore is what the admin's job page needs.
type JobsStore interface {
	FailedJobs(ctx context.Context, limit int) ([]store.FailedJob, error)
	RetryJob(ctx context.Context, a store.Actor, id int64) error
	OutboxBacklog(ctx context.Context) (int64, error)
}

// Jobs lists the background jobs that failed, with a retry button (issue 13 §1).
type Jobs struct {
	store    JobsStore
	sessions Sessions
	now      Clock
}

// NewJobs builds the handlers.
func NewJobs(s JobsStore, sess Sessions, now Clock) *Jobs {
	return &Jobs{store: s, sessions: sess, now: now}
}

// List shows the failed and discarded jobs, newest first.
func (h *Jobs) List(c echo.Context) error {
	ctx := c.Request().Context()
	jobs, err := h.store.FailedJobs(ctx, 200)
	if err != nil {
		return err
	}
	backlog, err := h.store.OutboxBacklog(ctx)
	if err != nil {
		return err
	}
	page := admin.JobsPage{Backlog: backlog}
	for _, j := range jobs {
		page.Jobs = append(page.Jobs, admin.JobRow{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt,
			MaxAttempts: j.MaxAttempts, Args: j.Args, LastError: j.LastError, At: j.At, NextAt: j.NextAt})
	}
	return Render(c, http.StatusOK, admin.Jobs(page))
}

// Retry puts one failed job back in the queue; the audit log records who did.
func (h *Jobs) Retry(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RetryJob(c.Request().Context(), actor(c, h.now), id); err != nil {
		if models.ErrorCode(err) == models.ENotFound {
			return redirectWithFlash(c, h.sessions, "/admin/jobs", models.ErrorMessage(err))
		}
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/jobs", "任务 "+strconv.FormatInt(id, 10)+" 已重新排队，将立即执行")
}
