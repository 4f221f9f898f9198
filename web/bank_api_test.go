package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"portal/handlers/apidoc"
	"portal/web/webtest"
)

var newBankTokenRe = regexp.MustCompile(`data-testid="new-token">(bt_[0-9a-f]+)<`)

// TestBankAPIMatchesOpenAPI: the bank creates a token on its page and sends platform5's
// statement through the API; every answer (401, 404, 422, 201) validates against the
// OpenAPI document, the 201 carries the comparison's flags, and a revoked token is refused.
func TestBankAPIMatchesOpenAPI(t *testing.T) {
	env := webtest.New(t)
	inst, rep := bankMonth(t, env)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(apidoc.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	call := func(token string, body any) (int, map[string]any) {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", env.Server.URL+"/api/v1/bank/statements", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("X-Bank-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("not in the OpenAPI document: %v", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(raw))
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(got)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("→ %d does not match the OpenAPI document: %v\n%.400s", resp.StatusCode, err, got)
		}
		var v map[string]any
		_ = json.Unmarshal(got, &v)
		return resp.StatusCode, v
	}
	c := login(t, env, "bank1")
	if resp, body := c.Submit("/bank/tokens", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "请填写令牌用途") {
		t.Fatalf("a one-letter purpose: %d", resp.StatusCode)
	}
	_, body := c.Submit("/bank/tokens", url.Values{"name": {"存管系统月度对账单报送"}})
	m := newBankTokenRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no token shown")
	}
	tok := m[1]
	p5 := demoUser(t, env, "platform5")
	uscc := ""
	if u, err := env.Store.Institution(context.Background(), demoUser(t, env, "city1"), *p5.InstitutionID); err == nil {
		uscc = u.USCC
	}
	good := map[string]any{"institution_uscc": uscc, "period": rep.Figures.Period.String(), "lender_funds": "8200000",
		"repayment_flows": 21500000, "risk_reserve": "1000000.00", "compensation_balance": rep.Figures.CompensationBalance.Yuan()}

	if st, _ := call("", good); st != 401 {
		t.Fatalf("no token: %d", st)
	}
	if st, _ := call("pt_"+strings.Repeat("0", 64), good); st != 401 {
		t.Fatalf("a platform token: %d", st)
	}
	other := map[string]any{}
	for k, v := range good {
		other[k] = v
	}
	other["institution_uscc"] = demoUSCC(t, env, "platform1")
	if st, _ := call(tok, other); st != 404 {
		t.Fatalf("a platform naming another bank: %d", st)
	}
	bad := map[string]any{}
	for k, v := range good {
		bad[k] = v
	}
	bad["risk_reserve"] = "一百万"
	st, v := call(tok, bad)
	if st != 422 || !strings.Contains(v["fields"].(map[string]any)["risk_reserve"].(string), "一般风险准备金账户余额") {
		t.Fatalf("bad amount: %d %v", st, v)
	}
	st, v = call(tok, good)
	if st != 201 || v["version"].(float64) != 2 || v["risk_reserve"] != "1000000.00" {
		t.Fatalf("good statement: %d %v", st, v)
	}
	flags, _ := v["flags"].([]any)
	want := "一般风险准备金申报 " + rep.Figures.RiskReserveBalance.String() + " 元，银行 1,000,000.00 元"
	if len(flags) == 0 || flags[0] != want {
		t.Fatalf("flags %v; want %q first", flags, want)
	}
	hist, err := env.Store.BankStatementsOf(context.Background(), demoUser(t, env, "bank1"), inst, 5)
	if err != nil || len(hist) != 2 || hist[0].Source != "api" || hist[0].SubmittedBy != nil || !strings.HasPrefix(hist[0].SubmittedName, "接口令牌 bt_") {
		t.Fatalf("stored %+v %v", hist, err)
	}
	// revoked, the token is refused
	ts, err := env.Store.BankTokens(context.Background(), demoUser(t, env, "bank1"))
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens %v %v", ts, err)
	}
	if resp, _ := c.Submit("/bank/tokens/"+itoa(ts[0].ID)+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if st, _ := call(tok, good); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
}

func demoUSCC(t *testing.T, env *webtest.Env, username string) string {
	t.Helper()
	u := demoUser(t, env, username)
	inst, err := env.Store.Institution(context.Background(), u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	return inst.USCC
}
