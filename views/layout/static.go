package layout

// StaticVersion is appended to static URLs so a new build busts browser caches; the
// server sets it at start-up from the embedded files' hash.
var StaticVersion = "dev"

// StaticURL is the cache-busted URL of a static file.
func StaticURL(path string) string {
	return "/static/" + path + "?v=" + StaticVersion
}
