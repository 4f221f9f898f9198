package store

import (
	"context"

	"portal/models"
)

type calendarYear struct {
	Year   int `gorm:"primaryKey"`
	Source string
}

type calendarDay struct {
	Day  models.Date `gorm:"primaryKey"`
	Kind string
	Name string
}

// LoadCalendar reads the official working-day calendar kept in the database.
func (s *Store) LoadCalendar(ctx context.Context) (*models.Calendar, error) {
	var years []calendarYear
	if err := s.db.WithContext(ctx).Order("year").Find(&years).Error; err != nil {
		return nil, err
	}
	var days []calendarDay
	if err := s.db.WithContext(ctx).Order("day").Find(&days).Error; err != nil {
		return nil, err
	}
	ys := make([]int, len(years))
	for i, y := range years {
		ys[i] = y.Year
	}
	cds := make([]models.CalendarDay, len(days))
	for i, d := range days {
		cds[i] = models.CalendarDay{Date: d.Day, Kind: models.DayKind(d.Kind), Name: d.Name}
	}
	return models.NewCalendar(ys, cds)
}
