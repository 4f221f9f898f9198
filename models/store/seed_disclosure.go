package store

import (
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// seedDisclosure gives the filed demo institution some months of reports (issue 11), so
// the officers' lists show something: counted back from the month now due, three months
// reported — one on time, one late, one on time and then corrected — and the month now due
// not yet; an open 48-hour event and a closed change report.
func seedDisclosure(tx *gorm.DB, inst *models.Institution, platform *models.User, now time.Time) error {
	var n int64
	if err := tx.Table("disclosure_reports").Where("institution_id = ?", inst.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	cal, err := readCalendarIn(tx)
	if err != nil {
		return err
	}
	due := models.PeriodOf(models.DateOf(now)).Prev()
	base := models.MonthlyFigures{
		CumulativeAmount: 1_800_000_000 * models.OneYuan, CumulativeCount: 24000, Balance: 150_000_000 * models.OneYuan, BalanceCount: 3100,
		CumulativeLenders: 16000, CumulativeBorrowers: 5200, CurrentLenders: 2100, CurrentBorrowers: 900,
		Top10Share: 6 * models.Percent, LargestBorrowerShare: 80, OverdueAmount: 4_000_000 * models.OneYuan, OverdueCount: 52,
		Overdue90Amount: 1_500_000 * models.OneYuan, Overdue90Count: 18, FeeSchedule: "借款人服务费：借款本金的 1.5%；出借人不收费",
		RiskReserveBalance: 1_600_000 * models.OneYuan, CompensationBalance: 4_600_000 * models.OneYuan,
	}
	for i, offset := range []int{-2, 4, -1} { // days from the due day: on time, late, on time
		p := due
		for k := 0; k < 3-i; k++ {
			p = p.Prev()
		}
		f := base
		f.Period = p
		f.CumulativeAmount += models.Money(i) * 20_000_000 * models.OneYuan
		f.CumulativeCount += int64(i) * 300
		f.CumulativeLenders += int64(i) * 120
		f.CumulativeBorrowers += int64(i) * 40
		f.Balance -= models.Money(i) * 5_000_000 * models.OneYuan
		d, err := models.MonthlyReportDue(cal, models.RuleSetNational, p)
		if err != nil {
			return nil // no calendar for that year: no demo reports rather than a failed seed
		}
		at := d.Start().Add(time.Duration(offset)*24*time.Hour + 10*time.Hour)
		if _, err := submitReport(tx, cal, Actor{User: platform, Now: at}, ReportInput{InstitutionID: inst.ID, Figures: f, Source: models.SourceSeed}); err != nil {
			return err
		}
		if i == 2 { // a correction the next day
			f.OverdueCount++
			if _, err := submitReport(tx, cal, Actor{User: platform, Now: at.Add(24 * time.Hour)},
				ReportInput{InstitutionID: inst.ID, Figures: f, Source: models.SourceSeed, Note: "更正逾期笔数"}); err != nil {
				return err
			}
		}
	}
	occurred := now.Add(-50 * time.Hour)
	events := []models.EventReport{
		{InstitutionID: inst.ID, Kind: models.EventKindMajor, Category: models.EventCompanyLitigation, Title: "公司涉及出借人集体诉讼",
			OccurredAt: occurred, DueAt: models.EventReportDue(occurred), Cause: "部分出借人就逾期项目提起集体诉讼",
			CurrentState: "法院已立案，尚未开庭", Impact: "涉诉金额约 1,200 万元，可能影响相关项目兑付进度",
			Measures: "已聘请律师应诉，并与出借人代表沟通分期兑付方案", FiledBy: &platform.ID, FiledAt: occurred.Add(20 * time.Hour)},
	}
	changed := models.DateOf(now).AddDays(-20)
	cdue, err := models.ChangeReportDue(cal, models.RuleSetNational, changed, false)
	if err == nil {
		closed := changed.AddDays(6).Start().Add(11 * time.Hour)
		events = append(events, models.EventReport{InstitutionID: inst.ID, Kind: models.EventKindChange, Title: "客服电话变更",
			OccurredAt: changed.Start().Add(9 * time.Hour), DueAt: cdue.AddDays(1).Start(), FiledBy: &platform.ID,
			FiledAt: changed.AddDays(3).Start().Add(10 * time.Hour), ClosedAt: &closed, ClosedBy: &platform.ID, ClosingNote: "官网与 App 已同步更新"})
	}
	for i := range events {
		if err := tx.Create(&events[i]).Error; err != nil {
			return err
		}
	}
	return nil
}
