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
	"portal/views/layout"
)

// PublicCache answers the anonymous public pages from memory with an ETag, and 304
// when the visitor's copy is current. An entry is valid while the public version (a
// counter the database moves in the same transaction as any change to notices,
// certificates or filings) and the day in China (days left) are unchanged. Signed-in
// users always get a fresh page: their frame differs and loadUser marks it no-store.
type PublicCache struct {
	version func(ctx context.Context) (int64, error)
	now     Clock

	refresh sync.Mutex // held by the one request reading the version
	mu      sync.Mutex
	entries map[string]cachedPage
	current int64
	checked time.Time // wall time of the last version read
}

type cachedPage struct {
	etag  string
	body  []byte
	ct    string
	saved time.Time
}

// maxPageAge bounds how long an entry lives: an institution renamed in its file (a
// table without the version trigger) reaches the cached pages within it.
const maxPageAge = time.Minute

// versionCheckEvery bounds how often the version is read: at most one query per
// interval whatever the load, so a change by another process shows within it. It is
// wall-clock time on purpose: the test clock stands still, and staleness is real time.
const versionCheckEvery = 20 * time.Millisecond

// maxCachedPages bounds memory: the cache empties itself when it is full.
const maxCachedPages = 2000

// NewPublicCache builds the cache over the store's version counter.
func NewPublicCache(version func(ctx context.Context) (int64, error), now Clock) *PublicCache {
	return &PublicCache{version: version, now: now, entries: map[string]cachedPage{}}
}

// Changed is called after a write through this server, so its own changes show at once.
func (pc *PublicCache) Changed() {
	pc.mu.Lock()
	pc.checked = time.Time{}
	pc.mu.Unlock()
}

func (pc *PublicCache) fresh() (int64, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.current, time.Since(pc.checked) < versionCheckEvery
}

func (pc *PublicCache) currentVersion(ctx context.Context) (int64, error) {
	if v, ok := pc.fresh(); ok {
		return v, nil
	}
	// One request reads the version; the others arriving meanwhile wait for its answer
	// instead of all querying at once.
	pc.refresh.Lock()
	defer pc.refresh.Unlock()
	if v, ok := pc.fresh(); ok {
		return v, nil
	}
	v, err := pc.version(ctx)
	if err != nil {
		return 0, err
	}
	pc.mu.Lock()
	if v != pc.current {
		pc.entries = map[string]cachedPage{}
	}
	pc.current, pc.checked = v, time.Now()
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
		v, err := pc.currentVersion(ctx)
		if err != nil {
			return err
		}
		key := c.Request().URL.RequestURI()
		if perClient {
			key += "|" + layout.ShellFrom(ctx).CSRF
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
			pc.mu.Lock()
			if len(pc.entries) >= maxCachedPages {
				pc.entries = map[string]cachedPage{}
			}
			pc.entries[key] = cachedPage{etag: etag, body: rec.buf.Bytes(), ct: hd.Get(echo.HeaderContentType), saved: time.Now()}
			pc.mu.Unlock()
		}
		return nil
	}
}

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
