package web

import (
	"os"
	"path/filepath"
	"strconv"

	"portal/handlers"
)

// platformRoutes registers the routes of the platform side: the institution file,
// applications with their checklist, uploads and downloads, the self-assessment,
// submission, and the cities' application windows.
func (s *Server) platformRoutes() {
	h := handlers.NewPlatform(s.store, s.files, s.sessions, s.clock, maxUploadBytes(), s.log)
	win := handlers.NewWindows(s.store, s.sessions, s.clock)

	plat := s.group("/platform", platforms)
	plat.get("/file", h.MyFile)
	plat.get("/file/edit", h.EditFile)
	plat.post("/file", h.SaveFile)
	plat.get("/file/history", h.MyFileHistory)
	plat.get("/applications", h.MyApplications)
	plat.post("/applications", h.CreateApplication)
	plat.post("/applications/:id/materials/:mid/files", limitBody(materialBodyLimit(), h.Upload))
	plat.post("/applications/:id/self-assessment", limitBody(materialBodyLimit(), h.SaveSelfAssessment))
	plat.post("/applications/:id/submit", h.Submit)

	// Application pages and downloads are case files: the platform and the officers of the
	// jurisdiction (404 outside it), never the admin, who manages accounts and reference
	// data, not cases (issue 8 §2.10).
	cases := s.group("", applicationViewers)
	cases.get("/applications/:id/checklist", h.Application)
	cases.get("/applications/:id/materials/:mid", h.Material)
	cases.get("/applications/:id/self-assessment", h.SelfAssessment)
	cases.get("/applications/:id/evidence/:no", h.Evidence)
	cases.get("/files/:id", h.Download)

	// The institution file (一户一档) is a case file too: officers of the jurisdiction only.
	off := s.group("/institutions", reviewOfficers)
	off.get("/:id/file", h.OfficerFile)
	off.get("/:id/file/history", h.OfficerFileHistory)

	city := s.group("/city", cities)
	city.get("/window", win.Page)
	city.post("/window/:city", win.Set)

	adm := s.group("/admin", adminsOnly)
	adm.get("/windows", win.Page)
	adm.post("/windows/:city", win.Set)
}

// FilesDir is where uploads are kept: $PORTAL_FILES_DIR, or files/ under the var folder,
// outside the static root.
func (s *Server) FilesDir() string {
	if d := os.Getenv("PORTAL_FILES_DIR"); d != "" {
		return d
	}
	return filepath.Join(s.cfg.VarDir, "files")
}

// DefaultMaxUploadMB is the per-file limit unless PORTAL_MAX_UPLOAD_MB says otherwise.
const DefaultMaxUploadMB = 200

func maxUploadBytes() int64 {
	mb, err := strconv.Atoi(os.Getenv("PORTAL_MAX_UPLOAD_MB"))
	if err != nil || mb <= 0 {
		mb = DefaultMaxUploadMB
	}
	return int64(mb) << 20
}
