package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PurgeSessionsArgs removes sessions past their idle or absolute lifetime.
type PurgeSessionsArgs struct{}

// Kind names the job.
func (PurgeSessionsArgs) Kind() string { return "purge_sessions" }

func purgeSessions(d Deps) Scheduled {
	return Scheduled{Name: "清除过期会话", Args: PurgeSessionsArgs{}, Every: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Store.PurgeExpiredSessions(ctx, now)
			return err
		}}
}

// PurgeSessionsWorker is the job's worker on its own (River's test worker runs it).
func PurgeSessionsWorker(d Deps) river.Worker[PurgeSessionsArgs] {
	return &periodic[PurgeSessionsArgs]{run: purgeSessions(d).Run, clock: d.Clock}
}
