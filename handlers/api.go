package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
)

// The open data API (issue 14 §3): read-only JSON under /api/v1/ for the public and other
// regulators' systems. Lists are keyset-paginated (next_cursor), every 200 carries a
// strong ETag over its bytes and answers 304 to a matching If-None-Match, errors are
// JSON with a Chinese message. Nothing personal is served: the rows come from
// store.API*, which select public columns only.

// APIStore is what the API needs of the store.
type APIStore interface {
	APINotices(ctx context.Context, f store.APINoticeFilter) ([]store.APINotice, error)
	APIRegister(ctx context.Context, f store.APIRegisterFilter) ([]store.APIRegisterEntry, error)
	APICertificate(ctx context.Context, serial string) (*models.Certificate, error)
	APIChanges(ctx context.Context, since int64, limit int) ([]store.APIChange, error)
	APINoticesByID(ctx context.Context, ids []int64) (map[int64]store.APINotice, error)
	APICertificatesByID(ctx context.Context, ids []int64) (map[int64]models.Certificate, error)
	APIRegisterByInstitution(ctx context.Context, ids []int64) (map[int64]store.APIRegisterEntry, error)
	APIKeyByHash(ctx context.Context, hash string, now time.Time) (*store.APIKey, error)
	RegisterAllFiltered(ctx context.Context, query string, st models.RegisterStatus) ([]models.RegisterEntry, error)
	Revocations(ctx context.Context) ([]models.Revocation, error)
}

// API serves /api/v1.
type API struct {
	store    APIStore
	keys     Keys
	now      Clock
	anon     *models.RateLimiter
	keyed    *models.RateLimiter
	extracts *Extracts
}

// Rate limits (issue 14 §3): anonymous clients per address, API keys per key.
const (
	APIAnonLimit = 60
	APIKeyLimit  = 1200
	APIWindow    = time.Minute
)

// NewAPI builds the API handlers; extracts may be nil until the bulk files are wired.
func NewAPI(s APIStore, keys Keys, now Clock, extracts *Extracts) *API {
	return &API{store: s, keys: keys, now: now, extracts: extracts,
		anon: models.NewRateLimiter(APIAnonLimit, APIWindow), keyed: models.NewRateLimiter(APIKeyLimit, APIWindow)}
}

// apiError is every error body of the API.
type apiError struct {
	Error string `json:"error"`
}

func jsonError(c echo.Context, status int, format string, args ...any) error {
	return c.JSON(status, apiError{Error: fmt.Sprintf(format, args...)})
}

// Limit is the middleware of the API group: an API key (header X-API-Key, or
// Authorization: Bearer) gets the higher limit; an unknown or revoked key is refused;
// everyone else is limited per address. Over the limit: 429 with Retry-After.
func (h *API) Limit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := strings.TrimSpace(c.Request().Header.Get("X-API-Key"))
		if key == "" {
			if a := c.Request().Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
				key = strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
			}
		}
		limiter, who := h.anon, "ip:"+c.RealIP()
		if key != "" {
			k, err := h.store.APIKeyByHash(c.Request().Context(), store.HashAPIKey(key), h.now())
			if err != nil {
				return err
			}
			if k == nil {
				return jsonError(c, http.StatusUnauthorized, "接口密钥无效或已停用")
			}
			limiter, who = h.keyed, "key:"+strconv.FormatInt(k.ID, 10)
		}
		if ok, retry := limiter.Allow(who, h.now()); !ok {
			secs := int((retry + time.Second - 1) / time.Second)
			if secs < 1 {
				secs = 1
			}
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			return jsonError(c, http.StatusTooManyRequests, "请求过于频繁：每个地址每分钟最多 %d 次，请 %d 秒后再试；其他监管机构的系统可申请接口密钥", limiter.Limit, secs)
		}
		return next(c)
	}
}

// writeJSON sends v with a strong ETag over its bytes; 304 when the client has them.
func writeJSON(c echo.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "public, no-cache")
	if ETagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// Cursors are opaque to clients: base64url of "<kind>:<last id>".
func encodeCursor(kind string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(id, 10)))
}

func decodeCursor(kind, s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	k, n, ok := strings.Cut(string(b), ":")
	id, err := strconv.ParseInt(n, 10, 64)
	return id, ok && k == kind && err == nil && id >= 0
}

// Page sizes of the API.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 200
)

// apiLimit reads ?limit=; ok is false when it was bad and the 400 has been written.
func apiLimit(c echo.Context) (n int, ok bool, err error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return apiDefaultLimit, true, nil
	}
	n, perr := strconv.Atoi(raw)
	if perr != nil || n < 1 || n > apiMaxLimit {
		return 0, false, jsonError(c, http.StatusBadRequest, "limit 应为 1–%d 的整数", apiMaxLimit)
	}
	return n, true, nil
}

// page is a list response.
type page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Limit      int     `json:"limit"`
}

func newPage[T any](items []T, limit int, cursor func(T) string) page[T] {
	p := page[T]{Items: items, Limit: limit}
	if len(items) > limit {
		p.Items = items[:limit]
		next := cursor(p.Items[limit-1])
		p.NextCursor = &next
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

func dateOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := models.DateOf(*t).String()
	return &s
}
