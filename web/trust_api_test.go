package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/xuri/excelize/v2"

	"portal/handlers/apidoc"
	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// apiClient calls the API, optionally with a key, and validates every response
// against the OpenAPI document.
type apiClient struct {
	t      *testing.T
	env    *webtest.Env
	key    string
	doc    *openapi3.T
	router routers.Router
	seen   map[string]bool // "METHOD template" exercised
}

func init() {
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
}

func newAPIClient(t *testing.T, env *webtest.Env, key string) *apiClient {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(apidoc.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, env: env, key: key, doc: doc, router: r, seen: map[string]bool{}}
}

// get requests path (under /api/v1), validates the response and returns it.
func (a *apiClient) get(path string, hdr ...string) (*http.Response, []byte) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.env.Server.URL+"/api/v1"+path, nil)
	if a.key != "" {
		req.Header.Set("X-API-Key", a.key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	route, params, err := a.router.FindRoute(req)
	if err != nil {
		a.t.Fatalf("GET %s: not in the OpenAPI document: %v", path, err)
	}
	a.seen[route.Method+" "+route.Path] = true
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		a.t.Errorf("GET %s → %d does not match the OpenAPI document: %v\n%.400s", path, resp.StatusCode, err, body)
	}
	return resp, body
}

func (a *apiClient) json(path string, want int, v any) *http.Response {
	a.t.Helper()
	resp, body := a.get(path)
	if resp.StatusCode != want {
		a.t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, want, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			a.t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp
}

func apiKeyFor(t *testing.T, env *webtest.Env) string {
	t.Helper()
	key := "pk_" + strings.Repeat("ab", 32)
	if _, err := env.Store.CreateAPIKey(context.Background(), actAs(t, env, "admin"), "深圳市地方金融监督管理局 备案同步", key); err != nil {
		t.Fatal(err)
	}
	return key
}

type listPage struct {
	Items      []map[string]any `json:"items"`
	NextCursor *string          `json:"next_cursor"`
	Limit      int              `json:"limit"`
}

// TestAPIResponsesMatchOpenAPI calls every endpoint of /api/v1 — successes, 304s and
// each kind of error — and validates every response against the embedded document.
func TestAPIResponsesMatchOpenAPI(t *testing.T) {
	env := webtest.New(t)
	cert := signedOff(t, env)
	a := newAPIClient(t, env, apiKeyFor(t, env))

	var notices listPage
	a.json("/notices?limit=1", http.StatusOK, &notices)
	if len(notices.Items) != 1 || notices.NextCursor == nil {
		t.Fatalf("notices page of 1: %+v", notices)
	}
	a.json("/notices?status=active&city="+url.QueryEscape("广州市")+"&q="+url.QueryEscape("广州"), http.StatusOK, nil)
	a.json("/notices?status=bogus", http.StatusBadRequest, nil)
	a.json("/notices?cursor=%21%21", http.StatusBadRequest, nil)
	a.json("/notices?limit=0", http.StatusBadRequest, nil)
	a.json("/register?status=all", http.StatusOK, nil)
	a.json("/register?status=revoked&district="+url.QueryEscape("海珠区"), http.StatusOK, nil)
	a.json("/register?status=x", http.StatusBadRequest, nil)
	var status map[string]any
	a.json("/certificates/"+url.PathEscape(cert.Serial), http.StatusOK, &status)
	if status["signature_valid"] != true || status["status"] != "valid" {
		t.Fatalf("certificate status %v", status)
	}
	a.json("/certificates/"+url.PathEscape("粤-2026-999999"), http.StatusNotFound, nil)
	a.json("/certificates/abc", http.StatusBadRequest, nil)
	// a filed institution's disclosure figures (issue 14 §3 with issue 11)
	db, _ := env.Store.SQLDB()
	var filedUSCC string
	if err := db.QueryRow(`SELECT i.uscc FROM institutions i JOIN filings f ON f.institution_id = i.id
		JOIN applications a ON a.id = f.application_id WHERE a.state = 'filed' ORDER BY f.id LIMIT 1`).Scan(&filedUSCC); err != nil {
		t.Fatal(err)
	}
	var disc struct {
		USCC    string `json:"uscc"`
		Periods []struct {
			Period  string `json:"period"`
			Figures []struct{ Key, Value string }
		} `json:"periods"`
	}
	a.json("/register/"+filedUSCC+"/disclosure", http.StatusOK, &disc)
	if disc.USCC != filedUSCC || len(disc.Periods) == 0 || len(disc.Periods[0].Figures) != len(models.MonthlyFigureFields) {
		t.Fatalf("disclosure of %s: %+v", filedUSCC, disc)
	}
	a.json("/register/abc/disclosure", http.StatusBadRequest, nil)
	a.json("/register/"+notFiledUSCC(t, env)+"/disclosure", http.StatusNotFound, nil)
	a.json("/changes?since=0&limit=5", http.StatusOK, nil)
	a.json("/changes?since=-1", http.StatusBadRequest, nil)
	var m struct {
		Date  string `json:"date"`
		Files []struct{ Name, URL string }
	}
	a.json("/extracts", http.StatusOK, &m)
	for _, f := range m.Files {
		if resp, _ := a.get(strings.TrimPrefix(f.URL, "/api/v1")); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", f.URL, resp.StatusCode)
		}
	}
	a.json("/extracts/2001-01-01/register.jsonl", http.StatusNotFound, nil)
	a.json("/openapi.json", http.StatusOK, nil)
	// 304 with the ETag
	resp, _ := a.get("/register?status=all")
	if r2, _ := a.get("/register?status=all", "If-None-Match", resp.Header.Get("ETag")); r2.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d, want 304", r2.StatusCode)
	}
	// unknown key, then the anonymous limit
	bad := newAPIClient(t, env, "pk_unknown")
	bad.json("/notices", http.StatusUnauthorized, nil)
	anon := newAPIClient(t, env, "")
	for i := 0; i < 60; i++ {
		anon.get("/openapi.json")
	}
	anon.json("/notices", http.StatusTooManyRequests, nil)

	// every route of the group was exercised
	for _, r := range env.Web.Echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Path, "/api/v1/platform/") || strings.HasPrefix(r.Path, "/api/v1/bank/") {
			continue // the platform reporting API: TestPlatformAPIMatchesOpenAPI; the bank's: TestBankAPIMatchesOpenAPI
		}
		tmpl := strings.TrimPrefix(r.Path, "/api/v1")
		for _, p := range []string{":serial", ":date", ":name", ":uscc"} {
			tmpl = strings.Replace(tmpl, p, "{"+p[1:]+"}", 1)
		}
		if !a.seen[r.Method+" "+tmpl] && !anon.seen[r.Method+" "+tmpl] {
			t.Errorf("%s %s is not exercised against the OpenAPI document", r.Method, r.Path)
		}
	}
}

