package jobs

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/riverqueue/river"

	"portal/models/store"
	"portal/models/store/files"
)

// ImportLoanBook runs one loan-book import (store.RunLoanBookImport): enqueued in the
// transaction of the upload, on its own queue (two at a time). The run is one
// transaction, so a retry, or River rescuing a job a stopped server left running, starts
// again from the file; a finished import is never run again.
type ImportLoanBook struct {
	river.WorkerDefaults[store.ImportLoanBookArgs]
	Store *store.Store
	Files files.Store
	Clock func() time.Time
}

// Timeout: a book of millions of loans takes minutes, more than the default job timeout.
func (w *ImportLoanBook) Timeout(*river.Job[store.ImportLoanBookArgs]) time.Duration {
	return time.Hour
}

// Work runs the import from the stored file, checked against its SHA-256 first.
func (w *ImportLoanBook) Work(ctx context.Context, job *river.Job[store.ImportLoanBookArgs]) error {
	err := w.Store.RunLoanBookImport(ctx, job.Args.ImportID, w.Clock, func(sum string) (io.ReadCloser, error) {
		if err := files.Verify(ctx, w.Files, sum); err != nil {
			return nil, err
		}
		return w.Files.Open(ctx, sum)
	})
	if errors.Is(err, store.ErrImportBusy) {
		return river.JobSnooze(30 * time.Second) // without spending an attempt
	}
	return err
}
