package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// TokenStore is what the platform's API token page needs.
type TokenStore interface {
	CreatePlatformToken(ctx context.Context, a store.Actor, institutionID int64, name, token string) (*store.PlatformToken, error)
	RevokePlatformToken(ctx context.Context, a store.Actor, institutionID, id int64) error
	PlatformTokens(ctx context.Context, institutionID int64) ([]store.PlatformToken, error)
}

// platformTokenPrefix starts every platform token, so one is told from an open data key.
const platformTokenPrefix = "pt_"

func (h *Disclosure) renderTokens(c echo.Context, status int, instID int64, p disclosure.TokensPage) error {
	ts, err := h.store.PlatformTokens(c.Request().Context(), instID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		r := disclosure.TokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: models.DateTimeCN(t.CreatedAt), Used: "—"}
		if t.LastUsedAt != nil {
			r.Used = models.DateTimeCN(*t.LastUsedAt)
		}
		if t.RevokedAt != nil {
			r.Revoked = models.DateOf(*t.RevokedAt).String()
		}
		p.Rows = append(p.Rows, r)
	}
	p.APIPath = urls.APIPlatformMonthly
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, status, disclosure.Tokens(p))
}

// Tokens is GET /platform/disclosure/tokens.
func (h *Disclosure) Tokens(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	return h.renderTokens(c, http.StatusOK, inst.ID, disclosure.TokensPage{})
}

// CreateToken makes a token and shows it once, on the page that answers.
func (h *Disclosure) CreateToken(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := platformTokenPrefix + hex.EncodeToString(b)
	name := c.FormValue("name")
	_, err = h.store.CreatePlatformToken(c.Request().Context(), actor(c, h.now), inst.ID, name, token)
	if f, ok := models.ErrorField(err); ok {
		return h.renderTokens(c, http.StatusUnprocessableEntity, inst.ID, disclosure.TokensPage{Name: name,
			Errors: components.FieldErrors{f: models.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return h.renderTokens(c, http.StatusOK, inst.ID, disclosure.TokensPage{NewToken: token})
}

// RevokeToken ends one of the institution's tokens.
func (h *Disclosure) RevokeToken(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RevokePlatformToken(c.Request().Context(), actor(c, h.now), inst.ID, id); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.PlatformAPITokens, "已停用该令牌，使用它的请求将被拒绝")
}
