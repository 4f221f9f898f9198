package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// ScorePeriodsArgs builds the stored completeness scores of the month now due and the one
// before (store.PrepareScorePeriods, migration 00122) once a new month begins, so the
// first officer to open the ranking or the dashboard that month does not wait for it.
type ScorePeriodsArgs struct{}

// Kind names the job.
func (ScorePeriodsArgs) Kind() string { return "disclosure_score_periods" }

func scorePeriods(d Deps) Scheduled {
	return Scheduled{Name: "披露完整度月份准备", Args: ScorePeriodsArgs{}, Every: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			return d.Store.PrepareScorePeriods(ctx, now)
		}}
}

// ScorePeriodsWorker is the job's worker on its own (River's test worker runs it).
func ScorePeriodsWorker(d Deps) river.Worker[ScorePeriodsArgs] {
	return &periodic[ScorePeriodsArgs]{run: scorePeriods(d).Run, clock: d.Clock}
}
