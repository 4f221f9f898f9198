package components

import (
	"time"

	"portal/models"
)

// Deadline is a due date as a page shows it.
type Deadline struct {
	Label   string // what it is for, e.g. 补正截止
	Due     string // yyyy-mm-dd; "" while pending or paused
	Text    string // 还剩 3 个工作日 / 已逾期 2 天 / 待定：… / 已暂停…
	Overdue bool
	Status  models.ClockStatus // "" for a plain due date
	Paused  string             // 累计暂停 5 天（等待机构补正）
}

// ClockDeadline is a statutory clock as a chip shows it, nil without a clock.
func ClockDeadline(c *models.Clock, cal *models.Calendar, now time.Time) *Deadline {
	if c == nil || c.ID == 0 {
		return nil
	}
	v := c.View(cal, now)
	return &Deadline{Label: v.Label, Due: v.Due, Text: v.Text, Overdue: v.Overdue, Status: v.Status, Paused: v.Paused}
}

// ViewDeadline is a clock already described at an instant (a computed clock, such as a
// period of seeds/001 二 from the province's notice date), nil without one.
func ViewDeadline(v *models.ClockView) *Deadline {
	if v == nil {
		return nil
	}
	return &Deadline{Label: v.Label, Due: v.Due, Text: v.Text, Overdue: v.Overdue, Status: v.Status, Paused: v.Paused}
}

// MakeDeadline describes a due date on today; an unknown calendar year shows the
// refusal instead of a guess.
func MakeDeadline(cal *models.Calendar, label string, kind models.DeadlineKind, due *models.Date, today models.Date) *Deadline {
	if due == nil || due.IsZero() {
		return nil
	}
	d := &Deadline{Label: label, Due: due.String()}
	dl, err := models.NewDeadline(cal, kind, *due, today)
	if err != nil {
		d.Text = models.ErrorMessage(err)
		return d
	}
	d.Text, d.Overdue = dl.String(), dl.Overdue
	return d
}

// String is the chip's text, e.g. 补正截止：2026-12-07（还剩 10 个工作日）.
func (d Deadline) String() string {
	if d.Due == "" {
		if d.Label != "" {
			return d.Label + "：" + d.Text
		}
		return d.Text
	}
	s := d.Due + "（" + d.Text + "）"
	if d.Label != "" {
		s = d.Label + "：" + s
	}
	return s
}
