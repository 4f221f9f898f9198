package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
)

// CalendarYearRow summarises one published year for the admin page.
type CalendarYearRow struct {
	Year      int
	Source    string
	CreatedAt time.Time
	OffDays   int
	WorkDays  int
}

// CalendarYears lists the years whose arrangement is entered, with their day counts.
func (s *Store) CalendarYears(ctx context.Context) ([]CalendarYearRow, error) {
	var rows []CalendarYearRow
	err := s.db.WithContext(ctx).Raw(`SELECT y.year, y.source, y.created_at,
			count(d.day) FILTER (WHERE d.kind = 'off') AS off_days,
			count(d.day) FILTER (WHERE d.kind = 'work') AS work_days
		FROM calendar_years y LEFT JOIN calendar_days d ON extract(year FROM d.day) = y.year
		GROUP BY y.year, y.source, y.created_at ORDER BY y.year`).Scan(&rows).Error
	return rows, err
}

// CalendarDays lists a year's listed days in date order.
func (s *Store) CalendarDays(ctx context.Context, year int) ([]models.CalendarDay, error) {
	var days []calendarDay
	err := s.db.WithContext(ctx).Where("day >= ? AND day <= ?", fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)).
		Order("day").Find(&days).Error
	out := make([]models.CalendarDay, len(days))
	for i, d := range days {
		out[i] = models.CalendarDay{Date: d.Day, Kind: models.DayKind(d.Kind), Name: d.Name}
	}
	return out, err
}

// AddCalendarYear enters a newly published year. The whole calendar, old years and new,
// must still be consistent (models.NewCalendar); a year is entered once. Every clock
// pending that year is computed in the same transaction; the number is returned.
func (s *Store) AddCalendarYear(ctx context.Context, a Actor, year int, source string, days []models.CalendarDay) (int, error) {
	var changed int
	source = strings.TrimSpace(source)
	if source == "" {
		return 0, models.Errorf(models.EInvalid, "请填写发布文件的文号，例如 国办发明电〔2026〕X号")
	}
	defer s.forgetCalendar()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("LOCK TABLE calendar_years IN EXCLUSIVE MODE").Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Table("calendar_years").Where("year = ?", year).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return models.Errorf(models.EConflict, "%d 年的日历已经录入，不能重复添加", year)
		}
		var years []int
		if err := tx.Table("calendar_years").Pluck("year", &years).Error; err != nil {
			return err
		}
		var old []calendarDay
		if err := tx.Find(&old).Error; err != nil {
			return err
		}
		all := make([]models.CalendarDay, 0, len(old)+len(days))
		for _, d := range old {
			all = append(all, models.CalendarDay{Date: d.Day, Kind: models.DayKind(d.Kind), Name: d.Name})
		}
		cal, err := models.NewCalendar(append(years, year), append(all, days...))
		if err != nil {
			return err
		}
		if err := tx.Table("calendar_years").Create(map[string]any{"year": year, "source": source, "created_at": a.Now}).Error; err != nil {
			return err
		}
		rows := make([]calendarDay, len(days))
		for i, d := range days {
			rows[i] = calendarDay{Day: d.Date, Kind: string(d.Kind), Name: d.Name}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		if changed, err = recomputeClocks(tx, a, cal, year, fmt.Sprintf("录入 %d 年日历（%s）", year, source)); err != nil {
			return err
		}
		return audit(tx, a, "添加工作日历年份", fmt.Sprint(year), fmt.Sprintf("%s，%d 条；重新计算期限 %d 个", source, len(days), changed))
	})
	return changed, err
}

// CorrectCalendarYear replaces an entered year's days, e.g. after a mistyped holiday.
// The whole calendar must stay consistent; every clock the year moves is recomputed in
// the same transaction, each change recorded in the clock's history. It returns how
// many clocks changed.
func (s *Store) CorrectCalendarYear(ctx context.Context, a Actor, year int, source string, days []models.CalendarDay) (int, error) {
	source = strings.TrimSpace(source)
	if source == "" {
		return 0, models.Errorf(models.EInvalid, "请填写发布文件的文号，例如 国办发明电〔2026〕X号")
	}
	var changed int
	defer s.forgetCalendar()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec("LOCK TABLE calendar_years IN EXCLUSIVE MODE").Error; err != nil {
			return err
		}
		var years []int
		if err := tx.Table("calendar_years").Order("year").Pluck("year", &years).Error; err != nil {
			return err
		}
		if !slices.Contains(years, year) {
			return models.Errorf(models.ENotFound, "%d 年的日历尚未录入，请使用「添加年份」", year)
		}
		from, to := fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
		var old []calendarDay
		if err := tx.Where("day < ? OR day > ?", from, to).Find(&old).Error; err != nil {
			return err
		}
		all := make([]models.CalendarDay, 0, len(old)+len(days))
		for _, d := range old {
			all = append(all, models.CalendarDay{Date: d.Day, Kind: models.DayKind(d.Kind), Name: d.Name})
		}
		cal, err := models.NewCalendar(years, append(all, days...))
		if err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM calendar_days WHERE day >= ? AND day <= ?", from, to).Error; err != nil {
			return err
		}
		rows := make([]calendarDay, len(days))
		for i, d := range days {
			rows[i] = calendarDay{Day: d.Date, Kind: string(d.Kind), Name: d.Name}
		}
		if len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return err
			}
		}
		if err := tx.Table("calendar_years").Where("year = ?", year).Update("source", source).Error; err != nil {
			return err
		}
		if changed, err = recomputeClocks(tx, a, cal, year, fmt.Sprintf("更正 %d 年日历（%s）", year, source)); err != nil {
			return err
		}
		return audit(tx, a, "更正工作日历年份", fmt.Sprint(year), fmt.Sprintf("%s，%d 条；重新计算期限 %d 个", source, len(days), changed))
	})
	return changed, err
}
