package jobs

import (
	"context"
	"time"
)

// CloseWindowsArgs: after a city's application window closes, institutions that never
// submitted are marked 视为放弃 (seeds/004 plan 1 四(二)1).
type CloseWindowsArgs struct{}

// Kind names the job.
func (CloseWindowsArgs) Kind() string { return "close_windows" }

func closeWindows(d Deps) Scheduled {
	return Scheduled{Name: "受理期届满标记视为放弃", Args: CloseWindowsArgs{}, Every: time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			n, err := d.Store.AbandonAfterWindows(ctx, now)
			if n > 0 && d.Log != nil {
				d.Log.Info("受理期届满，未提交申请的机构已标记为视为放弃", "count", n)
			}
			return err
		}}
}
