package store

import (
	"gorm.io/gorm"

	"context"
	"sync"

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

// calendarCache holds the calendar between admin changes: every page with a deadline
// needs it, and it changes about once a year.
type calendarCache struct {
	mu  sync.Mutex
	cal *models.Calendar
}

// LoadCalendar returns the official working-day calendar kept in the database. It is
// read once per process and again after AddCalendarYear; another server process sees
// a new year after its restart.
func (s *Store) LoadCalendar(ctx context.Context) (*models.Calendar, error) {
	s.calendar.mu.Lock()
	defer s.calendar.mu.Unlock()
	if s.calendar.cal != nil {
		return s.calendar.cal, nil
	}
	cal, err := s.readCalendar(ctx)
	if err != nil {
		return nil, err
	}
	s.calendar.cal = cal
	return cal, nil
}

// forgetCalendar makes the next LoadCalendar read the database again.
func (s *Store) forgetCalendar() {
	s.calendar.mu.Lock()
	s.calendar.cal = nil
	s.calendar.mu.Unlock()
}

func (s *Store) readCalendar(ctx context.Context) (*models.Calendar, error) {
	return readCalendarIn(s.db.WithContext(ctx))
}

// readCalendarIn reads the calendar through db (a transaction of the demo seed).
func readCalendarIn(db *gorm.DB) (*models.Calendar, error) {
	var years []calendarYear
	if err := db.Order("year").Find(&years).Error; err != nil {
		return nil, err
	}
	var days []calendarDay
	if err := db.Order("day").Find(&days).Error; err != nil {
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
