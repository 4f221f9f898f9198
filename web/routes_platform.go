package web

// platformRoutes registers the routes of the platform side (issue: institution file, materials, uploads, self-assessment, window, submit).
func (s *Server) platformRoutes() {}

// platformJobs are the scheduled jobs of that part.
func (s *Server) platformJobs() []Job { return nil }
