package platform

import (
	"portal/models"
	"portal/models/store"
	"portal/views/components"
)

// LoanBooksPage is the platform's loan-book page: the upload form and its imports.
type LoanBooksPage struct {
	Action  string // the multipart form's action, CSRF in the query
	Period  string
	Errors  components.FieldErrors
	Imports []store.LoanBookImport
	Pager   components.Pager
}

// LoanBookPage is one import: its progress, then what it found.
type LoanBookPage struct {
	Import      store.LoanBookImport
	Result      *models.LoanBookResult
	Violations  int64
	HasDeclared bool
	Rows        []FigureRow
	Diffs       int
}

// FigureRow is one item beside its declared value.
type FigureRow struct {
	Label, Clause      string
	Declared, Computed string
	Differs            bool
	Note               string
}
