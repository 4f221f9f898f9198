package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
)

// The platform reporting API (issue 11): the platform's own systems submit monthly
// figures with an API token of the institution (X-Platform-Token), never a session. The
// figures go through the same parse and cross-checks as the form and the template, with
// the same Chinese messages.

// PlatformTokenHeader carries the token.
const PlatformTokenHeader = "X-Platform-Token"

// maxAPIBody bounds a report's JSON.
const maxAPIBody = 64 << 10

type apiFieldErrors struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields"`
}

// APIMonthlyReport is a version as the API returns it: figures as the form types them.
type APIMonthlyReport struct {
	ID          int64             `json:"id"`
	Period      string            `json:"period"`
	Version     int               `json:"version"`
	Source      string            `json:"source"`
	RuleSet     string            `json:"rule_set"`
	SubmittedAt string            `json:"submitted_at"`
	DueDate     string            `json:"due_date"`
	Late        bool              `json:"late"`
	Hash        string            `json:"hash"`
	Figures     map[string]string `json:"figures"`
}

func apiReport(m *models.MonthlyReport) APIMonthlyReport {
	figs := models.TypedFigures(m.Figures)
	delete(figs, "period")
	return APIMonthlyReport{ID: m.ID, Period: m.Figures.Period.String(), Version: m.Version, Source: string(m.Source),
		RuleSet: string(m.RuleSet), SubmittedAt: m.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		DueDate: models.DateOf(m.DueAt.Add(-1)).String(), Late: m.Late(), Hash: m.Hash, Figures: figs}
}

// apiInstitution authenticates the token and returns the filed institution it belongs to.
func (h *Disclosure) apiInstitution(c echo.Context) (*store.PlatformToken, error) {
	tok := strings.TrimSpace(c.Request().Header.Get(PlatformTokenHeader))
	if !strings.HasPrefix(tok, platformTokenPrefix) || len(tok) > 200 {
		return nil, jsonError(c, http.StatusUnauthorized, "缺少或无效的接口令牌：请在请求头 %s 中提供本机构创建的令牌", PlatformTokenHeader)
	}
	t, err := h.store.PlatformTokenByHash(c.Request().Context(), store.HashAPIKey(tok), h.now())
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, jsonError(c, http.StatusUnauthorized, "接口令牌无效或已停用")
	}
	filed, err := h.store.IsFiled(c.Request().Context(), t.InstitutionID)
	if err != nil {
		return nil, err
	}
	if !filed {
		return nil, jsonError(c, http.StatusForbidden, "%s", errNotFiled.Message)
	}
	return t, nil
}

// APISubmitMonthly is POST /api/v1/platform/monthly-reports.
func (h *Disclosure) APISubmitMonthly(c echo.Context) error {
	t, err := h.apiInstitution(c)
	if t == nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxAPIBody+1))
	if err != nil {
		return jsonError(c, http.StatusBadRequest, "请求体读取失败")
	}
	if len(body) > maxAPIBody {
		return jsonError(c, http.StatusRequestEntityTooLarge, "请求体超过 %d KB", maxAPIBody>>10)
	}
	var in struct {
		Period  json.RawMessage            `json:"period"`
		Note    json.RawMessage            `json:"note"`
		Figures map[string]json.RawMessage `json:"figures"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil || in.Figures == nil {
		return jsonError(c, http.StatusBadRequest, "请求体应为 JSON 对象：{\"period\": \"2026-10\", \"figures\": {…}}")
	}
	typed := map[string]string{"period": jsonText(in.Period), "note": jsonText(in.Note)}
	for _, it := range models.MonthlyItems {
		typed[it.Key] = jsonText(in.Figures[it.Key])
	}
	var unknown []string
	for k := range in.Figures {
		if _, ok := models.FigureItemByKey(k); !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, apiFieldErrors{Error: "存在未定义的数据项", Fields: map[string]string{"_form": "未定义的数据项：" + strings.Join(unknown, "、")}})
	}
	a := store.Actor{IP: c.RealIP(), Now: h.now(), Name: "接口令牌 " + t.Prefix + "…"}
	m, err := submitFigures(c.Request().Context(), h.store, a, t.InstitutionID, typed, models.SourceAPI, &t.ID)
	if errs, ok := err.(formErrors); ok {
		return c.JSON(http.StatusUnprocessableEntity, apiFieldErrors{Error: "报送数据有误，未保存", Fields: errs})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, apiReport(m))
}

// jsonText is a JSON string's text, or a number's literal; anything else is what a
// form would show for it, so the parse refuses it with the form's message.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return fmt.Sprintf("%.40s", string(raw))
}

// APIMonthly is GET /api/v1/platform/monthly-reports/{period}: the latest version.
func (h *Disclosure) APIMonthly(c echo.Context) error {
	t, err := h.apiInstitution(c)
	if t == nil {
		return err
	}
	p, err := models.ParsePeriod(c.Param("period"))
	if err != nil {
		return jsonError(c, http.StatusBadRequest, "%s", models.ErrorMessage(err))
	}
	m, err := h.store.LatestReport(c.Request().Context(), t.InstitutionID, p)
	if err != nil {
		return err
	}
	if m == nil {
		return jsonError(c, http.StatusNotFound, "%s 尚未报送", p)
	}
	return c.JSON(http.StatusOK, apiReport(m))
}
