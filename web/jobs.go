package web

import (
	"context"
	"fmt"
	"time"

	"portal/web/jobs"
	"portal/web/mail"
)

// setupJobs builds the River client over the store's pool: the workers of web/jobs and
// the scheduled jobs. It is started by StartJobs (portal serve), not by New, so a test's
// server only works jobs when the test says so.
func (s *Server) setupJobs() error {
	sqlDB, err := s.store.SQLDB()
	if err != nil {
		return err
	}
	sender := s.cfg.Ops.Mailer
	if sender == nil {
		sender = mail.Log{Log: s.log}
	}
	s.mailer = sender
	links := s.cfg.Ops.PublicURL
	if links == "" {
		links = s.cfg.base()
	}
	client, scheduled, err := jobs.NewClient(sqlDB, jobs.Deps{Store: s.store, Sweep: s.SweepFiles, Mail: sender,
		// s.extracts is built with the routes, after this; the job reads it when it runs.
		Extract: func(ctx context.Context, now time.Time) error { _, err := s.extracts.Ensure(ctx, now); return err },
		BaseURL: links, Clock: s.clock, Log: s.log, Every: s.cfg.Ops.JobEvery})
	if err != nil {
		return err
	}
	s.queue, s.scheduled = client, scheduled
	return nil
}

// RunJobs runs every scheduled job once, here and now, at the server clock's time; tests
// call it after moving the clock. In service River runs them (StartJobs).
func (s *Server) RunJobs(ctx context.Context) error {
	for _, j := range s.scheduled {
		if err := j.Run(ctx, s.clock()); err != nil {
			s.log.Error("job failed", "job", j.Name, "err", err)
			return fmt.Errorf("%s: %w", j.Name, err)
		}
	}
	return nil
}

// StartJobs starts River: this replica works the queue and, while it is the elected
// leader, enqueues the scheduled jobs. It stops when ctx ends.
func (s *Server) StartJobs(ctx context.Context) error {
	if err := s.queue.Start(ctx); err != nil {
		return fmt.Errorf("starting the job queue: %w", err)
	}
	go func() {
		<-ctx.Done()
		_ = s.queue.Stop(context.WithoutCancel(ctx))
	}()
	return nil
}

// StopJobs waits for running jobs to finish (tests; serve stops through its context).
func (s *Server) StopJobs(ctx context.Context) error { return s.queue.Stop(ctx) }
