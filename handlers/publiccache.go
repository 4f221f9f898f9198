package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/components"
	"portal/views/layout"
)

// PublicCache answers the anonymous public pages from memory with an ETag, and 304
// when the visitor's copy is current. An entry is valid while the public version (a
// counter the database moves in the same transaction as any change to notices,
// certificates or filings) and the day in China (days left) are unchanged. Signed-in
// users always get a fresh page: their frame differs and loadUser marks it no-store.
//
// When the database cannot be reached, the last copy of each page is served, marked
// stale with a visible note (issue 8, 3.1), instead of an error.
type PublicCache struct {
	version func(ctx context.Context) (int64, error)
	writes  func() uint64 // this process's committed-write counter (store.Writes)
	now     Clock

	refresh sync.Mutex // held by the one request reading the version
	mu      sync.Mutex
	entries map[string]cachedPage
	last    map[string]cachedPage // newest copy per URI, kept across versions for stale service
	current int64
	seen    uint64    // writes() as read just before the version was read
	checked time.Time // wall time of the last version read
}

type cachedPage struct {
	etag  string
	body  []byte
	ct    string
	csrf  string    // the token a per-client page carries, replaced when served stale
	saved time.Time // wall time
	at    time.Time // portal clock, shown in the stale note
}

// maxPageAge bounds how long an entry lives: an institution renamed in its file (a
// table without the version trigger) reaches the cached pages within it.
const maxPageAge = time.Minute

// versionCheckEvery bounds how often the version is read when this process has
// written nothing: a change by another process (a second portal, `portal seed`) shows
// within it. A change through this process's store is seen at once, whatever the
// time, because the store's write counter moves after its commit; so no test and no
// user of this server depends on the interval.
const versionCheckEvery = 20 * time.Millisecond

// versionTimeout bounds the version read, so a hung database turns into stale pages
// quickly instead of hanging every visitor.
const versionTimeout = 2 * time.Second

// maxCachedPages bounds memory: the cache empties itself when it is full.
const maxCachedPages = 2000

// NewPublicCache builds the cache over the store's version counter and its counter of
// committed writes.
func NewPublicCache(version func(ctx context.Context) (int64, error), writes func() uint64, now Clock) *PublicCache {
	return &PublicCache{version: version, writes: writes, now: now, entries: map[string]cachedPage{}, last: map[string]cachedPage{}}
}

// Changed is called after a write through this server; the write counter already
// covers it, and this forces a version read too.
func (pc *PublicCache) Changed() {
	pc.mu.Lock()
	pc.checked = time.Time{}
	pc.mu.Unlock()
}

// fresh reports whether the known version is current for a request that saw the write
// counter at w: it was read after w was reached, and recently enough for other
// processes' changes.
func (pc *PublicCache) fresh(w uint64) (int64, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.current, pc.seen >= w && !pc.checked.IsZero() && time.Since(pc.checked) < versionCheckEvery
}

func (pc *PublicCache) currentVersion(ctx context.Context) (int64, error) {
	w := pc.writes()
	if v, ok := pc.fresh(w); ok {
		return v, nil
	}
	// One request reads the version; the others arriving meanwhile wait for its answer
	// instead of all querying at once.
	pc.refresh.Lock()
	defer pc.refresh.Unlock()
	if v, ok := pc.fresh(w); ok {
		return v, nil
	}
	seen := pc.writes() // read before the version: a later commit moves it past seen
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	v, err := pc.version(ctx)
	if err != nil {
		return 0, err
	}
	pc.mu.Lock()
	if v != pc.current {
		pc.entries = map[string]cachedPage{}
	}
	pc.current, pc.seen, pc.checked = v, seen, time.Now()
	pc.mu.Unlock()
	return v, nil
}

