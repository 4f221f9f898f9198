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
	CheckDecisionChain(ctx context.Context, o store.ChainCheckOptions) (*store.ChainCheck, error)
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

// Show is /admin/chain: a routine check recomputes the rows added since the stored
// checkpoint; ?full=1 recomputes the whole chain from the first row. Either reads the
// history in batches, one batch in memory at a time. Any other value of full is a
// routine check.
func (h *Chain) Show(c echo.Context) error {
	ctx := c.Request().Context()
	full := c.QueryParam("full") == "1"
	res, err := h.store.CheckDecisionChain(ctx, store.ChainCheckOptions{Full: full, Now: h.now()})
	if err != nil {
		return err
	}
	result := "完整"
	if res.Break != nil {
		result = "第一处断点：决定 " + strconv.FormatInt(res.Break.DecisionID, 10)
	}
	kind := "例行校验"
	if res.Full {
		kind = "完整复核"
	}
	if err := h.store.RecordAudit(ctx, actor(c, h.now), "校验决定记录链", "决定记录", kind+" "+strconv.FormatInt(res.Checked, 10)+" 条，"+result); err != nil {
		return err
	}
	p := admin.ChainPage{Full: res.Full, After: res.After, Checked: res.Checked, Batches: res.Batches,
		Intact: res.Break == nil, CheckedAt: models.DateTimeCN(h.now())}
	if cp := res.Checkpoint; cp != nil && cp.LastID != 0 {
		p.Checkpoint = &admin.ChainCheckpoint{LastID: cp.LastID, Rows: cp.RowsCovered, AdvancedAt: models.DateTimeCN(cp.AdvancedAt)}
		if cp.FullAt != nil {
			p.Checkpoint.FullAt = models.DateTimeCN(*cp.FullAt)
		}
	}
	if brk := res.Break; brk != nil {
		p.Broken = h.broken(ctx, brk.DecisionID, brk.Reason, "")
	} else if cp := res.Checkpoint; cp != nil && cp.BrokenID != nil {
		// a break found before, below what this routine check reads: shown until a full
		// check passes
		at := ""
		if cp.BrokenAt != nil {
			at = models.DateTimeCN(*cp.BrokenAt)
		}
		p.Known = h.broken(ctx, *cp.BrokenID, cp.BrokenWhy, at)
	}
	return Render(c, http.StatusOK, admin.Chain(p))
}

func (h *Chain) broken(ctx context.Context, id int64, reason, found string) *admin.ChainBroken {
	b := &admin.ChainBroken{ID: id, Reason: reason, FoundAt: found}
	if d, err := h.store.DecisionByID(ctx, id); err == nil {
		b.AppID, b.At, b.Event = d.ApplicationID, models.DateTimeCN(d.At), d.Event.Label()
	}
	return b
}
