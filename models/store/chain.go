package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// ChainBatch is how many decisions a chain check reads at a time.
const ChainBatch = 5000

// decisionChain names the decision history's row in chain_checkpoints.
const decisionChain = "decisions"

// ChainCheckpoint is the stored end of the verified part of a chain.
type ChainCheckpoint struct {
	Chain       string `gorm:"primaryKey"`
	LastID      int64
	LastHash    string
	RowsCovered int64
	AdvancedAt  time.Time
	FullAt      *time.Time
	BrokenID    *int64
	BrokenWhy   string
	BrokenAt    *time.Time
}

// TableName is the checkpoints' table.
func (ChainCheckpoint) TableName() string { return "chain_checkpoints" }

// ChainCheckOptions chooses a routine or a full check. Batch is the rows read per
// query (ChainBatch when 0); Now is the time recorded on the checkpoint.
type ChainCheckOptions struct {
	Full  bool
	Batch int
	Now   time.Time
}

// ChainCheck is what one run of the check found.
type ChainCheck struct {
	Full    bool
	After   int64              // the run started after this row (0: from the first row)
	Checked int64              // rows this run verified
	Batches int                // queries of decisions this run sent
	Break   *models.ChainBreak // the first broken row this run found, or nil
	// Checkpoint is the stored checkpoint after the run (nil: none yet, the chain is empty).
	Checkpoint *ChainCheckpoint
}

// DecisionCheckpoint is the decision history's checkpoint, or nil before the first check.
func (s *Store) DecisionCheckpoint(ctx context.Context) (*ChainCheckpoint, error) {
	return loadCheckpoint(s.db.WithContext(ctx), decisionChain)
}

func loadCheckpoint(db *gorm.DB, chain string) (*ChainCheckpoint, error) {
	var cp ChainCheckpoint
	err := db.Where("chain = ?", chain).Take(&cp).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &cp, nil
}

// CheckDecisionChain verifies the decision history in keyset batches of o.Batch rows,
// holding one batch at a time. A routine check starts after the stored checkpoint, so it
// costs what is new since then, and cannot see a change to a row at or below it; a full
// check (o.Full) starts from the first row. When every row read verifies, the checkpoint
// moves to the last one (never backwards: a concurrent check that got further wins); a
// break is recorded on the checkpoint and never moves it.
func (s *Store) CheckDecisionChain(ctx context.Context, o ChainCheckOptions) (*ChainCheck, error) {
	db := s.db.WithContext(ctx)
	cp, err := loadCheckpoint(db, decisionChain)
	if err != nil {
		return nil, err
	}
	res := &ChainCheck{Full: o.Full || cp == nil}
	start, covered := models.GenesisHash, int64(0)
	if !res.Full {
		res.After, start, covered = cp.LastID, cp.LastHash, cp.RowsCovered
	}
	v := models.NewChainVerifier(start)
	last, batches, brk, err := s.walkDecisions(ctx, res.After, o.Batch, v)
	if err != nil {
		return nil, err
	}
	res.Checked, res.Batches, res.Break = v.Verified(), batches, brk
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	switch {
	case brk != nil: // noted where the page shows it; the checkpoint stays
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "chain"}},
			DoUpdates: clause.AssignmentColumns([]string{"broken_id", "broken_why", "broken_at"}),
		}).Create(&ChainCheckpoint{Chain: decisionChain, LastHash: models.GenesisHash, AdvancedAt: now,
			BrokenID: &brk.DecisionID, BrokenWhy: brk.Reason, BrokenAt: &now}).Error
	case last != 0:
		next := ChainCheckpoint{Chain: decisionChain, LastID: last, LastHash: v.Last(), RowsCovered: covered + v.Verified(), AdvancedAt: now}
		set := map[string]any{"last_id": next.LastID, "last_hash": next.LastHash, "rows_covered": next.RowsCovered, "advanced_at": now}
		if res.Full { // a full pass clears a break found before
			next.FullAt = &now
			set["full_at"], set["broken_id"], set["broken_why"], set["broken_at"] = now, nil, "", nil
		}
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "chain"}},
			DoUpdates: clause.Assignments(set),
			Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "chain_checkpoints.last_id <= excluded.last_id"}}},
		}).Create(&next).Error
	}
	if err != nil {
		return nil, err
	}
	if res.Checkpoint, err = loadCheckpoint(db, decisionChain); err != nil {
		return nil, err
	}
	return res, nil
}

// walkDecisions feeds v the decisions after id `after`, batch rows per query in id
// order, until the end or the first break. It returns the id of the last verified row
// (0 when none) and the number of queries.
func (s *Store) walkDecisions(ctx context.Context, after int64, batch int, v *models.ChainVerifier) (int64, int, *models.ChainBreak, error) {
	if batch <= 0 {
		batch = ChainBatch
	}
	db := s.db.WithContext(ctx)
	rows := make([]models.Decision, 0, batch)
	var last int64
	for queries := 1; ; queries++ {
		rows = rows[:0]
		if err := db.Where("id > ?", after).Order("id").Limit(batch).Find(&rows).Error; err != nil {
			return 0, queries, nil, err
		}
		for _, d := range rows {
			if brk := v.Next(d); brk != nil {
				return last, queries, brk, nil
			}
			last = d.ID
		}
		if len(rows) < batch {
			return last, queries, nil, nil
		}
		after = rows[len(rows)-1].ID
	}
}
