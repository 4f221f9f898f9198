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
	"portal/models"
	"portal/web/webtest"
)

var newTokenRe = regexp.MustCompile(`data-testid="new-token">(pt_[0-9a-f]+)<`)

// platformToken creates a token on the platform's page and reads it from the answer.
func platformToken(t *testing.T, c *webtest.Client) string {
	t.Helper()
	resp, body := c.Submit("/platform/disclosure/tokens", url.Values{"name": {"业务系统月度报送"}})
	m := newTokenRe.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create token: %d", resp.StatusCode)
	}
	return m[1]
}

// TestPlatformAPIMatchesOpenAPI submits a month through the reporting API with the
// platform's token: every response (201, 422, 401, 404, 200) validates against the
// OpenAPI document, the refusals say what the form says, and a revoked token is refused.
func TestPlatformAPIMatchesOpenAPI(t *testing.T) {
	env := webtest.New(t)
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
	seen := map[string]bool{}
	call := func(method, path, token string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		var raw []byte
		if body != nil {
			raw, _ = json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, env.Server.URL+"/api/v1"+path, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("X-Platform-Token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: not in the OpenAPI document: %v", method, path, err)
		}
		seen[route.Method+" "+route.Path] = true
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(raw))
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(got)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s %s → %d does not match the OpenAPI document: %v\n%.400s", method, path, resp.StatusCode, err, got)
		}
		var v map[string]any
		_ = json.Unmarshal(got, &v)
		return resp.StatusCode, v
	}
	c := login(t, env, "platform5")
	tok := platformToken(t, c)
	figures := map[string]any{}
	for k, v := range monthlyForm("2026-10") {
		if k != "period" {
			figures[k] = v[0]
		}
	}
	figures["cumulative_count"] = 12000 // a JSON number reads as typed
	// no token, a wrong token
	if st, _ := call("POST", "/platform/monthly-reports", "", map[string]any{"period": "2026-10", "figures": figures}); st != 401 {
		t.Fatalf("no token: %d", st)
	}
	if st, _ := call("POST", "/platform/monthly-reports", "pt_"+strings.Repeat("0", 64), map[string]any{"period": "2026-10", "figures": figures}); st != 401 {
		t.Fatalf("unknown token: %d", st)
	}
	// a contradiction: the same message as the form, by field
	bad := map[string]any{}
	for k, v := range figures {
		bad[k] = v
	}
	bad["top10_share"] = "120"
	st, v := call("POST", "/platform/monthly-reports", tok, map[string]any{"period": "2026-10", "figures": bad})
	if st != 422 || !strings.Contains(v["fields"].(map[string]any)["top10_share"].(string), "不能超过 100%") {
		t.Fatalf("bad figures: %d %v", st, v)
	}
	st, v = call("POST", "/platform/monthly-reports", tok, map[string]any{"period": "2026-10", "figures": figures})
	if st != 201 || v["version"].(float64) != 1 || v["source"] != "api" || v["due_date"] != "2026-11-06" || v["late"] != true {
		t.Fatalf("report: %d %v", st, v)
	}
	inst := *demoUser(t, env, "platform5").InstitutionID
	f, ok, err := env.Store.DeclaredFigures(t.Context(), inst, models.Period{Year: 2026, Month: 10})
	if err != nil || !ok || f.CumulativeCount != 12000 || f.Top10Share != 850 {
		t.Fatalf("declared: %v %v %+v", ok, err, f)
	}
	if st, v = call("GET", "/platform/monthly-reports/2026-10", tok, nil); st != 200 || v["figures"].(map[string]any)["balance"] != "300000000.00" {
		t.Fatalf("read back: %d %v", st, v)
	}
	if st, _ = call("GET", "/platform/monthly-reports/2026-09", tok, nil); st != 404 {
		t.Fatalf("unreported month: %d", st)
	}
	if st, _ = call("GET", "/platform/monthly-reports/2026-13", tok, nil); st != 400 {
		t.Fatalf("bad month: %d", st)
	}
	// the platform revokes the token on its page; the API refuses it from then on
	_, body := c.Get("/platform/disclosure/tokens")
	m := regexp.MustCompile(`action="(/platform/disclosure/tokens/\d+/revoke)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no revoke form")
	}
	if resp, _ := c.Submit(m[1], nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if st, _ = call("GET", "/platform/monthly-reports/2026-10", tok, nil); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
	for _, r := range env.Web.Echo.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/platform/") {
			tmpl := strings.TrimPrefix(strings.Replace(r.Path, ":period", "{period}", 1), "/api/v1")
			if !seen[r.Method+" "+tmpl] {
				t.Errorf("%s %s is not exercised against the OpenAPI document", r.Method, r.Path)
			}
		}
	}
}
