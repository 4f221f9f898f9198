package web

// publicRoutes registers the routes of the public side (notices, complaints, certificates, verification, filing register).
func (s *Server) publicRoutes() {}

// publicJobs are the scheduled jobs of that part.
func (s *Server) publicJobs() []Job { return nil }
