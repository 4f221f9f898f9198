// Package shared holds the pages every reviewing role and the platform see alike: the
// application page with its timeline and the decision forms of each role, and the small
// pieces (deadline chip, text area) the review pages reuse.
package shared

import (
	"strconv"

	"portal/models"
	"portal/urls"
	"portal/views/components"
)

// ClockRow is one clock of an application, for the list of its deadlines.
type ClockRow struct {
	models.ClockView
	Started string
	Ended   string
}

// ClockChange is one entry of the clocks' record.
type ClockChange struct {
	At, Actor, Clock, What, Note string
}

// Header is the top of the application page.
type Header struct {
	ID             int64
	Version        int
	State          models.State
	Institution    string
	USCC           string
	District       string
	Balance        models.Money
	Large          bool
	Assignee       string
	SubmittedAt    string
	Classification string
	ExitClass      string
}

// Route names the acceptance path by scale.
func (h Header) Route() string {
	if h.Large {
		return "省市联合验收（待收余额 " + models.LargeScaleText + "及以上）"
	}
	return "区级审核 → 市级初验 → 专责小组审定"
}

// TimelineItem is one decision of the history.
type TimelineItem struct {
	ID          int64
	At          string
	Actor       string
	Role        string
	Event       string
	Record      bool // a case record (claim, assignment, override): the state did not move
	From, To    string
	Opinion     string
	Attachments []string
	Hash        string
}

// File is an uploaded working paper or piece of evidence.
type File struct {
	Name, SHA256, Size, Type, At string
	URL                          string // download, when the content is kept
}

// Check is the on-site check as shown.
type Check struct {
	Date, Participants, ThirdParties, Findings string
	Methods                                    []string
	Papers                                     []File
}

// OpinionDoc links a district decision's two documents.
type OpinionDoc struct {
	Passed               bool
	IssuedOn, Officer    string
	OpinionURL, CheckURL string
}

// Failure is the failure notice as shown.
type Failure struct {
	Problems   []string
	Remarks    string
	Authority  string
	NotifiedOn string
	Deadline   *components.Deadline
	Open       bool // the objection period is still running
}

// Objection is the platform's objection as shown.
type Objection struct {
	Reasons  string
	At       string
	Evidence []File
	Outcome  string
}

// ExitEntry is one recorded exit classification.
type ExitEntry struct {
	ExitClass, InstitutionClass, Note, By, On string
}

// Form carries one re-rendered form's input and errors, so the user keeps what they
// typed; Name says which form of the page it was.
type Form struct {
	Name   string
	Values map[string]string
	Errs   components.FieldErrors
}

// Value is the typed value of a field of form name, or def when that form was not sent.
func (f Form) Value(name, field, def string) string {
	if f.Name == name {
		return f.Values[field]
	}
	return def
}

// MaterialRow is one material of the checklist with the officer's verdict.
type MaterialRow struct {
	ID       int64
	Code     string
	Name     string
	Required bool
	State    models.MaterialState
	Comment  string
	Reviewer string
	Files    []MaterialLink
}

// MaterialLink is the current file of one slot.
type MaterialLink struct {
	Label, Filename, URL string
	Version              int
}

var materialStateLabels = map[models.MaterialState]string{
	models.MaterialMissing: "未上传", models.MaterialUploaded: "待审核", models.MaterialAccepted: "已通过", models.MaterialReturned: "已退回",
}

// StateLabel names the material's state.
func (m MaterialRow) StateLabel() string { return materialStateLabels[m.State] }

// Round is what changed since the previous submission.
type Round struct {
	Prev, Last string
	Materials  []RoundMaterial
	Fields     []models.FileChange
}

// RoundMaterial is one material slot whose submitted file changed.
type RoundMaterial struct {
	Material, Old, New string
}

// ApplicationPage is the application page of any role.
type ApplicationPage struct {
	App      Header
	Role     models.Role
	UserID   int64
	Deadline *components.Deadline
	Allowed  []models.Event
	Timeline []TimelineItem
	// TimelineOlder and TimelineLatest link to the timeline's older page and back to its
	// latest one ("" when there is none / this is the latest).
	TimelineOlder, TimelineLatest string
	Check                         *Check
	Opinions                      []OpinionDoc
	Failure                       *Failure
	Clocks                        []ClockRow    // every deadline of the application, oldest first
	ClockLog                      []ClockChange // what happened to them
	CampaignEnd                   string        // the city's overall completion date, with days left
	Objection                     *Objection
	CityReasons                   string // the city's reasons when it sent the application back to the district
	PrevOfficer                   string // who did the step a confirmation must not be done by
	SelfRefused                   bool   // the current user did that step (four-eyes)
	IsAssignee                    bool
	Officers                      []components.Option
	ExitOpen                      bool
	Exits                         []ExitEntry
	Materials                     []MaterialRow
	ReviewMats                    bool   // the current user may accept or return materials now
	Round                         *Round // what changed since the last round, once resubmitted
	Form                          Form
	Refusal                       string // why the last action was refused (409/403), shown at the top
	// PendingMaterials lists the required materials not yet accepted, for the district's
	// pass form (which then asks for an override with a reason); "" when all are accepted.
	PendingMaterials string
}

var formFieldLabels = map[string]string{
	"pass_opinion": "审核意见", "pass_override_reason": "材料未全部审核通过仍予合格的理由",
	"return_opinion": "需补正的问题和材料", "return_days": "补正期限（工作日）",
	"fail_problems": "存在的问题", "fail_remarks": "其他意见", "disagree_reasons": "不同意的原因",
	"confirm_opinion": "审定意见", "uphold_opinion": "核实情况", "reject_opinion": "核实情况及不予采纳的理由",
}

// TypedField is one field of a refused form, as the page gives it back.
type TypedField struct {
	Name, Label, Value string
}

// Unsent lists what the user typed into a form that was refused (someone else acted
// first, or the case was taken over), so nothing typed is lost even when the form
// itself is no longer offered.
func (p ApplicationPage) Unsent() []TypedField {
	if p.Refusal == "" || p.Form.Name == "" {
		return nil
	}
	var out []TypedField
	for _, name := range []string{"pass_opinion", "pass_override_reason", "return_opinion", "return_days", "fail_problems",
		"fail_remarks", "disagree_reasons", "confirm_opinion", "uphold_opinion", "reject_opinion"} {
		if v := p.Form.Values[name]; v != "" {
			out = append(out, TypedField{Name: name, Label: formFieldLabels[name], Value: v})
		}
	}
	return out
}

// May reports whether the role may attempt ev here.
func (p ApplicationPage) May(ev models.Event) bool {
	for _, e := range p.Allowed {
		if e == ev {
			return true
		}
	}
	return false
}

// URL is a path under the application.
func (p ApplicationPage) URL(rest string) string {
	return urls.Application(p.App.ID) + rest
}

// SizeText is a file size in KB or MB.
func SizeText(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt((n+1023)/1024, 10) + " KB"
}
