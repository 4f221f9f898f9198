package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// The custody bank's statement API (issue 12 §3): POST /api/v1/bank/statements with a
// bank token in X-Bank-Token. The tokens are the platforms' kind (one table, HashAPIKey),
// owned by the bank; the statement is parsed and stored as the form's is.

// BankTokenHeader carries a custody bank's API token.
const BankTokenHeader = "X-Bank-Token"

// bankTokenPrefix starts every bank token.
const bankTokenPrefix = "bt_"

// BankAPIStore is what the bank's token pages and API need of the store.
type BankAPIStore interface {
	CreateBankToken(ctx context.Context, a store.Actor, name, token string) (*store.BankToken, error)
	RevokeBankToken(ctx context.Context, a store.Actor, id int64) error
	BankTokens(ctx context.Context, u *models.User) ([]store.BankToken, error)
	BankTokenByHash(ctx context.Context, hash string, now time.Time) (*store.BankToken, error)
	BankInstitutionByUSCC(ctx context.Context, bankID int64, uscc string) (*store.BankRelationship, error)
	SubmitBankStatement(ctx context.Context, a store.Actor, in store.StatementInput) (*store.BankStatementRow, error)
	CompareLatestStatement(ctx context.Context, institutionID int64) (*store.BankStatementComparison, error)
}

// BankAPI serves the bank's tokens and its statement API.
type BankAPI struct {
	store    BankAPIStore
	sessions Sessions
	now      Clock
}

// NewBankAPI builds the bank's API handlers.
func NewBankAPI(s BankAPIStore, sess Sessions, now Clock) *BankAPI {
	return &BankAPI{store: s, sessions: sess, now: now}
}

func (h *BankAPI) renderTokens(c echo.Context, status int, p disclosure.TokensPage) error {
	ts, err := h.store.BankTokens(c.Request().Context(), CurrentUser(c))
	if err != nil {
		return err
	}
	for _, t := range ts {
		r := disclosure.TokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: models.DateTimeCN(t.CreatedAt), Used: "—",
			RevokeHref: urls.RevokeBankToken(t.ID)}
		if t.LastUsedAt != nil {
			r.Used = models.DateTimeCN(*t.LastUsedAt)
		}
		if t.RevokedAt != nil {
			r.Revoked = models.DateOf(*t.RevokedAt).String()
		}
		p.Rows = append(p.Rows, r)
	}
	p.APIPath, p.Action, p.Header = urls.APIBankStatements, urls.BankTokens, BankTokenHeader
	p.Purpose = "本行存管系统可通过接口报送月度对账单"
	c.Response().Header().Set("Cache-Control", "no-store")
	return Render(c, status, disclosure.Tokens(p))
}

// Tokens is GET /bank/tokens.
func (h *BankAPI) Tokens(c echo.Context) error {
	return h.renderTokens(c, http.StatusOK, disclosure.TokensPage{})
}

