package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/web/webtest"
)

// postForm is one form found on a page, with the values a browser would submit.
type postForm struct {
	page, action string
	multipart    bool
	values       url.Values
	text         []string // single-line text inputs
	long         []string // textareas
}

func formsOn(page, body string) []postForm {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return nil
	}
	var out []postForm
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		if m, _ := f.Attr("method"); !strings.EqualFold(m, "post") {
			return
		}
		action, _ := f.Attr("action")
		if action == "" {
			action = page
		}
		enc, _ := f.Attr("enctype")
		pf := postForm{page: page, action: action, multipart: enc == "multipart/form-data", values: url.Values{}}
		f.Find("input[name], select[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
			name, _ := s.Attr("name")
			if name == "_csrf" {
				return
			}
			switch goquery.NodeName(s) {
			case "textarea":
				pf.values.Set(name, s.Text())
				pf.long = append(pf.long, name)
			case "select":
				opt := s.Find("option[selected]").First()
				if opt.Length() == 0 {
					opt = s.Find("option").First()
				}
				v, _ := opt.Attr("value")
				pf.values.Set(name, v)
			default:
				typ, _ := s.Attr("type")
				v, _ := s.Attr("value")
				switch typ {
				case "checkbox", "radio":
					if _, on := s.Attr("checked"); on {
						pf.values.Add(name, v)
					}
				case "file", "submit", "button", "password":
				case "", "text", "search", "tel", "email", "url":
					pf.values.Set(name, v)
					pf.text = append(pf.text, name)
				default: // hidden, date, number
					pf.values.Set(name, v)
				}
			}
		})
		// the last named submit button (保存 comes after 增加/删除)
		f.Find("button[name][type=submit], button[name]:not([type])").Last().Each(func(_ int, b *goquery.Selection) {
			n, _ := b.Attr("name")
			v, _ := b.Attr("value")
			pf.values.Set(n, v)
		})
		if len(pf.text)+len(pf.long) > 0 {
			out = append(out, pf)
		}
	})
	return out
}

func submitForm(t *testing.T, c *webtest.Client, env *webtest.Env, f postForm, values url.Values) *http.Response {
	t.Helper()
	if !f.multipart {
		resp, _ := c.Submit(f.action, values)
		return resp
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range values[k] {
			_ = w.WriteField(k, v)
		}
	}
	_ = w.WriteField("_csrf", c.CSRF())
	w.Close()
	action := f.action
	if !strings.Contains(action, "_csrf=") {
		sep := "?"
		if strings.Contains(action, "?") {
			sep = "&"
		}
		action += sep + "_csrf=" + url.QueryEscape(c.CSRF())
	}
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+action, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// shortFieldChars is sent in every single-line input: no name, title, contact or
// number needs it, so no column may hold it afterwards.
const shortFieldChars = 1000

// TestEveryTextFieldIsBoundedBeforeStorage submits every form of every page, as each role,
// with its default values and one text field at a time made far too long: single-line
// inputs get 1,000 incompressible characters, textareas just under the request bound. No
// answer is a 5xx, and no column stores a value as long as a single-line input got
// (issue 8 §2.6).
func TestEveryTextFieldIsBoundedBeforeStorage(t *testing.T) {
	env := webtest.New(t)
	short := incompressible(shortFieldChars)
	long := incompressible(9_900) // 29,700 bytes
	sent := 0
	for _, role := range models.AllRoles {
		c := env.Client(t)
		c.Login(roleUsers[role], webtest.DemoPassword)
		seen := map[string]bool{}
		for _, r := range env.Web.Echo.Routes() {
			if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/static") || strings.Contains(r.Path, "*") {
				continue
			}
			_, body := c.Get(concrete(r.Path))
			for _, f := range formsOn(concrete(r.Path), body) {
				if strings.HasPrefix(f.action, "/logout") {
					continue
				}
				if !seen[f.action] {
					seen[f.action] = true
					if resp := submitForm(t, c, env, f, f.values); resp.StatusCode >= 500 { // as the page offers it
						t.Errorf("%s: %s on %s as offered: %d", role, f.action, f.page, resp.StatusCode)
					}
				}
				for _, fields := range [][]string{f.text, f.long} {
					for _, name := range fields {
						key := f.action + " " + name
						if seen[key] {
							continue
						}
						seen[key] = true
						v := short
						if slices.Contains(f.long, name) {
							v = long
						}
						values := url.Values{}
						for k, vs := range f.values {
							values[k] = append([]string(nil), vs...)
						}
						values.Set(name, v)
						sent++
						resp := submitForm(t, c, env, f, values)
						if resp.StatusCode >= 500 {
							t.Errorf("%s: %s on %s with %d characters in %q: %d", role, f.action, f.page, len([]rune(v)), name, resp.StatusCode)
						}
						if strings.HasPrefix(resp.Header.Get("Location"), "/login") || resp.Header.Get("Location") == "/account/password" {
							c = env.Client(t)
							c.Login(roleUsers[role], webtest.DemoPassword)
						}
					}
				}
			}
		}
	}
	if sent < 30 {
		t.Fatalf("only %d fields submitted", sent)
	}
	if stored := longestStored(t, env, shortFieldChars); len(stored) > 0 {
		t.Errorf("stored without a bound: %v", stored)
	}
	t.Logf("%d oversized fields submitted", sent)
}

