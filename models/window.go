package models

import "time"

// ApplicationWindow is a city's application window (SPEC §3.3): applications are
// accepted from StartDate to EndDate, both days included (seeds/004 plan 1 四(二)1 gives
// 03-10 to 04-25).
type ApplicationWindow struct {
	CityID    int64 `gorm:"primaryKey;autoIncrement:false"`
	StartDate Date
	EndDate   Date
	UpdatedBy *int64
	UpdatedAt time.Time
}

// TableName keeps gorm on the migration's table.
func (ApplicationWindow) TableName() string { return "application_windows" }

// ValidateWindow checks the dates an officer sets.
func ValidateWindow(start, end Date) error {
	if end.Before(start) {
		return Errorf(EInvalid, "受理截止日期 %s 早于开始日期 %s", end, start)
	}
	return nil
}

// Closed reports whether the window has ended by today: the end day itself still counts.
func (w ApplicationWindow) Closed(today Date) bool { return today.After(w.EndDate) }

// Contains reports whether today lies inside the window.
func (w ApplicationWindow) Contains(today Date) bool {
	return !today.Before(w.StartDate) && !today.After(w.EndDate)
}

// CheckSubmissionWindow refuses a submission outside the city's window, naming the
// dates. w is nil when the city has set none.
func CheckSubmissionWindow(w *ApplicationWindow, city string, today Date) error {
	switch {
	case w == nil:
		return Errorf(EInvalid, "%s尚未设定整改验收申请受理期，暂不能提交申请。请联系%s整改验收工作小组。", city, city)
	case today.Before(w.StartDate):
		return Errorf(EInvalid, "%s整改验收申请受理期为 %s 至 %s，尚未开始受理（今天是 %s），请于 %s 起提交。",
			city, w.StartDate, w.EndDate, today, w.StartDate)
	case today.After(w.EndDate):
		return Errorf(EInvalid, "%s整改验收申请受理期为 %s 至 %s，已于 %s 截止，不能再提交申请。逾期未提交的，视为放弃申请验收及备案资格（%s四(二)1）。",
			city, w.StartDate, w.EndDate, w.EndDate, citeAcceptancePlan)
	}
	return nil
}
