package jobs

import (
	"context"
	"time"
)

// EndNoticesArgs: a public notice whose last day has passed with no complaint pending or
// upheld goes on to the province's sign-off (seeds/004 plan 1 四(二)5(1)).
type EndNoticesArgs struct{}

// Kind names the job.
func (EndNoticesArgs) Kind() string { return "end_notices" }

func endNotices(d Deps) Scheduled {
	return Scheduled{Name: "公示期满转省级审定", Args: EndNoticesArgs{}, Every: time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Store.EndDueNotices(ctx, now)
			return err
		}}
}
