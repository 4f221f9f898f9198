package pdf

import (
	"fmt"
	"strings"
	"time"

	"portal/models"
)

// Dates are printed in models.ChinaTime whatever the server's zone, so output does not
// depend on TZ.

// DateCN formats t as 2026年11月22日 (China time).
func DateCN(t time.Time) string {
	t = t.In(models.ChinaTime)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// DateISO formats t as 2026-11-22 (China time).
func DateISO(t time.Time) string { return t.In(models.ChinaTime).Format("2006-01-02") }

// dateStamp is the document's fixed creation date: the given day at noon
// China time, so regenerating the document gives identical bytes.
func dateStamp(t time.Time) time.Time {
	t = t.In(models.ChinaTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, models.ChinaTime)
}

// Yuan formats an amount in fen (分) as 1,234,567.89元, with models' integer formatting.
func Yuan(fen int64) string { return models.Money(fen).String() + "元" }

// YuanWithYi adds the amount in 亿元 (two decimals) for large sums, the unit
// the scale threshold (models.LargeScaleText) is stated in.
func YuanWithYi(fen int64) string {
	m := models.Money(fen)
	if m < 1_000_000*models.OneYuan { // below 1,000,000.00元 the 亿 figure says little
		return Yuan(fen)
	}
	return fmt.Sprintf("%s（约%s亿元）", Yuan(fen), m.Yi())
}

// checkChosen returns chosen as a set after checking that each is one of all.
func checkChosen(all, chosen []string) (map[string]bool, error) {
	set := map[string]bool{}
	for _, c := range chosen {
		known := false
		for _, a := range all {
			known = known || a == c
		}
		if !known {
			return nil, fmt.Errorf("pdf: unknown check method %q (want one of %s)", c, strings.Join(all, "、"))
		}
		set[c] = true
	}
	return set, nil
}

func required(fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.TrimSpace(fields[i+1]) == "" {
			return fmt.Errorf("pdf: %s is required", fields[i])
		}
	}
	return nil
}
