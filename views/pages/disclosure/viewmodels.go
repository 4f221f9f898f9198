// Package disclosure holds the pages of disclosure supervision after filing (issue 11):
// the platform's monthly reports, events, annual documents and API tokens; the officers'
// lists, indicators and scores; the public disclosure page.
package disclosure

import (
	"portal/models"
	"portal/views/components"
	"portal/views/pages/shared"
)

// Obligation is one due report as the platform's page lists it.
type Obligation struct {
	What     string
	Deadline *components.Deadline
	Done     bool
	Href     string
}

// ReportRow is one period's latest version.
type ReportRow struct {
	Period      string
	Version     int
	Source      string
	SubmittedAt string
	Due         string
	Late        bool
	Href        string
}

// PlatformPage is the platform's disclosure home.
type PlatformPage struct {
	Filed       bool
	Institution string
	RuleSet     string
	Obligations []Obligation
	Reports     []ReportRow
	Period      string // the period now due, for the form and template links
	Errors      components.FieldErrors
}

// FigureField is one item of the monthly form.
type FigureField struct {
	Key, Label, Unit, Citation, Value string
	Text, Optional                    bool
}

// FormPage is the monthly report form: typed values are kept on every refusal.
type FormPage struct {
	Period     string
	Fields     []FigureField
	Note       string
	Errors     components.FieldErrors
	FromUpload string // the uploaded template's file name when the values were read from it
	Correction int    // the version this one corrects, 0 for a first report
	RuleSet    string
	Deadline   *components.Deadline
	UploadHash string // the uploaded file's SHA-256, kept with the version
}

// VersionsPage is the history of one period's report.
type VersionsPage struct {
	Institution string
	Period      string
	Versions    []Version
	Items       []models.FigureItem
	CorrectHref string // "" for officers
	BackHref    string
}

// Version is one version with its figures.
type Version struct {
	Number      int
	Source      string
	SubmittedAt string
	Submitter   string
	Note        string
	Late        bool
	Hash        string
	Values      []string // in Items order
}

// MonitorRow is one filed institution in the officers' list.
type MonitorRow struct {
	InstitutionID int64
	Name, USCC    string
	District      string
	RuleSet       string
	Status        models.ReportStatus
	Deadline      *components.Deadline
	SubmittedAt   string
	Version       int
	Missing       string // the missing months, "" when none
	OpenEvents    int
	Breaches      string // the indicators out of range, "" when none
	IndicatorHref string
	ScoreHref     string
	// Remedies: the month's unmet conditions of seeds/001 二 with their periods' chips
	Remedies []RemedyLine
}

// RemedyLine is one unmet condition and its period from the notice date.
type RemedyLine struct {
	Name     string
	State    string
	Deadline *components.Deadline
}

// FilingNoticePage is the province's setting of the notice date of seeds/001 二.
type FilingNoticePage struct {
	Province string
	Current  string // yyyy-mm-dd, "" when not set
	Periods  []NoticePeriod
	Input    FilingNoticeInput
	Errors   components.FieldErrors
	History  []FilingNoticeHistoryRow
}

// FilingNoticeInput is what the officer typed.
type FilingNoticeInput struct{ NoticeDate, Reason string }

// NoticePeriod is one period counted from the current notice date.
type NoticePeriod struct{ Name, Length, Due, Classes, Clause string }

// FilingNoticeHistoryRow is one past setting.
type FilingNoticeHistoryRow struct{ NoticeDate, Reason, SetBy, SetAt string }

// MonitorPage is the officers' list of filed institutions for a month.
type MonitorPage struct {
	Title      string
	JudgedAt   string // 判定更新于: the stored judgement's last refresh (migration 00102), "" before the first
	Period     string
	Status     string
	Statuses   []components.Option
	Missing    bool
	OpenEvents bool
	Breached   bool
	Query      string
	DistrictID string
	Districts  []components.Option
	Rows       []MonitorRow
	Pager      components.Pager
	Export     string
	PeriodErr  string
	ShowRules  bool // the city and the province choose the rule set
	ShowNotice bool // the province sets the notice date of seeds/001 二
}

