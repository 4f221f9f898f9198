package web_test

import (
	"net/http"
	"strings"
	"testing"

	"portal/urls"
	"portal/web/webtest"
)

// TestURLHelpersNameRoutes: every path the urls package builds is one the route table
// registers, the route written here by hand.
func TestURLHelpersNameRoutes(t *testing.T) {
	env := webtest.New(t)
	cases := []struct{ method, path, route string }{
		{"GET", urls.Application(7), "/applications/:id"},
		{"GET", urls.Checklist(7), "/applications/:id/checklist"},
		{"GET", urls.Material(7, 8), "/applications/:id/materials/:mid"},
		{"POST", urls.ReviewMaterial(7, 8, "accept"), "/applications/:id/materials/:mid/accept"},
		{"POST", urls.ReviewMaterial(7, 8, "return"), "/applications/:id/materials/:mid/return"},
		{"GET", urls.Opinion(7, 8, "opinion"), "/applications/:id/opinions/:oid/opinion.pdf"},
		{"GET", urls.Opinion(7, 8, "check"), "/applications/:id/opinions/:oid/check.pdf"},
		{"GET", urls.SelfAssessment(7), "/applications/:id/self-assessment"},
		{"GET", urls.Evidence(7, 3), "/applications/:id/evidence/:no"},
		{"GET", urls.ReviewFile(7, 8), "/applications/:id/review-files/:fid"},
		{"GET", urls.FailureNotice(7), "/applications/:id/failure-notice.pdf"},
		{"GET", urls.Objection(7), "/applications/:id/objection"},
		{"POST", urls.Objection(7), "/applications/:id/objection"},
		{"GET", urls.Onsite(7), "/applications/:id/onsite"},
		{"POST", urls.OnsitePapers(7), "/applications/:id/onsite/papers"},
		{"GET", urls.File(7), "/files/:id"},
		{"POST", urls.Submit(7), "/platform/applications/:id/submit"},
		{"POST", urls.SaveSelfAssessment(7), "/platform/applications/:id/self-assessment"},
		{"POST", urls.UploadMaterial(7, 8, 2), "/platform/applications/:id/materials/:mid/files"},
		{"GET", urls.Institution(7), "/institutions/:id"},
		{"GET", urls.InstitutionFile(7), "/institutions/:id/file"},
		{"GET", urls.InstitutionFileHistory(7), "/institutions/:id/file/history"},
		{"GET", urls.Notice(7), "/notices/:id"},
		{"GET", urls.NoticePDF(7), "/notices/:id/notice.pdf"},
		{"POST", urls.NoticeComplaints(7), "/notices/:id/complaints"},
		{"POST", urls.NoticeMirror(7), "/platform/notices/:id/mirror"},
		{"GET", urls.Complaint("TS-1"), "/complaints/:ref"},
		{"GET", urls.CityComplaint(7), "/city/complaints/:id"},
		{"POST", urls.CityComplaintVerify(7), "/city/complaints/:id/verify"},
		{"GET", urls.CityComplaintFile(7, 8), "/city/complaints/:id/files/:file"},
		{"GET", urls.Certificate(7), "/certificates/:id"},
		{"GET", urls.CertificatePDF(7), "/certificates/:id/pdf"},
		{"GET", urls.CertificateEvidence(7, 8), "/certificates/:id/evidence/:file"},
		{"POST", urls.RevokeCertificate(7), "/province/certificates/:id/revoke"},
		{"GET", urls.Verify("GD-2026-1"), "/verify/:serial"},
		{"POST", urls.SignOff(7), "/province/signoff/:id"},
		{"POST", urls.RecordFiling(7), "/province/filing/:id"},
		{"POST", urls.InboxOpen(7), "/inbox/:id/open"},
		{"POST", urls.AdminUser(7, "disable"), "/admin/users/:id/disable"},
		{"GET", urls.AdminUserReset(7), "/admin/users/:id/reset"},
		{"POST", urls.AdminUserEmail(7), "/admin/users/:id/email"},
		{"POST", urls.RetryJob(7), "/admin/jobs/:id/retry"},
		{"POST", urls.CalendarYear(2027), "/admin/calendar/:year"},
		{"POST", urls.RevokeAPIKey(7), "/admin/api-keys/:id/revoke"},
	}
	for _, tc := range cases {
		path, _, _ := strings.Cut(tc.path, "?")
		c := env.Web.Echo.NewContext(&http.Request{}, nil)
		env.Web.Echo.Router().Find(tc.method, path, c)
		if c.Path() != tc.route {
			t.Errorf("%s %s matches route %q; want %q", tc.method, tc.path, c.Path(), tc.route)
		}
	}
	if got := urls.WithCSRF(urls.UploadMaterial(7, 8, 2), "a+b"); got != "/platform/applications/7/materials/8/files?slot=2&_csrf=a%2Bb" {
		t.Errorf("WithCSRF after a query: %s", got)
	}
	if got := urls.WithCSRF("/platform/scope", "t"); got != "/platform/scope?_csrf=t" {
		t.Errorf("WithCSRF: %s", got)
	}
}
