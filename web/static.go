package web

import (
	"io/fs"
	"net/http"
)

// staticHandler serves the embedded files; URLs carry a content hash, so they may be
// cached for a year.
func staticHandler(files fs.FS) http.Handler {
	fsrv := http.FileServer(http.FS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		fsrv.ServeHTTP(w, r)
	})
}
