package web

import (
	"context"
	"io"
	"log/slog"
	"time"

	"portal/models/store"
	"portal/models/store/files"
)

// loanBookWorkers bounds how many loan-book imports run at once: each holds a database
// connection and about 30 MB while it runs.
const loanBookWorkers = 2

// loanBookWorker runs loan-book imports (借款明细) in the background, started by the web
// server: the upload only queues the import and returns. At start-up it takes up the
// imports a stopped server left queued or running, and every minute it looks again, so
// a wake-up lost to a full queue is only late. Running the same import twice is
// harmless: the store runs an import once at a time (an advisory lock) and a finished one
// never again.
type loanBookWorker struct {
	store *store.Store
	files files.Store
	clock func() time.Time
	log   *slog.Logger
	queue chan int64
}

func newLoanBookWorker(st *store.Store, fs files.Store, clock func() time.Time, log *slog.Logger) *loanBookWorker {
	return &loanBookWorker{store: st, files: fs, clock: clock, log: log, queue: make(chan int64, 256)}
}

// Enqueue wakes a worker for the import; never blocks.
func (w *loanBookWorker) Enqueue(id int64) {
	select {
	case w.queue <- id:
	default: // the minute's scan will find it
	}
}

func (w *loanBookWorker) start(ctx context.Context) {
	for range loanBookWorkers {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case id := <-w.queue:
					w.run(ctx, id)
				}
			}
		}()
	}
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			w.scan(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// scan queues every import that is not finished.
func (w *loanBookWorker) scan(ctx context.Context) {
	ids, err := w.store.OpenLoanBookImports(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error("loan-book imports: listing the open ones failed", "err", err)
		}
		return
	}
	for _, id := range ids {
		w.Enqueue(id)
	}
}

func (w *loanBookWorker) run(ctx context.Context, id int64) {
	open := func(sum string) (io.ReadCloser, error) {
		if err := files.Verify(ctx, w.files, sum); err != nil {
			return nil, err
		}
		return w.files.Open(ctx, sum)
	}
	if err := w.store.RunLoanBookImport(ctx, id, w.clock, open); err != nil && ctx.Err() == nil {
		w.log.Error("loan-book import failed", "import", id, "err", err)
	}
}
