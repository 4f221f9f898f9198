package jobs

import (
	"context"
	"time"
)

// OpenDataExtractArgs writes the open data API's full extract of the register and the
// notices for the day, unless it exists (handlers.Extracts.Ensure, issue 14 §3).
type OpenDataExtractArgs struct{}

// Kind names the job.
func (OpenDataExtractArgs) Kind() string { return "open_data_extract" }

func openDataExtract(d Deps) Scheduled {
	return Scheduled{Name: "开放数据每日全量文件", Args: OpenDataExtractArgs{}, Every: time.Hour,
		Run: func(ctx context.Context, now time.Time) error {
			if d.Extract == nil {
				return nil
			}
			return d.Extract(ctx, now)
		}}
}
