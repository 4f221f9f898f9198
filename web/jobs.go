package web

import (
	"context"
	"time"
)

// Job is a scheduled task inside the server (window close, notice end). Each must be
// idempotent: running it twice at the same time changes nothing the second time.
type Job struct {
	Name string
	Run  func(ctx context.Context, now time.Time) error
}

func (s *Server) jobs() []Job {
	all := []Job{{Name: "purge expired sessions", Run: func(ctx context.Context, now time.Time) error {
		_, err := s.store.PurgeExpiredSessions(ctx, now)
		return err
	}}}
	// When a city's window has closed, institutions that never submitted are marked 视为放弃.
	all = append(all, Job{Name: "abandon after window", Run: func(ctx context.Context, now time.Time) error {
		n, err := s.store.AbandonAfterWindows(ctx, now)
		if n > 0 {
			s.log.Info("受理期届满，未提交申请的机构已标记为视为放弃", "count", n)
		}
		return err
	}})
	all = append(all, Job{Name: "公示期满转省级审定", Run: func(ctx context.Context, now time.Time) error {
		_, err := s.store.EndDueNotices(ctx, now)
		return err
	}})
	// The open data API's daily full extract of the register and notices.
	all = append(all, Job{Name: "开放数据每日全量文件", Run: func(ctx context.Context, now time.Time) error {
		_, err := s.extracts.Ensure(ctx, now)
		return err
	}})
	// Disclosure reminders before each due day and a notice once one is missed (issue 11).
	all = append(all, Job{Name: "信息披露报送提醒", Run: func(ctx context.Context, now time.Time) error {
		_, err := s.store.SendDisclosureReminders(ctx, now)
		return err
	}})
	all = append(all, s.fileJobs()...)
	return all
}

// RunJobs runs every job once at the server clock's time; tests call it after moving
// the clock.
func (s *Server) RunJobs(ctx context.Context) error {
	for _, j := range s.jobs() {
		if err := j.Run(ctx, s.clock()); err != nil {
			s.log.Error("job failed", "job", j.Name, "err", err)
			return err
		}
	}
	return nil
}

// StartJobs runs the jobs now and then every interval until ctx ends.
func (s *Server) StartJobs(ctx context.Context, every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			_ = s.RunJobs(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