// EventRow is one event report in a list.
type EventRow struct {
	ID          int64
	Institution string
	InstHref    string
	District    string
	Kind        string
	Category    string
	Title       string
	OccurredAt  string
	FiledAt     string
	Deadline    *components.Deadline
	Late        bool
	Open        bool
	Cause       string
	State       string
	Impact      string
	Measures    string
	ClosingNote string
	CloseAction string // the platform's close form, "" for officers
}

// EventsPage is the platform's event reports and the form to file one.
type EventsPage struct {
	Rows       []EventRow
	Form       map[string]string
	Errors     components.FieldErrors
	Categories []components.Option
	Kinds      []components.Option
	RuleSet    string
	CloseErrs  map[int64]string
}

// OfficerEventsPage is the officers' list of event reports.
type OfficerEventsPage struct {
	Rows       []EventRow
	OpenOnly   bool
	Kind       string
	Kinds      []components.Option
	Query      string
	DistrictID string
	Districts  []components.Option
	Pager      components.Pager
	Export     string
}

// TokenRow is one API token.
type TokenRow struct {
	ID                    int64
	Name, Prefix, Created string
	Used, Revoked         string
	RevokeHref            string // empty: the platform's revoke URL
}

// TokensPage is the platform's API tokens; NewToken is shown once, right after creation.
type TokensPage struct {
	Rows     []TokenRow
	Name     string
	Errors   components.FieldErrors
	NewToken string
	APIPath  string
	// For the custody bank's tokens (issue 12 §3), which are of the same kind: the create
	// URL, the request header and what the API does; empty: the platform's.
	Action, Header, Purpose string
}

// InstitutionPage is an officer's view of one filed institution's disclosure.
type InstitutionPage struct {
	ID         int64
	Name       string
	RuleSet    string
	Reports    []ReportRow
	Events     []EventRow
	ScoreHref  string
	ExportHref string
	// The custody bank's statements and the latest one's comparison (issue 12 §3).
	Statements []shared.StatementRow
	BankCheck  *shared.BankComparison
}

// IndicatorsPage is one month's indicators of an institution.
type IndicatorsPage struct {
	Name       string
	Period     string
	Reported   bool
	Indicators []models.Indicator
	Figures    []FigureLine
	Conditions []ConditionLine // seeds/001 二 at the month end
	CondErr    string
	Notice     string // the province's notice date, or why there is none
	Versions   string
	Back       string
}

// ConditionLine is one filing condition with the chip of its period from the notice date
// (nil when it has none).
type ConditionLine struct {
	models.ConditionStatus
	Deadline *components.Deadline
}

// FigureLine is one declared figure.
type FigureLine struct{ Label, Value, Citation string }

// ScorePage is an institution's completeness score with its breakdown.
type ScorePage struct {
	Name   string
	Period string
	Score  models.ScoreBreakdown
	Back   string
}

// RankingRow is one line of a city's ranking.
type RankingRow struct {
	Rank                 int
	Name, District, City string
	Total                string
	Href                 string
}

// RankingPage ranks the jurisdiction's filed platforms by completeness, per city.
type RankingPage struct {
	Period    string
	PeriodErr string
	Query     string
	Rows      []RankingRow // the page's rows; the ranks are over the whole jurisdiction
	Pager     components.Pager
	Export    string
}

// RulesPage lets a province or city officer choose the guideline for their division.
type RulesPage struct {
	Division  string
	Level     string // 省 or 市
	Current   string // the division's own choice, "" for none
	Effective string
	Options   []components.Option
	Errors    components.FieldErrors
}

// PublicPage is the public disclosure page of a filed institution: figures and events,
// no personal data.
type PublicPage struct {
	Name     string
	USCC     string
	RuleSet  string
	Items    []models.FigureItem
	Periods  []PublicPeriod
	Events   []EventRow
	Register string
}

// PublicPeriod is one month's latest figures.
type PublicPeriod struct {
	Period  string
	Version int
	Values  []string
}

// AnnualDocRow is one uploaded yearly document.
type AnnualDocRow struct {
	Year     int
	Kind     string
	FileName string
	Uploaded string
	Deadline *components.Deadline
	Late     bool
}

// AnnualPage is the platform's yearly documents with the upload form.
type AnnualPage struct {
	Rows        []AnnualDocRow
	Obligations []Obligation
	Kinds       []components.Option
	Year        string
	Kind        string
	Errors      components.FieldErrors
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
