// Package warning holds the early-warning pages (风险预警, issue 12 §2): the task list of a
// jurisdiction, a task with its closing form, and the thresholds.
package warning

import "portal/views/components"

// Row is one task in the list.
type Row struct {
	Href        string
	Institution string
	USCC        string
	District    string
	Rule        string
	Period      string
	Detail      string
	Opened      string
	Deadline    *components.Deadline
	Closed      bool
	ClosedText  string
}

// ListPage lists the tasks of the jurisdiction.
type ListPage struct {
	Title       string
	Query       string
	Status      string
	Rule        string
	Rules       []components.Option
	Rows        []Row
	Pager       components.Pager
	Export      string
	CanSettle   bool   // district officers close tasks
	SettingsURL string // city and province set the thresholds
}

// File is an evidence file of a closed task.
type File struct {
	Name string
	Href string
}

// TaskPage is one task; a district officer closes an open one with a finding and evidence.
type TaskPage struct {
	Row      Row
	Clause   string
	Finding  string // the recorded finding, or what was typed
	Files    []File
	CanClose bool
	Action   string // multipart: the CSRF token rides in the query
	Errors   components.FieldErrors
}

// SettingRow is one rule on the thresholds form.
type SettingRow struct {
	Name      string // form field
	Label     string
	Clause    string
	Local     bool
	Fixed     bool   // the seeds fix it: nothing to set
	Value     string // this division's own value as typed or stored; "" inherits
	Effective string // what is in force now
	Unit      string
}

// SettingsPage is a province's or city's thresholds.
type SettingsPage struct {
	Scope       string
	Rows        []SettingRow
	ServiceDays string
	DaysInForce string
	Errors      components.FieldErrors
}
