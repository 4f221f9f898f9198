package jobs

import (
	"context"
	"time"
)

// EarlyWarningArgs: the early-warning rules run over every institution's latest monthly
// figures and open a task for each new breach (issue 12 §2).
type EarlyWarningArgs struct{}

// Kind names the job.
func (EarlyWarningArgs) Kind() string { return "early_warning" }

func earlyWarning(d Deps) Scheduled {
	return Scheduled{Name: "风险预警检查", Args: EarlyWarningArgs{}, Every: time.Hour,
		Run: func(ctx context.Context, now time.Time) error {
			n, err := d.Store.RunEarlyWarning(ctx, now)
			if n > 0 && d.Log != nil {
				d.Log.Info("风险预警：已开启预警处置任务", "count", n)
			}
			return err
		}}
}
