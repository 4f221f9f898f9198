package models

// The parts of the officers' disclosure list (issue 11 §3) that the store's SQL re-expresses
// over its per-institution summary: each is the one definition, and the store's tests
// compare the SQL with these on the same data.

// MaxMissingScan bounds how many months after filing a missing month is looked for.
const MaxMissingScan = 120

// MissingPeriods are the months since the filing month whose report is past its due day
// (MonthlyReportDue under rs, seeds/003 §8 and seeds/002 §9) on today and was never
// submitted, oldest first; months whose due day waits for a calendar year are not counted.
func MissingPeriods(cal *Calendar, rs RuleSetID, filed Date, reported func(Period) bool, today Date) []Period {
	var out []Period
	mp := PeriodOf(filed)
	for n := 0; n < MaxMissingScan && mp.Key() < PeriodOf(today).Key(); n, mp = n+1, mp.Next() {
		if reported(mp) {
			continue
		}
		d, err := MonthlyReportDue(cal, rs, mp)
		if err != nil || !today.After(d) {
			continue
		}
		out = append(out, mp)
	}
	return out
}

// LastPastDuePeriod is the latest month before today's whose report is past its due day
// on today under rs: every month from filing up to it is due, none after it (due days
// follow the months' order). False when no month of the last MaxMissingScan is.
func LastPastDuePeriod(cal *Calendar, rs RuleSetID, today Date) (Period, bool) {
	p := PeriodOf(today).Prev()
	for range MaxMissingScan {
		if d, err := MonthlyReportDue(cal, rs, p); err == nil && today.After(d) {
			return p, true
		}
		p = p.Prev()
	}
	return Period{}, false
}

// ReserveFloors are the shares of the month-end balance the general risk reserve and the
// lender risk compensation fund must reach for a filed class (seeds/001 二(三)(四)); false
// when the class is not chosen, and ComputeIndicatorsFor judges neither.
func ReserveFloors(c OperatingClass) (reserve, compensation Ratio, ok bool) {
	th, ok := filingThresholdsByClass[c]
	return th.reserve, th.compensation, ok
}

// PeriodIndex counts months from year 0, so two months' distance is a subtraction.
func PeriodIndex(p Period) int { return p.Year*12 + p.Month - 1 }
