package web

import (
	"portal/handlers"
	"portal/models"
)

var (
	// applicationViewers see an application of their jurisdiction: its platform and the
	// officers above it.
	applicationViewers = access{Roles: []models.Role{models.RolePlatform, models.RoleDistrict, models.RoleCity, models.RoleProvince}}
	reviewOfficers     = access{Roles: []models.Role{models.RoleDistrict, models.RoleCity, models.RoleProvince}}
	// objectionReviewers: the city for a small platform, the province for a large one;
	// the workflow table tells them apart per application.
	objectionReviewers = access{Roles: []models.Role{models.RoleCity, models.RoleProvince}}
)

// reviewRoutes registers the routes of the review chain (queues, district/city/province
// decisions, objections, calendar, history, notifications). The queues replace the
// placeholder role homes of routes.go (same paths, registered later).
func (s *Server) reviewRoutes() {
	q := handlers.NewQueues(s.store, s.clock)
	rv := handlers.NewReviews(s.store, s.files, s.sessions, s.clock)
	on := handlers.NewOnsite(s.store, s.files, s.sessions, s.clock)
	inbox := handlers.NewInbox(s.store, s.sessions, s.clock)
	cal := handlers.NewCalendarAdmin(s.store, s.sessions, s.clock)
	chain := handlers.NewChain(s.store, s.clock)
	clk := handlers.NewClockSettings(s.store, s.sessions, s.clock)

	s.group("/district", districts).get("", q.Show)
	s.group("/city", cities).get("", q.Show)
	s.group("/province", provinces).get("", q.Show)

	view := s.group("/applications", applicationViewers)
	view.get("/:id", rv.Show)
	view.get("/:id/review-files/:fid", rv.ReviewFile)
	view.get("/:id/failure-notice.pdf", handlers.NewDocuments(s.store, s.clock).FailureLetterPDF)

	plat := s.group("/applications", platforms)
	plat.get("/:id/objection", rv.ObjectionForm)
	plat.post("/:id/objection", limitBody(objectionBodyLimit, rv.Object))

	off := s.group("/applications", reviewOfficers)
	off.post("/:id/exit", rv.Exit)
	off.get("/:id/opinions/:oid/opinion.pdf", rv.OpinionPDF("opinion"))
	off.get("/:id/opinions/:oid/check.pdf", rv.OpinionPDF("check"))

	dist := s.group("/applications", districts)
	dist.post("/:id/district/claim", rv.Claim)
	dist.post("/:id/district/assign", rv.Assign)
	dist.get("/:id/onsite", on.Form)
	dist.post("/:id/onsite", on.Save)
	dist.post("/:id/onsite/papers", limitBody(paperBodyLimit, on.UploadPaper))
	dist.post("/:id/district/return", rv.Return)
	dist.post("/:id/district/pass", rv.Pass("审核合格，已出具审核意见并报送上级"))
	dist.post("/:id/district/fail", rv.Fail)
	dist.post("/:id/materials/:mid/accept", rv.ReviewMaterial(models.ReviewAccepted))
	dist.post("/:id/materials/:mid/return", rv.ReviewMaterial(models.ReviewReturned))

	city := s.group("/applications", cities)
	city.post("/:id/city/pass", rv.Pass("初验合格，已提交专责小组审定"))
	city.post("/:id/city/disagree", rv.Disagree)
	city.post("/:id/city/confirm", rv.Confirm)

	prov := s.group("/applications", provinces)
	prov.post("/:id/province/pass", rv.Pass("联合验收合格，公示已开始"))
	prov.post("/:id/province/return", rv.Return)
	prov.post("/:id/province/fail", rv.Fail)

	obj := s.group("/applications", objectionReviewers)
	obj.post("/:id/objection-review/uphold", rv.ResolveObjection(models.EventUphold))
	obj.post("/:id/objection-review/reject", rv.ResolveObjection(models.EventReject))

	user := s.group("/inbox", signedIn)
	user.get("", inbox.Show)
	user.post("/read", inbox.ReadAll)
	user.post("/:id/open", inbox.Open)

	adm := s.group("/admin", adminsOnly)
	adm.get("/calendar", cal.Show)
	adm.post("/calendar", cal.Add)
	adm.post("/calendar/:year", cal.Correct)
	adm.get("/deadlines", clk.Page)
	adm.post("/deadlines/:city", clk.Set)

	cty := s.group("/city", cities)
	cty.get("/deadlines", clk.Page)
	cty.post("/deadlines/:city", clk.Set)
	adm.get("/chain", chain.Show)
}
