package web

import (
	"context"
	"path/filepath"
	"time"

	"portal/handlers"
)

// ExtractsDir holds the daily bulk extracts of the open data API.
func (s *Server) ExtractsDir() string { return filepath.Join(s.cfg.VarDir, "extracts") }

// apiRoutes registers the open data API (issue 14 §3): public, read-only, rate limited
// per address or per API key; and the admin page for the keys.
func (s *Server) apiRoutes() {
	s.extracts = handlers.NewExtracts(s.store, s.keys, s.ExtractsDir())
	api := handlers.NewAPI(s.store, s.keys, s.clock, s.extracts)
	g := s.group("/api/v1", anyone)
	g.guard = append(g.guard, api.Limit)
	g.get("/openapi.json", api.OpenAPI)
	g.get("/notices", api.Notices)
	g.get("/register", api.Register)
	g.get("/certificates/:serial", api.Certificate)
	g.get("/changes", api.Changes)
	g.get("/extracts", api.ExtractsIndex)
	g.get("/extracts/:date/:name", api.ExtractFile)

	keys := handlers.NewAPIKeys(s.store, s.sessions, s.clock)
	adm := s.group("/admin/api-keys", adminsOnly)
	adm.get("", keys.List)
	adm.post("", keys.Create)
	adm.post("/:id/revoke", keys.Revoke)
}

// apiJobs: the daily full extract of the register and notices.
func (s *Server) apiJobs() []Job {
	return []Job{{Name: "开放数据每日全量文件", Run: func(ctx context.Context, now time.Time) error {
		_, err := s.extracts.Ensure(ctx, now)
		return err
	}}}
}
