package jobs

import (
	"context"
	"time"
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
