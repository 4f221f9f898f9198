package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// DisclosureJudgementArgs re-judges every filed institution's disclosure standing for the
// month now due (store.RefreshDisclosureJudgement, migration 00102): the day crossing a
// due day turns pending into overdue and adds a missing month, which no write follows.
type DisclosureJudgementArgs struct{}

// Kind names the job.
func (DisclosureJudgementArgs) Kind() string { return "disclosure_judgement" }

func disclosureJudgement(d Deps) Scheduled {
	return Scheduled{Name: "信息披露判定刷新", Args: DisclosureJudgementArgs{}, Every: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) error {
			return d.Store.RefreshDisclosureJudgement(ctx, now)
		}}
}

// DisclosureJudgementWorker is the job's worker on its own (River's test worker runs it).
func DisclosureJudgementWorker(d Deps) river.Worker[DisclosureJudgementArgs] {
	return &periodic[DisclosureJudgementArgs]{run: disclosureJudgement(d).Run, clock: d.Clock}
}