// TestAPIKeysetPaginationFiltersAndETag pages the notices one by one to the end.
func TestAPIKeysetPaginationFiltersAndETag(t *testing.T) {
	env := webtest.New(t)
	a := newAPIClient(t, env, apiKeyFor(t, env))
	db, _ := env.Store.SQLDB()
	var total, active int
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE status = 'active') FROM notices`).Scan(&total, &active); err != nil {
		t.Fatal(err)
	}
	if total < 2 {
		t.Fatalf("demo data has %d notices; the test wants two or more", total)
	}
	var ids []float64
	cursor := ""
	for i := 0; i <= total; i++ {
		var p listPage
		a.json("/notices?limit=1&cursor="+url.QueryEscape(cursor), http.StatusOK, &p)
		for _, it := range p.Items {
			ids = append(ids, it["id"].(float64))
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if len(ids) != total || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != total {
		t.Fatalf("paged ids %v; want %d distinct ascending", ids, total)
	}
	var p listPage
	a.json("/notices?status=active", http.StatusOK, &p)
	if len(p.Items) != active {
		t.Fatalf("status=active gives %d, want %d", len(p.Items), active)
	}
	for _, it := range p.Items {
		if it["status"] != "active" {
			t.Fatalf("status=active returned %v", it)
		}
	}
	var e map[string]string
	a.json("/notices?status=open", http.StatusBadRequest, &e)
	if !strings.Contains(e["error"], "status 应为 active") {
		t.Fatalf("error %q", e["error"])
	}
	resp, _ := a.get("/notices")
	etag := resp.Header.Get("ETag")
	if r, _ := a.get("/notices", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Fatalf("unchanged list: %d, want 304", r.StatusCode)
	}
	cert := signedOff(t, env) // ends platform1's notice: the list changes
	if r, _ := a.get("/notices", "If-None-Match", etag); r.StatusCode != http.StatusOK {
		t.Fatalf("changed list with the old ETag: %d, want 200", r.StatusCode)
	}
	_ = cert
}

// TestAPIRateLimitsAndKeys: anonymous clients get 60 a minute then a Chinese 429 with
// Retry-After; a key made on the admin page (audited) gets past it; a revoked key is refused.
func TestAPIRateLimitsAndKeys(t *testing.T) {
	env := webtest.New(t)
	anon := newAPIClient(t, env, "")
	for i := 0; i < 60; i++ {
		if resp, _ := anon.get("/openapi.json"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := anon.get("/notices")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "请求过于频繁") {
		t.Fatalf("61st request: %d %s", resp.StatusCode, body)
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 || n > 60 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}

	admin := env.Client(t)
	admin.Login("secadmin", webtest.DemoPassword)
	if r, page := admin.Submit("/admin/api-keys", url.Values{"name": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写使用单位及系统名称") {
		t.Fatalf("short name: %d", r.StatusCode)
	}
	r, page := admin.Submit("/admin/api-keys", url.Values{"name": {"深圳市地方金融监督管理局 备案同步系统"}})
	key := strings.TrimSpace(doc(t, page).Find("[data-testid=api-key-value]").Text())
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(key, "pk_") || len(key) != 67 {
		t.Fatalf("create key: %d %q", r.StatusCode, key)
	}
	db, _ := env.Store.SQLDB()
	var stored string
	if err := db.QueryRow(`SELECT hash FROM api_keys`).Scan(&stored); err != nil || stored != store.HashAPIKey(key) || strings.Contains(stored, key[3:]) {
		t.Fatalf("stored %q, %v: want the SHA-256 only", stored, err)
	}
	keyed := newAPIClient(t, env, key)
	keyed.json("/notices", http.StatusOK, nil)
	_, list := admin.Get("/admin/api-keys")
	if strings.Contains(list, key) {
		t.Fatal("the key list shows the secret again")
	}
	var id int64
	db.QueryRow(`SELECT id FROM api_keys`).Scan(&id)
	if r, _ := admin.Submit("/admin/api-keys/"+strconv.FormatInt(id, 10)+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	keyed.json("/notices", http.StatusUnauthorized, nil)
	var audits int
	db.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('创建开放数据接口密钥', '停用开放数据接口密钥')`).Scan(&audits)
	if audits != 2 {
		t.Fatalf("%d audit rows for creating and revoking; want 2", audits)
	}
	env.Clock.Advance(time.Minute)
	anon.json("/notices", http.StatusOK, nil)
}

