package web_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/handlers"
	"portal/web/webtest"
)

const evilHost = "evil.example"

// getWithHost fetches path with a forged Host header.
func getWithHost(t *testing.T, c *webtest.Client, env *webtest.Env, path, host string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for _, ck := range c.Cookies() { // the jar files cookies under the forged host, so send them by hand
		req.AddCookie(ck)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestHostHeaderNeverReachesAbsoluteURLs: absolute URLs come from the configured base URL
// only (issue 8 §2.2). A forged Host must not reach the Atom feed, the copy of it that the
// public cache serves to the next visitor, the certificate's verify link or its QR code.
func TestHostHeaderNeverReachesAbsoluteURLs(t *testing.T) {
	env := webtest.New(t)
	base := env.Web.BaseURL()
	if base == "" || strings.Contains(base, evilHost) {
		t.Fatalf("base URL %q", base)
	}

	// The feed: first the poisoned request fills the cache, then an honest visitor reads it.
	anon := env.Client(t)
	resp, poisoned := getWithHost(t, anon, env, "/notices.atom", evilHost)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feed with forged Host: %d", resp.StatusCode)
	}
	_, honest := anon.Get("/notices.atom")
	for name, feed := range map[string][]byte{"forged request": poisoned, "cached feed": []byte(honest)} {
		var f struct {
			ID    string `xml:"id"`
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID   string `xml:"id"`
				Link struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(feed, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Entries) == 0 {
			t.Fatalf("%s: no entries", name)
		}
		urls := []string{f.ID}
		for _, l := range f.Links {
			urls = append(urls, l.Href)
		}
		for _, e := range f.Entries {
			urls = append(urls, e.ID, e.Link.Href)
		}
		for _, u := range urls {
			if !strings.HasPrefix(u, base+"/notices") {
				t.Errorf("%s: URL %q does not start with the configured %s", name, u, base)
			}
		}
		if bytes.Contains(feed, []byte(evilHost)) {
			t.Errorf("%s carries the forged host", name)
		}
	}

	// The certificate: its page's verify link and the PDF's printed link and QR code.
	db, _ := env.Store.SQLDB()
	var id int64
	var serial string
	if err := db.QueryRow("SELECT id, serial FROM certificates ORDER BY id LIMIT 1").Scan(&id, &serial); err != nil {
		t.Fatalf("demo data has no certificate: %v", err)
	}
	want := base + "/verify/" + url.PathEscape(serial)
	prov := env.Client(t)
	prov.Login("province1", webtest.DemoPassword)
	resp, page := getWithHost(t, prov, env, "/certificates/"+strconv.FormatInt(id, 10), evilHost)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("certificate page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if bytes.Contains(page, []byte(evilHost)) {
		t.Error("certificate page carries the forged host")
	}
	doc := htmlDoc(t, string(page))
	found := false
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if h, _ := a.Attr("href"); h == want {
			found = true
		}
	})
	if !found {
		t.Errorf("certificate page has no link to %s", want)
	}

	resp, pdfBytes := getWithHost(t, prov, env, "/certificates/"+strconv.FormatInt(id, 10)+"/pdf", evilHost)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("certificate PDF: %d", resp.StatusCode)
	}
	text := pdfToText(t, pdfBytes)
	if strings.Contains(text, evilHost) {
		t.Error("certificate PDF prints the forged host")
	}
	if readable, _ := url.PathUnescape(want); !strings.Contains(strings.Join(strings.Fields(text), ""), readable) {
		t.Errorf("certificate PDF does not print %s", readable)
	}
	// The QR code: the PDF is a pure function of the certificate and the URL given to the
	// encoder, so the served bytes equal the rendering with the configured URL and differ
	// from one with the forged host.
	pu, err := env.Store.UserByUsername(t.Context(), "province1")
	if err != nil {
		t.Fatal(err)
	}
	row, err := env.Store.Certificate(t.Context(), pu, id)
	if err != nil {
		t.Fatal(err)
	}
	good, err := handlers.CertificatePDF(row.Certificate, want)
	if err != nil {
		t.Fatal(err)
	}
	evil, err := handlers.CertificatePDF(row.Certificate, "http://"+evilHost+"/verify/"+url.PathEscape(serial))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(good, evil) {
		t.Fatal("the PDF does not depend on the verify URL; the QR check proves nothing")
	}
	if !bytes.Equal(pdfBytes, good) {
		t.Error("served PDF differs from the certificate rendered with the configured verify URL")
	}
}

func pdfToText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) is required: %v", err)
	}
	in := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
