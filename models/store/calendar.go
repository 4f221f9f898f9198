package store

import (
	"context"
	"sync"
	"time"

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
	mu      sync.Mutex
	cal     *models.Calendar
	version int64     // calendar_version when cal was read
	checked time.Time // when version was last compared with the database
}

// CalendarCheckEvery bounds how stale a process's calendar may be: a year added through
// another replica is used here at most this long after its commit (issue 13 §4).
const CalendarCheckEvery = 250 * time.Millisecond

// LoadCalendar returns the official working-day calendar kept in the database. It is
// read once per process and again whenever calendar_version (moved by a trigger in the
// changing transaction, migration 00078) differs from the one it was read at; the
// version is compared at most every CalendarCheckEvery.
func (s *Store) LoadCalendar(ctx context.Context) (*models.Calendar, error) {
	s.calendar.mu.Lock()
	defer s.calendar.mu.Unlock()
	if s.calendar.cal != nil && time.Since(s.calendar.checked) < CalendarCheckEvery {
		return s.calendar.cal, nil
	}
	var v int64
	if err := s.db.WithContext(ctx).Raw(calendarVersionSQL).Scan(&v).Error; err != nil {
		return nil, err
	}
	if s.calendar.cal != nil && v == s.calendar.version {
		s.calendar.checked = time.Now()
		return s.calendar.cal, nil
	}
	cal, err := s.readCalendar(ctx)
	if err != nil {
		return nil, err
	}
	s.calendar.cal, s.calendar.version, s.calendar.checked = cal, v, time.Now()
	return cal, nil
}

// calendarVersionSQL reads the calendar's version; OnStatement leaves it out of a page's
// count, as it runs on the cache's timer whatever the page.
const calendarVersionSQL = "SELECT version FROM calendar_version"

// forgetCalendar makes the next LoadCalendar read the database again.
func (s *Store) forgetCalendar() {
	s.calendar.mu.Lock()
	s.calendar.cal = nil
	s.calendar.mu.Unlock()
}

func (s *Store) readCalendar(ctx context.Context) (*models.Calendar, error) {
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
