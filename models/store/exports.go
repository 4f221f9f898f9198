package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"portal/models"
)

// The exports' iterators (issue 15). Each reads the same filtered query as its list, in
// the list's order, as one statement whose rows are scanned one at a time as they
// arrive from the server (pgx reads the result from the socket as the caller asks for
// it): the result set is never held, so an export of 50,000 rows holds one row of it.
// The audit trail's iterator, EachAudit, reads keyset batches instead (audit.go).

// streamRows runs q and calls fn for each row, scanned into a fresh T.
func streamRows[T any](q *gorm.DB, fn func(T) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r T
		if err := q.ScanRows(rows, &r); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachComplaint calls fn for every complaint of ListComplaints' filter, in its order.
func (s *Store) EachComplaint(ctx context.Context, u *models.User, f ComplaintFilter, fn func(ComplaintRow) error) error {
	return streamRows(s.complaintQuery(ctx, u, f).Order(complaintOrder), fn)
}

// EachCertificate calls fn for every certificate ListCertificates would list, newest first.
func (s *Store) EachCertificate(ctx context.Context, u *models.User, query string, fn func(CertificateRow) error) error {
	return streamRows(s.certificateQuery(ctx, u, query).Order("certificates.id DESC"), fn)
}

// EachSignoff calls fn for every application of the sign-off queue, in its order.
func (s *Store) EachSignoff(ctx context.Context, u *models.User, fn func(SignoffRow) error) error {
	return streamRows(s.signoffQuery(ctx, u).Select(signoffColumns).Order(signoffOrder), fn)
}

// EachFiling calls fn for every application of the filing list with the state filter.
func (s *Store) EachFiling(ctx context.Context, u *models.User, state models.State, fn func(AfterCertificate) error) error {
	return streamRows(s.filingQuery(ctx, u, state).Order(filingOrder), fn)
}

// EachRegister calls fn for every entry of the public register the search and status
// select, newest filing first, with no cap on their number.
func (s *Store) EachRegister(ctx context.Context, query string, st models.RegisterStatus, fn func(models.RegisterEntry) error) error {
	return streamRows(registerPageRows(registerRows(s.db.WithContext(ctx), query, st)).Order(registerOrder.order(false)), fn)
}

// EachQueue calls fn for every application of the user's queue with the filter, in the
// queue's urgency order: the nearest due date first (an overdue one is nearer than any
// other), then the longest waiting. The queue's own filter selects the rows by id, so
// the export holds exactly what the queue lists.
func (s *Store) EachQueue(ctx context.Context, u *models.User, f QueueFilter, fn func(QueueRow) error) error {
	q := s.db.WithContext(ctx).Table("applications").Select(queueColumns+clockColumns).
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN divisions ON divisions.id = institutions.district_id").
		Joins("LEFT JOIN users assignee ON assignee.id = applications.assignee_id").
		Joins("LEFT JOIN clocks ON clocks.id = applications.clock_id").
		Where("applications.id IN (?)", s.queueQuery(ctx, u, f).Select("applications.id")).
		Order("COALESCE(applications.due_date, 'infinity'::date), applications.state_since, applications.id")
	return streamRows(q, fn)
}

// EachInstitution calls fn for every institution of the user's jurisdiction the
// institution list's search and district select, by name.
func (s *Store) EachInstitution(ctx context.Context, u *models.User, f InstitutionFilter, fn func(InstitutionRow) error) error {
	q := scopeInstitutions(s.db.WithContext(ctx).Table("institutions"), u)
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ?)", like, like)
	}
	if f.DistrictID != 0 {
		q = q.Where("institutions.district_id = ?", f.DistrictID)
	}
	q = q.Select("institutions.*, divisions.name AS district_name").
		Joins("JOIN divisions ON divisions.id = institutions.district_id").
		Order("institutions.name, institutions.id")
	return streamRows(q, fn)
}
