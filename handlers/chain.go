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

// ChainStore is what the chain check needs of the store.
type ChainStore interface {
	VerifyDecisionChain(ctx context.Context) (*models.ChainBreak, int, error)
	DecisionByID(ctx context.Context, id int64) (*models.Decision, error)
	RecordAudit(ctx context.Context, a store.Actor, action, target, detail string) error
}

// Chain verifies the decision history for an admin.
type Chain struct {
	store ChainStore
	now   Clock
}

// NewChain builds the chain check page.
func NewChain(s ChainStore, now Clock) *Chain { return &Chain{store: s, now: now} }

// Show recomputes the whole hash chain and names the first broken row.
func (h *Chain) Show(c echo.Context) error {
	ctx := c.Request().Context()
	brk, n, err := h.store.VerifyDecisionChain(ctx)
	if err != nil {
		return err
	}
	result := "完整"
	if brk != nil {
		result = "第一处断点：决定 " + strconv.FormatInt(brk.DecisionID, 10)
	}
	if err := h.store.RecordAudit(ctx, actor(c, h.now), "校验决定记录链", "决定记录", "校验 "+strconv.Itoa(n)+" 条，"+result); err != nil {
		return err
	}
	p := admin.ChainPage{Checked: n, Intact: brk == nil, CheckedAt: models.DateTimeCN(h.now())}
	if brk != nil {
		p.BrokenID, p.Reason = brk.DecisionID, brk.Reason
		if d, err := h.store.DecisionByID(ctx, brk.DecisionID); err == nil {
			p.AppID, p.At, p.Event = d.ApplicationID, models.DateTimeCN(d.At), d.Event.Label()
		}
	}
	return Render(c, http.StatusOK, admin.Chain(p))
}
