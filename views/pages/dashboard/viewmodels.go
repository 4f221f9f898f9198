// Package dashboard holds the officers' supervision dashboards (issue 12): figures of
// their jurisdiction as charts, each beside the table it is drawn from.
package dashboard

// Chart is one chart and its data table. static/js/charts.js draws the chart from the
// table itself, so what is drawn is what the table says, and without scripts (or for a
// screen reader) the table is the chart.
type Chart struct {
	ID      string
	Kind    string // bar, stacked, pie, funnel, line
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

// AcceptancePage is the acceptance-workflow dashboard of a jurisdiction.
type AcceptancePage struct {
	Title  string
	Scope  string // the jurisdiction, e.g. "广东省"
	AsOf   string // yyyy-mm-dd hh:mm, China time
	KPIs   []KPI
	Charts []Chart
	Ending []EndingRow
	Week   string // "2026-11-30 至 2026-12-06"
	Export string
}
