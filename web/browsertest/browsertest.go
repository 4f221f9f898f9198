// Package browsertest drives Debian's Chromium with chromedp for tests that walk a
// user's path through the real forms. A missing browser fails the test; it never skips.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium with a fresh profile, closed when the test ends.
type Browser struct {
	t      testing.TB
	ctx    context.Context
	base   string
	shots  string
	failed bool
	clicks int
}

// New starts Chromium for t against the server at baseURL.
func New(t testing.TB, baseURL string) *Browser {
	t.Helper()
	if _, err := exec.LookPath(ChromiumPath); err != nil {
		t.Fatalf("browser tests need Chromium at %s (make test installs the chromium package): %v", ChromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	b := &Browser{t: t, ctx: ctx, base: baseURL, shots: screenshotDir()}
	t.Cleanup(func() {
		if t.Failed() {
			b.Screenshot("failure")
		}
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

// screenshotDir is $PORTAL_SCREENSHOTS, or var/test-screenshots at the module root.
func screenshotDir() string {
	if d := os.Getenv("PORTAL_SCREENSHOTS"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	for d := wd; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "var", "test-screenshots")
		}
	}
	return os.TempDir()
}

// Do runs actions and fails the test on error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Open navigates to a path of the server and waits for the page body.
func (b *Browser) Open(path string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// Fill types into the input labelled by id (the form components use f-<name>).
func (b *Browser) Fill(name, value string) {
	b.t.Helper()
	sel := chromedp.CSS("#f-" + name)
	b.Do(chromedp.WaitVisible(sel), chromedp.Clear(sel), chromedp.SendKeys(sel, value))
}

// Click clicks the element and waits for the page it leads to. The current document
// is marked first, so the wait ends when a new document has loaded, however slow the
// server is, instead of after a fixed pause; a click that loads nothing new (a button
// handled by script) ends the wait after clickSettle.
func (b *Browser) Click(css string) {
	b.t.Helper()
	b.clicks++
	mark := fmt.Sprintf("%p-%d", b, b.clicks)
	b.Do(chromedp.Evaluate[chromedp.Void](`window.__browsertestPage = ` + strconv.Quote(mark)))
	b.Do(chromedp.Click(chromedp.CSS(css)))
	loaded := `window.__browsertestPage !== ` + strconv.Quote(mark) + ` && document.readyState === "complete"`
	for deadline := time.Now().Add(clickSettle); time.Now().Before(deadline); {
		// during the navigation the old context goes away: an error means "not yet"
		if done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](loaded)); err == nil && done {
			break
		}
		if b.ctx.Err() != nil {
			b.t.Fatalf("browser: %v", b.ctx.Err())
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Do(chromedp.WaitReady(chromedp.CSS("body")))
}

// clickSettle bounds the wait for a click's page; it is long because a loaded machine
// may take seconds to answer a form, and only script-handled clicks ever wait it out.
const clickSettle = 20 * time.Second

// Text returns the visible text of the first element matching css.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("reading %s: %v", css, err)
	}
	return s
}

// Path is the current location's path.
func (b *Browser) Path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// ExpectText fails unless the element's text contains every want.
func (b *Browser) ExpectText(css string, wants ...string) {
	b.t.Helper()
	got := b.Text(css)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.t.Fatalf("%s shows %q; want it to contain %q", css, got, w)
		}
	}
}

// Screenshot saves a full-page PNG named after the test.
func (b *Browser) Screenshot(name string) string {
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	_ = os.MkdirAll(b.shots, 0o755)
	path := filepath.Join(b.shots, strings.ReplaceAll(b.t.Name(), "/", "_")+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("saving screenshot: %v", err)
	}
	return path
}

// Context is the browser tab's context, for chromedp actions the helpers lack.
func (b *Browser) Context() context.Context { return b.ctx }
