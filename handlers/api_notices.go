package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
)

// APINotice is a public notice (seeds/004 plan 1 四(二): 公示不少于14个自然日).
type APINotice struct {
	ID            int64   `json:"id"`
	Institution   string  `json:"institution"`
	USCC          string  `json:"uscc"`
	District      string  `json:"district"`
	City          string  `json:"city"`
	StartDate     string  `json:"start_date"`
	EndDate       string  `json:"end_date"`
	Days          int     `json:"days"`
	Status        string  `json:"status"`
	RevokedOn     *string `json:"revoked_on"`
	RevokedReason string  `json:"revoked_reason"`
	URL           string  `json:"url"`
}

func apiNotice(n store.APINotice) APINotice {
	return APINotice{ID: n.ID, Institution: n.InstitutionName, USCC: n.USCC, District: n.District, City: n.City,
		StartDate: n.StartDate.String(), EndDate: n.EndDate.String(), Days: n.Days, Status: n.Status,
		RevokedOn: dateOrNil(n.RevokedAt), RevokedReason: n.RevokedReason, URL: urls.Notice(n.ID)}
}

// Notices is GET /api/v1/notices?status=&city=&q=&cursor=&limit=.
func (h *API) Notices(c echo.Context) error {
	limit, ok, err := apiLimit(c)
	if !ok {
		return err
	}
	after, ok := decodeCursor("notice", c.QueryParam("cursor"))
	if !ok {
		return jsonError(c, http.StatusBadRequest, "cursor 无效：请使用上一页返回的 next_cursor")
	}
	st := c.QueryParam("status")
	switch st {
	case "", models.NoticeActive, models.NoticeEnded, models.NoticeRevoked:
	default:
		return jsonError(c, http.StatusBadRequest, "status 应为 active（公示中）、ended（公示期满）或 revoked（已撤销）")
	}
	rows, err := h.store.APINotices(c.Request().Context(), store.APINoticeFilter{Status: st, City: c.QueryParam("city"),
		Query: c.QueryParam("q"), After: after, Limit: limit})
	if err != nil {
		return err
	}
	items := make([]APINotice, len(rows))
	for i, r := range rows {
		items[i] = apiNotice(r)
	}
	return writeJSON(c, newPage(items, limit, func(n APINotice) string { return encodeCursor("notice", n.ID) }))
}