// TestAPIChangesLetARegulatorMirror: a mirror that read the feed sees a revocation as
// a certificate change and a register change.
func TestAPIChangesLetARegulatorMirror(t *testing.T) {
	env := webtest.New(t)
	a := newAPIClient(t, env, apiKeyFor(t, env))
	var all struct {
		Items []map[string]any `json:"items"`
		Next  int64            `json:"next"`
	}
	a.json("/changes?since=0&limit=200", http.StatusOK, &all)
	mirror := map[string]map[string]any{}
	for _, ch := range all.Items {
		if r, ok := ch["register"].(map[string]any); ok {
			mirror[r["uscc"].(string)] = r
		}
	}
	var reg listPage
	a.json("/register?status=all&limit=200", http.StatusOK, &reg)
	if len(mirror) != len(reg.Items) || len(reg.Items) == 0 {
		t.Fatalf("mirror from the feed has %d entries, the register %d", len(mirror), len(reg.Items))
	}
	uscc := reg.Items[0]["uscc"].(string)
	var certID int64
	db, _ := env.Store.SQLDB()
	if err := db.QueryRow(`SELECT c.id FROM certificates c JOIN filings f ON f.application_id = c.application_id JOIN institutions i ON i.id = f.institution_id WHERE i.uscc = $1`, uscc).Scan(&certID); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RevokeCertificate(context.Background(), actAs(t, env, "province1"), certID, "备案信息与实际不符"); err != nil {
		t.Fatal(err)
	}
	var next struct {
		Items []map[string]any `json:"items"`
		Next  int64            `json:"next"`
	}
	a.json("/changes?since="+strconv.FormatInt(all.Next, 10), http.StatusOK, &next)
	kinds := map[string]bool{}
	for _, ch := range next.Items {
		kinds[ch["kind"].(string)] = true
		if r, ok := ch["register"].(map[string]any); ok && r["uscc"] == uscc && (r["status"] != "revoked" || r["revoked_reason"] != "备案信息与实际不符") {
			t.Fatalf("register change %v", r)
		}
	}
	if !kinds["certificate"] || !kinds["register"] || next.Next <= all.Next {
		t.Fatalf("after a revocation the feed has %v, next %d (was %d)", kinds, next.Next, all.Next)
	}
}

