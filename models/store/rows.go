package store

import "gorm.io/gorm"

// scanOne scans the first row q finds into a T; none is refused with missing (the
// row's own 404, in Chinese).
func scanOne[T any](q *gorm.DB, missing error) (*T, error) {
	var rows []T
	if err := q.Limit(1).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, missing
	}
	return &rows[0], nil
}