// CreateToken is POST /bank/tokens: the token is shown once, on the page that answers.
func (h *BankAPI) CreateToken(c echo.Context) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := bankTokenPrefix + hex.EncodeToString(b)
	var f struct {
		Name string `form:"name"`
	}
	if err := bindForm(c, &f); err != nil {
		return err
	}
	_, err := h.store.CreateBankToken(c.Request().Context(), actor(c, h.now), f.Name, token)
	if field, ok := models.ErrorField(err); ok {
		return h.renderTokens(c, http.StatusUnprocessableEntity, disclosure.TokensPage{Name: f.Name,
			Errors: components.FieldErrors{field: models.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return h.renderTokens(c, http.StatusOK, disclosure.TokensPage{NewToken: token})
}

// RevokeToken is POST /bank/tokens/:id/revoke.
func (h *BankAPI) RevokeToken(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RevokeBankToken(c.Request().Context(), actor(c, h.now), id); err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.BankTokens, "已停用该令牌，使用它的请求将被拒绝")
}

// APIBankStatement is a stored statement as the API returns it: amounts in 元 as the form
// types them, with the comparison's flags.
type APIBankStatement struct {
	ID                  int64    `json:"id"`
	InstitutionUSCC     string   `json:"institution_uscc"`
	Period              string   `json:"period"`
	Version             int      `json:"version"`
	SubmittedAt         string   `json:"submitted_at"`
	LenderFunds         string   `json:"lender_funds"`
	RepaymentFlows      string   `json:"repayment_flows"`
	RiskReserve         string   `json:"risk_reserve"`
	CompensationBalance string   `json:"compensation_balance"`
	Flags               []string `json:"flags"`
}

// SubmitStatement is POST /api/v1/bank/statements.
func (h *BankAPI) SubmitStatement(c echo.Context) error {
	tok := strings.TrimSpace(c.Request().Header.Get(BankTokenHeader))
	if !strings.HasPrefix(tok, bankTokenPrefix) || len(tok) > 200 {
		return jsonError(c, http.StatusUnauthorized, "缺少或无效的接口令牌：请在请求头 %s 中提供本行创建的令牌", BankTokenHeader)
	}
	ctx := c.Request().Context()
	t, err := h.store.BankTokenByHash(ctx, store.HashAPIKey(tok), h.now())
	if err != nil {
		return err
	}
	if t == nil {
		return jsonError(c, http.StatusUnauthorized, "接口令牌无效或已停用")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxAPIBody+1))
	if err != nil {
		return jsonError(c, http.StatusBadRequest, "请求体读取失败")
	}
	if len(body) > maxAPIBody {
		return jsonError(c, http.StatusRequestEntityTooLarge, "请求体超过 %d KB", maxAPIBody>>10)
	}
	var in map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&in); err != nil || in == nil {
		return jsonError(c, http.StatusBadRequest, "请求体应为 JSON 对象：{\"institution_uscc\": \"…\", \"period\": \"2026-10\", \"risk_reserve\": \"1600000.00\", …}")
	}
	known := map[string]bool{"institution_uscc": true, "period": true, "note": true}
	for _, f := range models.BankStatementFields {
		known[f.Key] = true
	}
	var unknown []string
	for k := range in {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, apiFieldErrors{Error: "存在未定义的数据项", Fields: map[string]string{"_form": "未定义的数据项：" + strings.Join(unknown, "、")}})
	}
	typed := map[string]string{}
	for k, v := range in {
		typed[k] = jsonText(v)
	}
	rel, err := h.store.BankInstitutionByUSCC(ctx, t.CustodyBankID, typed["institution_uscc"])
	if models.ErrorCode(err) == models.ENotFound {
		return jsonError(c, http.StatusNotFound, "%s", models.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	st, errs := models.ParseBankStatement(typed)
	if len(errs) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, apiFieldErrors{Error: "对账单数据有误，未保存", Fields: errs})
	}
	a := store.Actor{IP: c.RealIP(), Now: h.now(), Name: "接口令牌 " + t.Prefix + "…"}
	row, err := h.store.SubmitBankStatement(ctx, a, store.StatementInput{InstitutionID: rel.InstitutionID, Statement: st,
		Source: models.SourceAPI, Note: typed["note"], Token: t})
	if field, ok := models.ErrorField(err); ok {
		return c.JSON(http.StatusUnprocessableEntity, apiFieldErrors{Error: "对账单数据有误，未保存", Fields: map[string]string{field: models.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	out := APIBankStatement{ID: row.ID, InstitutionUSCC: rel.USCC, Period: row.PeriodText(), Version: row.Version,
		SubmittedAt: row.SubmittedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), LenderFunds: row.LenderFunds.Yuan(),
		RepaymentFlows: row.RepaymentFlows.Yuan(), RiskReserve: row.RiskReserve.Yuan(), CompensationBalance: row.CompensationBalance.Yuan(),
		Flags: []string{}}
	if cmp, err := h.store.CompareLatestStatement(ctx, rel.InstitutionID); err != nil {
		return err
	} else if cmp != nil && cmp.Statement.ID == row.ID {
		for _, f := range cmp.Flags {
			out.Flags = append(out.Flags, f.Text())
		}
	}
	return c.JSON(http.StatusCreated, out)
}
