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
