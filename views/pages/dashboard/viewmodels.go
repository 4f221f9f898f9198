// Package dashboard holds the officers' supervision dashboards (issue 12): figures of
// their jurisdiction as charts, each beside the table it is drawn from.
package dashboard

import "portal/views/components"

// Chart is one chart and its data table. static/js/charts.js draws the chart from the
// table itself, so what is drawn is what the table says, and without scripts (or for a
// screen reader) the table is the chart.
type Chart struct {
	ID      string
	Kind    string // bar, hbar (a ranking), stacked, pie, funnel, line
	Title   string
	Note    string // what is counted, and the clause where one applies
	RowHead string // header of the label column
	Series  []string
	Rows    []ChartRow
}

// ChartRow is one category of a chart: a label and one value per series.
type ChartRow struct {
	Label  string
	Values []float64
	Text   []string // the values as shown, e.g. "3" or "12.5"
}

// KPI is a headline figure, linking to the list behind it.
type KPI struct {
	Label string
	Value string
	Href  string
	Warn  bool
}

// EndingRow is a public notice ending this week.
type EndingRow struct {
	Institution string
	EndDate     string
}

// Tab is one of the dashboards of a jurisdiction.
type Tab struct {
	Label, Href string
	Current     bool
}

// Page is a dashboard of a jurisdiction: the acceptance workflow or disclosure.
type Page struct {
	Title  string
	Tabs   []Tab
	Scope  string // the jurisdiction, e.g. "广东省"
	AsOf   string // yyyy-mm-dd hh:mm, China time
	Intro  string
	KPIs   []KPI
	Charts []Chart
	// Ending lists the notices ending this week (the acceptance dashboard only).
	ShowEnding bool
	Ending     []EndingRow
	Week       string // "2026-11-30 至 2026-12-06"
	Export     string
	// Calendar is the platform's submission calendar of the year (its own dashboard).
	Calendar []CalendarRow
	Year     int
}

// CalendarRow is one due date of the platform's year and where it stands.
type CalendarRow struct {
	Name, Covers, Rule, Clause string
	Deadline                   *components.Deadline
	Status                     string
	Tone                       string // ok, warn, danger or ""
	Href                       string
}