// Wrap serves h through the cache. perClient pages carry the visitor's CSRF token in a
// form, so their ETag and entry are the visitor's own.
func (pc *PublicCache) Wrap(h echo.HandlerFunc, perClient bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if CurrentUser(c) != nil || c.Request().Method != http.MethodGet {
			return h(c)
		}
		ctx := c.Request().Context()
		uri := c.Request().URL.RequestURI()
		token := layout.ShellFrom(ctx).CSRF
		v, err := pc.currentVersion(ctx)
		if err != nil {
			if pc.serveStale(c, uri, token) {
				return nil
			}
			return err
		}
		key := uri
		if perClient {
			key += "|" + token
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%s|%s", key, v, models.DateOf(pc.now()), layout.StaticVersion))
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		hd := c.Response().Header()
		hd.Set("ETag", etag)
		hd.Set("Cache-Control", "public, no-cache")
		hd.Set("Vary", "Cookie")
		if match(c.Request().Header.Get("If-None-Match"), etag) {
			return c.NoContent(http.StatusNotModified)
		}
		pc.mu.Lock()
		e, ok := pc.entries[key]
		pc.mu.Unlock()
		if ok && e.etag == etag && time.Since(e.saved) < maxPageAge {
			return c.Blob(http.StatusOK, e.ct, e.body)
		}
		// Flashes stay in the session for a page that is not shared.
		c.Set(popFlashesKey, func() []layout.Flash { return nil })
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := h(c); err != nil {
			return err
		}
		if c.Response().Status == http.StatusOK {
			page := cachedPage{etag: etag, body: rec.buf.Bytes(), ct: hd.Get(echo.HeaderContentType), csrf: token, saved: time.Now(), at: pc.now()}
			pc.mu.Lock()
			if len(pc.entries) >= maxCachedPages {
				pc.entries = map[string]cachedPage{}
			}
			if len(pc.last) >= maxCachedPages {
				pc.last = map[string]cachedPage{}
			}
			pc.entries[key] = page
			pc.last[uri] = page
			pc.mu.Unlock()
		}
		return nil
	}
}

// serveStale answers with the newest copy of uri, if there is one, marked stale: a
// visible note on HTML pages (before the page's first heading) and a Warning header
// on all, never cached by the browser.
func (pc *PublicCache) serveStale(c echo.Context, uri, token string) bool {
	pc.mu.Lock()
	e, ok := pc.last[uri]
	pc.mu.Unlock()
	if !ok {
		return false
	}
	body := e.body
	if strings.HasPrefix(e.ct, echo.MIMETextHTML) {
		if e.csrf != "" && token != "" && e.csrf != token {
			body = bytes.ReplaceAll(body, []byte(e.csrf), []byte(token))
		}
		var note bytes.Buffer
		_ = components.StaleNote(e.at.In(chinaTime).Format("2006-01-02 15:04")).Render(c.Request().Context(), &note)
		if i := bytes.Index(body, []byte("<main")); i >= 0 {
			if j := bytes.IndexByte(body[i:], '>'); j >= 0 {
				at := i + j + 1
				body = append(append(append([]byte{}, body[:at]...), note.Bytes()...), body[at:]...)
			}
		}
	}
	hd := c.Response().Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Warning", `110 - "Response is Stale"`)
	hd.Set("X-Portal-Stale", "1")
	_ = c.Blob(http.StatusOK, e.ct, body)
	return true
}

var chinaTime = time.FixedZone("CST", 8*60*60)

// match reports whether an If-None-Match header names etag.
func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// recorder copies what the handler writes so it can be cached.
type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

// Conditional sets an ETag made of parts and answers 304 when the visitor has it; the
// caller renders only when it returns false.
func Conditional(c echo.Context, parts ...any) bool {
	sum := sha256.Sum256(fmt.Append(nil, append(parts, layout.StaticVersion)...))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	if CurrentUser(c) == nil {
		hd.Set("Cache-Control", "public, no-cache")
	}
	if match(c.Request().Header.Get("If-None-Match"), etag) {
		_ = c.NoContent(http.StatusNotModified)
		return true
	}
	return false
}

// Flush passes templ's flushes on, so a cached page still streams.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
