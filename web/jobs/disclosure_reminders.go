package jobs

import (
	"context"
	"time"
)

// DisclosureRemindersArgs: each filed platform is reminded before a disclosure due day and
// told, with its district, once the day has passed (issue 11); the store writes each
// reminder once per obligation, so a run repeated changes nothing.
type DisclosureRemindersArgs struct{}

// Kind names the job.
func (DisclosureRemindersArgs) Kind() string { return "disclosure_reminders" }

func disclosureReminders(d Deps) Scheduled {
	return Scheduled{Name: "信息披露报送提醒", Args: DisclosureRemindersArgs{}, Every: time.Hour,
		Run: func(ctx context.Context, now time.Time) error {
			_, err := d.Store.SendDisclosureReminders(ctx, now)
			return err
		}}
}
