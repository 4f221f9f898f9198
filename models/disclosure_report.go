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
		optID(r.SubmittedBy), optID(r.TokenID), ChainTime(r.SubmittedAt), ChainTime(r.DueAt), r.Note,
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
