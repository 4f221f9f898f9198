package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// APIChange is one change to a public object, with the object as it is now (null for
// a register entry that no longer exists). A mirror applies them in seq order.
type APIChange struct {
	Seq         int64                 `json:"seq"`
	At          string                `json:"at"`
	Kind        string                `json:"kind"` // notice | certificate | register
	Op          string                `json:"op"`   // insert | update
	Notice      *APINotice            `json:"notice,omitempty"`
	Certificate *APICertificateStatus `json:"certificate,omitempty"`
	Register    *APIRegisterEntry     `json:"register,omitempty"`
}

type changesPage struct {
	Items []APIChange `json:"items"`
	// Next is the since= of the following request: the last seq returned, or the
	// given since when nothing changed.
	Next    int64 `json:"next"`
	HasMore bool  `json:"has_more"`
}

// Changes is GET /api/v1/changes?since=<seq>&limit=: every change after since.
func (h *API) Changes(c echo.Context) error {
	limit, ok, err := apiLimit(c)
	if !ok {
		return err
	}
	since := int64(0)
	if raw := c.QueryParam("since"); raw != "" {
		if since, err = strconv.ParseInt(raw, 10, 64); err != nil || since < 0 {
			return jsonError(c, http.StatusBadRequest, "since 应为上次返回的 next（非负整数），首次同步用 0")
		}
	}
	ctx := c.Request().Context()
	rows, err := h.store.APIChanges(ctx, since, limit)
	if err != nil {
		return err
	}
	p := changesPage{Items: []APIChange{}, Next: since}
	if len(rows) > limit {
		rows, p.HasMore = rows[:limit], true
	}
	var nIDs, cIDs, rIDs []int64
	for _, r := range rows {
		switch r.Kind {
		case "notice":
			nIDs = append(nIDs, r.ObjectID)
		case "certificate":
			cIDs = append(cIDs, r.ObjectID)
		case "register":
			rIDs = append(rIDs, r.ObjectID)
		}
	}
	notices, err := h.store.APINoticesByID(ctx, nIDs)
	if err != nil {
		return err
	}
	certs, err := h.store.APICertificatesByID(ctx, cIDs)
	if err != nil {
		return err
	}
	reg, err := h.store.APIRegisterByInstitution(ctx, rIDs)
	if err != nil {
		return err
	}
	for _, r := range rows {
		ch := APIChange{Seq: r.Seq, At: r.At.UTC().Format(time.RFC3339), Kind: r.Kind, Op: r.Op}
		switch r.Kind {
		case "notice":
			if n, ok := notices[r.ObjectID]; ok {
				v := apiNotice(n)
				ch.Notice = &v
			}
		case "certificate":
			if cert, ok := certs[r.ObjectID]; ok {
				v := h.certificateStatus(cert)
				ch.Certificate = &v
			}
		case "register":
			if e, ok := reg[r.ObjectID]; ok {
				v := apiRegisterEntry(e)
				ch.Register = &v
			}
		}
		p.Items = append(p.Items, ch)
		p.Next = r.Seq
	}
	return writeJSON(c, p)
}
