package web

import (
	"time"

	"portal/handlers"
	"portal/models"
)

// Complaint submissions allowed per IP address in complaintWindow.
const (
	complaintLimit  = 5
	complaintWindow = time.Hour
)

var (
	certificateViewers = access{Roles: []models.Role{models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince}}
)

// publicRoutes registers the routes of the public side (notices, complaints, certificates, verification, filing register).
func (s *Server) publicRoutes() {
	cache := handlers.NewPublicCache(s.store.PublicVersion, s.store.Writes, s.clock)
	changed := cache.Changed
	files := s.files
	limiter := models.NewRateLimiter(complaintLimit, complaintWindow)

	notices := handlers.NewNotices(s.store, s.clock, s.BaseURL())
	complaints := handlers.NewComplaints(s.store, notices, files, limiter, s.sessions, s.clock, changed)
	review := handlers.NewComplaintReview(s.store, files, s.sessions, s.clock, changed)
	certs := handlers.NewCertificates(s.store, files, s.sessions, s.clock, changed, s.BaseURL())
	verify := handlers.NewVerification(s.store, s.clock)
	register := handlers.NewRegister(s.store, s.clock)
	scope := handlers.NewScope(s.store, files, s.sessions, s.clock, changed)
	filing := handlers.NewFiling(s.store, s.sessions, s.clock, changed)

	pub := s.group("", anyone)
	pub.get("/notices", cache.Wrap(notices.List, false))
	pub.get("/notices.atom", cache.Wrap(notices.Atom, false))
	pub.get("/notices/:id", cache.Wrap(notices.Show, true))
	docs := handlers.NewDocuments(s.store, s.clock)
	pub.get("/notices/:id/notice.pdf", docs.NoticePDF)
	pub.post("/notices/:id/complaints", limitBody(complaintBodyLimit, complaints.File))
	pub.get("/complaints/:ref", complaints.Status)
	pub.get("/verify", verify.Form)
	pub.get("/verify/:serial", verify.Show)
	pub.get("/register", cache.Wrap(register.List, false))
	pub.get("/register.csv", cache.Wrap(register.CSV, false))
	pub.get("/register.xlsx", cache.Wrap(register.XLSX, false))

	cityG := s.group("/city/complaints", cities)
	cityG.get("/:id", review.Show)
	cityG.post("/:id/verify", review.Verify)
	cityG.get("/:id/files/:file", review.File)
	s.group("/city", cities).get("/complaints", review.List)
	s.group("/province", provinces).get("/complaints", review.List)

	prov := s.group("/province", provinces)
	prov.get("/signoff", certs.SignoffQueue)
	prov.post("/signoff/:id", certs.SignOff)
	prov.post("/certificates/:id/revoke", certs.Revoke)
	prov.get("/filing", filing.Queue)
	prov.post("/filing/:id", filing.Record)

	cert := s.group("/certificates", certificateViewers)
	cert.get("", certs.List)
	cert.get("/:id", certs.Show)
	cert.get("/:id/pdf", certs.PDF)
	cert.get("/:id/evidence/:file", certs.Evidence)

	plat := s.group("/platform", platforms)
	plat.get("/notices", scope.Mirror)
	plat.post("/notices/:id/mirror", scope.SetMirror)
	plat.get("/scope", scope.Show)
	plat.post("/scope", limitBody(scopeBodyLimit, scope.Record))
}
