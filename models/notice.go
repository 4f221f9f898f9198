package models

import "time"

// Notice statuses.
const (
	NoticeActive  = "active"
	NoticeEnded   = "ended"
	NoticeRevoked = "revoked"
)

// PublicNotice is the 14-day (or longer) public notice of an application.
type PublicNotice struct {
	ID            int64
	ApplicationID int64
	InstitutionID int64
	StartDate     Date
	EndDate       Date
	Days          int
	Status        string
	RevokedAt     *time.Time
	RevokedReason string
	MirrorURL     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName keeps gorm on the migration's table.
func (PublicNotice) TableName() string { return "notices" }

// TakesComplaints says whether the notice takes complaints on today: only while it is
// active, from its first day to its last. The refusal says why not.
func (n PublicNotice) TakesComplaints(today Date) error {
	switch {
	case n.Status == NoticeRevoked:
		return Errorf(EConflict, "该公示已撤销，不再受理举报")
	case n.Status != NoticeActive || today.After(n.EndDate):
		return Errorf(EConflict, "该公示已于 %s 期满，不再受理举报。如仍需反映问题，请联系所在地金融工作部门", n.EndDate)
	case today.Before(n.StartDate):
		return Errorf(EConflict, "该公示尚未开始")
	}
	return nil
}
