// Package webtest runs the real server assembly on a per-test database, with a clock
// the test moves, and gives tests a cookie-keeping client that speaks the forms.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
	"portal/web"
)

// Clock is a settable time source.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// Start is where every test clock begins: a working Monday morning in Beijing time.
var Start = time.Date(2026, 11, 23, 9, 0, 0, 0, models.ChinaTime)

// Env is one running server with its database and clock.
type Env struct {
	Server *httptest.Server
	Web    *web.Server
	Store  *store.Store
	Clock  *Clock
	// Pauses records the sign-in delays the server asked for, instead of sleeping.
	Pauses *Pauses
}

// Pauses is the record of sign-in delays.
type Pauses struct {
	mu   sync.Mutex
	list []time.Duration
}

func (p *Pauses) pause(_ context.Context, d time.Duration) {
	p.mu.Lock()
	p.list = append(p.list, d)
	p.mu.Unlock()
}

// All returns the delays asked for so far, oldest first.
func (p *Pauses) All() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.list...)
}

// Last is the most recent delay (0 when none).
func (p *Pauses) Last() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) == 0 {
		return 0
	}
	return p.list[len(p.list)-1]
}

// New starts the server on a fresh clone of the demo database; options change its
// configuration, as the environment would in production.
func New(t testing.TB, options ...func(*web.Config)) *Env {
	t.Helper()
	return NewOn(t, storetest.New(t, storetest.Demo), &Clock{now: Start}, options...)
}

// NewOn assembles a server on st, a store of its own, as another replica on the same
// database would be.
func NewOn(t testing.TB, st *store.Store, clock *Clock, options ...func(*web.Config)) *Env {
	t.Helper()
	pauses := &Pauses{}
	cfg := web.Config{Env: "demo", SessionKey: []byte("0123456789abcdef0123456789abcdef"), VarDir: t.TempDir(), LoginPause: pauses.pause}
	// The listener exists before the server: its address is the configured base URL, as
	// PORTAL_BASE_URL would be in production, so absolute links lead back to this server.
	ts := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	for _, o := range options {
		o(&cfg)
	}
	srv := web.New(cfg, st, clock.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts.Config.Handler = srv.Echo
	ts.Start()
	t.Cleanup(ts.Close)
	return &Env{Server: ts, Web: srv, Store: st, Clock: clock, Pauses: pauses}
}

// Client is a browser-like HTTP client: it keeps cookies and does not follow redirects,
// so tests see every 303.
type Client struct {
	t    testing.TB
	env  *Env
	HTTP *http.Client
}

// Client returns a new client with an empty cookie jar.
func (e *Env) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, env: e, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// ClientFrom returns a new client whose connections come from the loopback address ip
// (any of 127.0.0.0/8), so the server sees a different client address.
func (e *Env) ClientFrom(t testing.TB, ip string) *Client {
	c := e.Client(t)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c.HTTP.Transport = &http.Transport{DialContext: d.DialContext}
	return c
}

// Get fetches path and returns the response with its body read.
func (c *Client) Get(path string) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.HTTP.Get(c.env.Server.URL + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return resp, readBody(c.t, resp)
}

// PostForm posts form values to path as they are, without adding a CSRF token.
func (c *Client) PostForm(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.HTTP.PostForm(c.env.Server.URL+path, form)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return resp, readBody(c.t, resp)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF returns the token the client's forms carry: the cookie's value, which every
// rendered form repeats; a fresh client first loads the login page to get one.
func (c *Client) CSRF() string {
	c.t.Helper()
	for _, ck := range c.Cookies() {
		if ck.Name == "portal_csrf" {
			return ck.Value
		}
	}
	_, body := c.Get("/login")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatal("no CSRF token on /login")
	}
	return m[1]
}

// Submit posts a form with the page's CSRF token, as the browser would.
func (c *Client) Submit(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.CSRF())
	return c.PostForm(path, form)
}

// Login signs in and fails the test unless it lands on a redirect.
func (c *Client) Login(username, password string) *http.Response {
	c.t.Helper()
	resp, body := c.Submit("/login", url.Values{"username": {username}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d\n%s", username, resp.StatusCode, body)
	}
	if strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
		// two-factor sign-in: the code of the account's secret at the server's clock
		code := c.env.TOTPCode(c.t, username)
		resp, body = c.Submit("/login/totp", url.Values{"code": {code}})
		if resp.StatusCode != http.StatusSeeOther {
			c.t.Fatalf("login %s, one-time code: status %d\n%s", username, resp.StatusCode, body)
		}
	}
	return resp
}

// Cookies returns the client's cookies for the server.
func (c *Client) Cookies() []*http.Cookie {
	u, _ := url.Parse(c.env.Server.URL)
	return c.HTTP.Jar.Cookies(u)
}

func readBody(t testing.TB, resp *http.Response) string {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Contains is a small assertion used by many tests.
func Contains(t testing.TB, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("page lacks %q", w)
		}
	}
}

// DemoPassword re-exports the demo password for tests.
const DemoPassword = store.DemoPassword

// TOTPCode is the one-time code a user's authenticator shows at the server's clock. When
// the code of this 30-second step has already signed the account in, it waits, as a
// person would, for the next step: the clock moves to its start (a code is accepted once).
func (e *Env) TOTPCode(t testing.TB, username string) string {
	t.Helper()
	u, err := e.Store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("one-time code of %s: %v", username, err)
	}
	const step = 30
	if now := e.Clock.Now(); now.Unix()/step <= u.TOTPLastStep {
		e.Clock.Set(time.Unix((u.TOTPLastStep+1)*step, 0).In(now.Location()))
	}
	code, err := models.TOTPCode(u.TOTPSecret, e.Clock.Now())
	if err != nil {
		t.Fatalf("one-time code of %s: %v", username, err)
	}
	return code
}
