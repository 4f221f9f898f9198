package models

import (
	"fmt"
	"time"
)

// ReportSource is how a monthly report version came in.
type ReportSource string

const (
	SourceForm ReportSource = "form" // the platform's form
	SourceXLSX ReportSource = "xlsx" // the portal's XLSX template, uploaded
	SourceAPI  ReportSource = "api"  // the platform's own systems, with an API token
	SourceSeed ReportSource = "seed" // demo data
)

// Label is the Chinese name.
func (s ReportSource) Label() string {
	switch s {
	case SourceForm:
		return "网页填报"
	case SourceXLSX:
		return "模板上传"
	case SourceAPI:
		return "接口报送"
	case SourceSeed:
		return "演示数据"
	}
	return string(s)
}

// MonthlyReport is one version of an institution's monthly report (seeds/003 §8). A
// correction is a new version; the versions of one institution are hash-chained with the
// scheme of the decision history (ChainHash).
type MonthlyReport struct {
	ID            int64
	InstitutionID int64
	Version       int
	RuleSet       RuleSetID
	Source        ReportSource
	SubmittedBy   *int64
	SubmitterName string // not hashed: a display join
	TokenID       *int64
	SubmittedAt   time.Time
	DueAt         time.Time // the end of the due day
	Note          string
	UploadSHA256  string // the uploaded template the figures were read from
	Figures       MonthlyFigures
	PrevHash      string
	Hash          string
}

// Late says the version came in after its due day.
func (r MonthlyReport) Late() bool { return !r.SubmittedAt.Before(r.DueAt) }

// figureFields lists the figures in a fixed order, for the hash.
func figureFields(f MonthlyFigures) []string {
	ints := []int64{
		int64(f.CumulativeAmount), f.CumulativeCount, int64(f.Balance), f.BalanceCount,
		f.CumulativeLenders, f.CumulativeBorrowers, f.CurrentLenders, f.CurrentBorrowers,
		int64(f.Top10Share), int64(f.LargestBorrowerShare),
		int64(f.RelatedBalance), f.RelatedCount, int64(f.OverdueAmount), f.OverdueCount,
		int64(f.Overdue90Amount), f.Overdue90Count, int64(f.CompensationAmount), f.CompensationCount,
		int64(f.RiskReserveBalance), int64(f.CompensationBalance),
	}
	out := make([]string, 0, len(ints)+2)
	out = append(out, f.Period.String())
	for _, n := range ints {
		out = append(out, fmt.Sprint(n))
	}
	return append(out, f.FeeSchedule)
}

func optID(p *int64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

// MonthlyReportHash is ChainHash over the version's content and the previous version's hash.
func MonthlyReportHash(r MonthlyReport) string {
	fields := []string{
		fmt.Sprint(r.ID), fmt.Sprint(r.InstitutionID), fmt.Sprint(r.Version), string(r.RuleSet), string(r.Source),
		optID(r.SubmittedBy), optID(r.TokenID), ChainTime(r.SubmittedAt), ChainTime(r.DueAt), r.Note, r.UploadSHA256,
	}
	fields = append(fields, figureFields(r.Figures)...)
	return ChainHash(append(fields, r.PrevHash)...)
}

// VerifyReportChain checks an institution's versions in id order and returns the first
// break, or nil.
func VerifyReportChain(rows []MonthlyReport) *ChainBreak {
	prev := GenesisHash
	for _, r := range rows {
		if r.PrevHash != prev {
			return &ChainBreak{r.ID, "前序哈希不一致（记录被删除或插入）"}
		}
		if MonthlyReportHash(r) != r.Hash {
			return &ChainBreak{r.ID, "内容哈希不一致（记录被篡改）"}
		}
		prev = r.Hash
	}
	return nil
}

// ReportStatus is where one month's report of an institution stands on a day.
type ReportStatus string

const (
	ReportOnTime      ReportStatus = "on_time"      // 按时报送
	ReportLate        ReportStatus = "late"         // 逾期报送: the first version came after the due day
	ReportPending     ReportStatus = "pending"      // 待报送: not yet, the due day has not passed
	ReportOverdue     ReportStatus = "overdue"      // 逾期未报: not yet, the due day has passed
	ReportNotRequired ReportStatus = "not_required" // the month precedes filing
)

// Label is the Chinese name.
func (s ReportStatus) Label() string {
	switch s {
	case ReportOnTime:
		return "按时报送"
	case ReportLate:
		return "逾期报送"
	case ReportPending:
		return "待报送"
	case ReportOverdue:
		return "逾期未报"
	case ReportNotRequired:
		return "备案前，无需报送"
	}
	return string(s)
}

// Bad says an officer should look at it.
func (s ReportStatus) Bad() bool { return s == ReportLate || s == ReportOverdue }

// MonthlyReportStatus is the status of a period's report: first is when its first version
// came in (nil: none), due its due day, filed the filing day (the first period reported
// is the filing month's), today the day it is judged on.
func MonthlyReportStatus(p Period, filed Date, first *time.Time, due, today Date) ReportStatus {
	if p.Key() < PeriodOf(filed).Key() {
		return ReportNotRequired
	}
	switch {
	case first != nil && DateOf(*first).After(due):
		return ReportLate
	case first != nil:
		return ReportOnTime
	case today.After(due):
		return ReportOverdue
	}
	return ReportPending
}

// DisclosureEventKind tells a major event (seeds/003 §10) from a change to disclosed
// information (seeds/003 §7, seeds/002 §13).
type DisclosureEventKind string

const (
	EventKindMajor  DisclosureEventKind = "major"
	EventKindChange DisclosureEventKind = "change"
)

// Label is the Chinese name.
func (k DisclosureEventKind) Label() string {
	if k == EventKindMajor {
		return "重大事项（48 小时）"
	}
	return "信息变更"
}

// EventReport is one event report of an institution.
type EventReport struct {
	ID            int64
	InstitutionID int64
	Kind          DisclosureEventKind
	Category      MajorEventCategory
	MajorMatter   bool
	Title         string
	OccurredAt    time.Time
	DueAt         time.Time
	Cause         string
	CurrentState  string
	Impact        string
	Measures      string
	FiledBy       *int64
	FiledAt       time.Time
	ClosedAt      *time.Time
	ClosedBy      *int64
	ClosingNote   string
}

// TableName is the table of event reports.
func (EventReport) TableName() string { return "disclosure_events" }

// Late says the report came after its due time.
func (e EventReport) Late() bool { return e.FiledAt.After(e.DueAt) }

// Open says the event is not yet closed (处置完毕).
func (e EventReport) Open() bool { return e.ClosedAt == nil }
