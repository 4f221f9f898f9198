package jobs

import (
	"context"
	"time"
)

// SweepFilesArgs sweeps the file store: stale temporary uploads and stored files no row
// refers to.
type SweepFilesArgs struct{}

// Kind names the job.
func (SweepFilesArgs) Kind() string { return "sweep_files" }

func sweepFiles(d Deps) Scheduled {
	return Scheduled{Name: "清理文件存储", Args: SweepFilesArgs{}, Every: 15 * time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			if d.Sweep == nil {
				return nil
			}
			return d.Sweep(ctx, now)
		}}
}