// TestAPIExtractsSignedAndComplete: the daily job writes each file with its SHA-256 and
// an SM2 signature that verifies against the published key; the JSON Lines hold the
// whole register.
func TestAPIExtractsSignedAndComplete(t *testing.T) {
	env := webtest.New(t)
	if err := env.Web.RunJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := newAPIClient(t, env, apiKeyFor(t, env))
	var m struct {
		Date  string `json:"date"`
		Files []struct {
			Name, SHA256, URL string
			KeyID             string `json:"key_id"`
			Signature         string
		}
	}
	a.json("/extracts", http.StatusOK, &m)
	if m.Date != models.DateOf(env.Clock.Now()).String() || len(m.Files) != 4 {
		t.Fatalf("manifest %+v", m)
	}
	ring := env.Web.Keys().Ring()
	day, _ := models.ParseDate(m.Date)
	for _, f := range m.Files {
		_, b := a.get(strings.TrimPrefix(f.URL, "/api/v1"))
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Fatalf("%s: SHA-256 differs from the manifest", f.Name)
		}
		k, _ := ring.Key(f.KeyID)
		sig, _ := models.DecodeSignature(f.Signature)
		if !k.Verify(models.DocumentSignedContent("extract", f.Name, day, f.SHA256), sig) {
			t.Fatalf("%s: signature does not verify", f.Name)
		}
		if k.Verify(models.DocumentSignedContent("extract", f.Name, day, strings.Repeat("0", 64)), sig) {
			t.Fatal("the signature verifies over another file")
		}
		switch f.Name {
		case "register.jsonl":
			var n int
			db, _ := env.Store.SQLDB()
			db.QueryRow(`SELECT count(*) FROM filings`).Scan(&n)
			if lines := strings.Count(string(b), "\n"); lines != n || n == 0 {
				t.Fatalf("register.jsonl has %d lines, %d filings", lines, n)
			}
		case "register.xlsx":
			x, err := excelize.OpenReader(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("备案名录")
			if len(rows) < 2 || rows[0][0] != "统一社会信用代码" {
				t.Fatalf("register.xlsx rows %v", rows)
			}
		}
	}
}

// notFiledUSCC is the credit code of a demo institution with no filing.
func notFiledUSCC(t *testing.T, env *webtest.Env) string {
	t.Helper()
	db, _ := env.Store.SQLDB()
	var u string
	if err := db.QueryRow(`SELECT uscc FROM institutions i WHERE NOT EXISTS (SELECT 1 FROM filings f WHERE f.institution_id = i.id)
		ORDER BY id LIMIT 1`).Scan(&u); err != nil {
		t.Fatal(err)
	}
	return u
}
