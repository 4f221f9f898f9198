package store

import (
	"context"

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
	return streamRows(registerRows(s.db.WithContext(ctx), query, st).Order("filings.filing_date DESC, filings.id DESC"), fn)
}
