package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"portal/models"
)

// FailedJob is a job River gave up on (discarded) or is still retrying after an error.
type FailedJob struct {
	ID          int64
	Kind        string
	State       string // discarded | retryable
	Attempt     int
	MaxAttempts int
	Args        string
	LastError   string
	At          time.Time // when it last failed
	NextAt      time.Time // retryable: when River tries again
}

// FailedJobs lists up to limit failed jobs, newest first (/admin/jobs).
func (s *Store) FailedJobs(ctx context.Context, limit int) ([]FailedJob, error) {
	res, err := s.queue.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateDiscarded, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, err
	}
	out := make([]FailedJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		f := FailedJob{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			Args: string(j.EncodedArgs), NextAt: j.ScheduledAt}
		if n := len(j.Errors); n > 0 {
			f.LastError, f.At = j.Errors[n-1].Error, j.Errors[n-1].At
		}
		out = append(out, f)
	}
	return out, nil
}

// RetryJob puts a failed job back in the queue to run now, and records who did, in one
// transaction.
func (s *Store) RetryJob(ctx context.Context, a Actor, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return errors.New("RetryJob outside a transaction")
		}
		row, err := s.queue.JobRetryTx(ctx, sqlTx, id)
		if errors.Is(err, rivertype.ErrNotFound) {
			return models.Errorf(models.ENotFound, "任务 %d 不存在或已被清理", id)
		} else if err != nil {
			return err
		}
		return audit(tx, a, "重试后台任务", fmt.Sprintf("任务 %d（%s）", row.ID, row.Kind),
			fmt.Sprintf("第 %d/%d 次尝试后重新排队", row.Attempt, row.MaxAttempts))
	})
}

// JobCounts counts River's jobs by state (for /metrics).
func (s *Store) JobCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		State string
		N     int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT state::text AS state, count(*) AS n FROM river_job GROUP BY state").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}
