package web

// reviewRoutes registers the routes of the review chain (queues, district/city/province decisions, objections, calendar, history, notifications).
func (s *Server) reviewRoutes() {}

// reviewJobs are the scheduled jobs of that part.
func (s *Server) reviewJobs() []Job { return nil }
