package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/pages/admin"
)

// ChainStore is what the chain check needs of the store.
type ChainStore interface {
	VerifyDecisionChain(ctx context.Context) (*models.ChainBreak, int, error)
	DecisionByID(ctx context.Context, id int64) (*models.Decision, error)
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
	p := admin.ChainPage{Checked: n, Intact: brk == nil, CheckedAt: models.DateTimeCN(h.now())}
	if brk != nil {
		p.BrokenID, p.Reason = brk.DecisionID, brk.Reason
		if d, err := h.store.DecisionByID(ctx, brk.DecisionID); err == nil {
			p.AppID, p.At, p.Event = d.ApplicationID, models.DateTimeCN(d.At), d.Event.Label()
		}
	}
	return Render(c, http.StatusOK, admin.Chain(p))
}
