package models

import "time"

// Division levels.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelDistrict = "district"
)

// Division is a province, city or district.
type Division struct {
	ID       int64
	Code     string
	Name     string
	Abbr     string
	Level    string
	ParentID *int64
}

// Institution is a P2P lending platform's company. The platform-side file extends it.
type Institution struct {
	ID                 int64
	Name               string
	USCC               string `gorm:"column:uscc"`
	DistrictID         int64
	OutstandingBalance Money
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// AuditEntry records one action: who, when, what.
type AuditEntry struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	ActorName string
	Action    string
	Target    string
	Detail    string
	IP        string
}

// TableName keeps gorm on the migration's table name.
func (AuditEntry) TableName() string { return "audit_log" }

// Page is one page of a list: 1-based number and size.
type Page struct {
	Number int
	Size   int
}

// DefaultPageSize is used when a list request names none.
const DefaultPageSize = 20

// Normalize clamps the page to sane bounds.
// MaxPageNumber bounds ?page=: far past the end of any list, and its offset cannot overflow.
const MaxPageNumber = 1_000_000

func (p Page) Normalize() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Number > MaxPageNumber { // ?page=9223372036854775807 overflowed the offset
		p.Number = MaxPageNumber
	}
	if p.Size < 1 || p.Size > 200 {
		p.Size = DefaultPageSize
	}
	return p
}

// Offset is the row offset of the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Pages is how many pages total rows fill.
func (p Page) Pages(total int64) int {
	if total == 0 {
		return 1
	}
	return int((total + int64(p.Size) - 1) / int64(p.Size))
}
