// Package jobs holds the portal's River workers, one file per job. Each worker calls one
// store method. Scheduled jobs are River periodic jobs: only the elected leader among the
// replicas enqueues them, and each is unique per period, so a run happens once across
// all replicas (issue 13 §1). Work that follows a decision (the mail outbox) is enqueued
// by the store in the decision's own transaction.
package jobs

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"portal/models/store"
	"portal/models/store/files"
	"portal/web/mail"
)

// Deps is what the workers need.
type Deps struct {
	Store   *store.Store
	Files   files.Store                                    // the uploads, for the loan-book imports
	Sweep   func(ctx context.Context, now time.Time) error // the file store's two sweeps
	Extract func(ctx context.Context, now time.Time) error // the open data API's daily full extract
	Mail    mail.Sender
	BaseURL string // makes a message's link absolute
	Clock   func() time.Time
	Log     *slog.Logger
	// Every scales the schedule: 1 (or 0) runs each job at its interval below; tests
	// shorten it.
	Every float64
}

// Scheduled is one periodic job: its args (whose kind names it), how often it runs and
// what one run does at a given time.
type Scheduled struct {
	Name  string
	Args  river.JobArgs
	Every time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// periodic is the worker of a scheduled job: it runs the job at the server clock's time.
type periodic[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	run   func(ctx context.Context, now time.Time) error
	clock func() time.Time
}

func (w *periodic[T]) Work(ctx context.Context, _ *river.Job[T]) error { return w.run(ctx, w.clock()) }

// addScheduled registers the worker of one scheduled job.
func addScheduled[T river.JobArgs](w *river.Workers, d Deps, s Scheduled) Scheduled {
	river.AddWorker(w, &periodic[T]{run: s.Run, clock: d.Clock})
	return s
}

// Setup registers every worker and returns the scheduled jobs.
func Setup(d Deps) (*river.Workers, []Scheduled) {
	w := river.NewWorkers()
	all := []Scheduled{
		addScheduled[CloseWindowsArgs](w, d, closeWindows(d)),
		addScheduled[EndNoticesArgs](w, d, endNotices(d)),
		addScheduled[PurgeSessionsArgs](w, d, purgeSessions(d)),
		addScheduled[SweepFilesArgs](w, d, sweepFiles(d)),
		addScheduled[OpenDataExtractArgs](w, d, openDataExtract(d)),
		addScheduled[EarlyWarningArgs](w, d, earlyWarning(d)),
		addScheduled[DisclosureRemindersArgs](w, d, disclosureReminders(d)),
		addScheduled[DisclosureJudgementArgs](w, d, disclosureJudgement(d)),
		addScheduled[ScorePeriodsArgs](w, d, scorePeriods(d)),
	}
	river.AddWorker(w, &DeliverMail{Store: d.Store, Mail: d.Mail, BaseURL: d.BaseURL, Clock: d.Clock})
	river.AddWorker(w, &ImportLoanBook{Store: d.Store, Files: d.Files, Clock: d.Clock})
	scale := d.Every
	if scale <= 0 {
		scale = 1
	}
	for i := range all {
		all[i].Every = time.Duration(float64(all[i].Every) * scale)
	}
	return w, all
}

// NewClient builds the River client on the store's pool. It inserts and, once started,
// works the default queue and (as leader) enqueues the scheduled jobs. Without a pgx
// listener River polls for new jobs every second, which is how the portal runs it.
func NewClient(db *sql.DB, d Deps) (*river.Client[*sql.Tx], []Scheduled, error) {
	workers, scheduled := Setup(d)
	var periodicJobs []*river.PeriodicJob
	for _, s := range scheduled {
		periodicJobs = append(periodicJobs, river.NewPeriodicJob(river.PeriodicInterval(s.Every),
			func() (river.JobArgs, *river.InsertOpts) {
				// Unique per period: even two leaders for a moment enqueue one run.
				return s.Args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: s.Every}}
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: s.Args.Kind()}))
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	client, err := river.NewClient(riverdatabasesql.New(db), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4},
			// Loan-book imports: each holds a connection and about 30 MB while it runs.
			store.LoanBookQueue: {MaxWorkers: 2}},
		Workers:      workers,
		PeriodicJobs: periodicJobs,
		MaxAttempts:  10, // River's backoff: about attempt⁴ seconds between tries
		JobTimeout:   5 * time.Minute,
		Logger:       slog.New(quiet{log.Handler()}),
	})
	return client, scheduled, err
}

// quiet passes on River's warnings and errors only.
type quiet struct{ slog.Handler }

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && q.Handler.Enabled(ctx, l)
}
func (q quiet) WithAttrs(a []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(a)} }
func (q quiet) WithGroup(n string) slog.Handler      { return quiet{q.Handler.WithGroup(n)} }
