package store

import (
	"context"
	"fmt"
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
// must still be consistent (models.NewCalendar); a year is entered once.
func (s *Store) AddCalendarYear(ctx context.Context, a Actor, year int, source string, days []models.CalendarDay) error {
	source = strings.TrimSpace(source)
	if source == "" {
		return models.Errorf(models.EInvalid, "请填写发布文件的文号，例如 国办发明电〔2026〕X号")
	}
	defer s.forgetCalendar()
	return s.tx(ctx, func(tx *gorm.DB) error {
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
		if _, err := models.NewCalendar(append(years, year), append(all, days...)); err != nil {
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
		return audit(tx, a, "添加工作日历年份", fmt.Sprint(year), fmt.Sprintf("%s，%d 条", source, len(days)))
	})
}
