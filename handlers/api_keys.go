package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/admin"
)

// APIKeyStore is what the API key admin page needs.
type APIKeyStore interface {
	ListAPIKeys(ctx context.Context) ([]store.APIKey, error)
	CreateAPIKey(ctx context.Context, a store.Actor, name, key string) (*store.APIKey, error)
	RevokeAPIKey(ctx context.Context, a store.Actor, id int64) error
}

// APIKeys is the admin page for open data API keys (issue 14 §3).
type APIKeys struct {
	store    APIKeyStore
	sessions Sessions
	now      Clock
}

// NewAPIKeys builds the API key admin handlers.
func NewAPIKeys(s APIKeyStore, sess Sessions, now Clock) *APIKeys {
	return &APIKeys{store: s, sessions: sess, now: now}
}

func (h *APIKeys) page(c echo.Context, p admin.APIKeysPage) (admin.APIKeysPage, error) {
	keys, err := h.store.ListAPIKeys(c.Request().Context())
	if err != nil {
		return p, err
	}
	for _, k := range keys {
		r := admin.APIKeyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Created: models.DateTimeCN(k.CreatedAt), Used: "—"}
		if k.LastUsedAt != nil {
			r.Used = models.DateTimeCN(*k.LastUsedAt)
		}
		if k.RevokedAt != nil {
			r.Revoked = models.DateOf(*k.RevokedAt).String()
		}
		p.Rows = append(p.Rows, r)
	}
	if p.Errors == nil {
		p.Errors = components.FieldErrors{}
	}
	return p, nil
}

// List is GET /admin/api-keys.
func (h *APIKeys) List(c echo.Context) error {
	p, err := h.page(c, admin.APIKeysPage{})
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, admin.APIKeys(p))
}

// Create is POST /admin/api-keys: the key is shown once on the page that answers.
func (h *APIKeys) Create(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	p := admin.APIKeysPage{Name: name, Errors: components.FieldErrors{}}
	if n := utf8.RuneCountInString(name); n < 2 || n > 100 {
		p.Errors["name"] = "请填写使用单位及系统名称（2–100 字）"
		p, err := h.page(c, p)
		if err != nil {
			return err
		}
		return Render(c, http.StatusUnprocessableEntity, admin.APIKeys(p))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	key := "pk_" + hex.EncodeToString(b)
	if _, err := h.store.CreateAPIKey(c.Request().Context(), actor(c, h.now), name, key); err != nil {
		return err
	}
	p.NewKey = key
	p, err := h.page(c, p)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, http.StatusOK, admin.APIKeys(p))
}

// Revoke is POST /admin/api-keys/{id}/revoke.
func (h *APIKeys) Revoke(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RevokeAPIKey(c.Request().Context(), actor(c, h.now), id); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, "/admin/api-keys", "接口密钥已停用，使用该密钥的请求将被拒绝")
}
