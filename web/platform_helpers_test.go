package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// filledFile is a complete file form for platform1, as typed.
func filledFile() url.Values {
	return url.Values{
		"name": {"广州天河示例网络借贷信息中介服务有限公司"}, "uscc": {"91440106MA59A1B2CE"},
		"registered_capital": {"100,000,000"}, "paid_in_capital": {"60000000.00"},
		"registered_address": {"广州市天河区珠江新城示例路 1 号"}, "founded_on": {"2014-05-20"},
		"business_status": {"open"}, "legal_representative": {"张三"}, "contact_phone": {"020-87654321"},
		"business_scope": {"网络借贷信息中介服务"}, "p2p_started_on": {"2015-01-10"},
		"rectification_from_start": {"yes"}, "operating_class": {"single_province"}, "outstanding_balance": {"350,000,000.00"},
		"risk_reserve": {"3600000"}, "compensation_ratio": {"3"},
		"custody_bank":        {"广州示例银行股份有限公司"}, // evaluated, on the demo's list: hard line 6 by data
		"shareholders.0.name": {"张三"}, "shareholders.0.kind": {"natural"}, "shareholders.0.share": {"100"},
		"op": {"save"},
	}
}

// login returns a client signed in as username.
func login(t testing.TB, env *webtest.Env, username string) *webtest.Client {
	t.Helper()
	c := env.Client(t)
	c.Login(username, webtest.DemoPassword)
	return c
}

func demoUser(t testing.TB, env *webtest.Env, username string) *models.User {
	t.Helper()
	u, err := env.Store.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// pdfBody is a small PDF-looking body of n bytes.
func pdfBody(n int, seed string) []byte {
	b := bytes.Repeat([]byte(seed+" "), n/(len(seed)+1)+1)[:n]
	copy(b, "%PDF-1.7\n")
	return b
}

// postFile posts one file as the browser would, the token in the URL.
func postFile(t testing.TB, env *webtest.Env, c *webtest.Client, path, filename string, body io.Reader) (*http.Response, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", filename)
		if err == nil {
			_, err = io.Copy(part, body)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req, _ := http.NewRequest(http.MethodPost, env.Server.URL+path+sep+"_csrf="+url.QueryEscape(c.CSRF()), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var appPath = regexp.MustCompile(`/applications/(\d+)/checklist`)

// createApplication opens a P2P application for the client's platform and returns its id.
func createApplication(t testing.TB, c *webtest.Client) string {
	t.Helper()
	resp, body := c.Submit("/platform/applications", url.Values{"type_code": {models.ApplicationTypeP2P}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create application: %d\n%s", resp.StatusCode, body)
	}
	m := appPath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("created application at %s", resp.Header.Get("Location"))
	}
	return m[1]
}

// materials lists the application's materials by code.
func materials(t testing.TB, env *webtest.Env) map[string]models.MaterialType {
	t.Helper()
	_, ms, err := env.Store.ApplicationType(context.Background(), models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.MaterialType{}
	for _, m := range ms {
		out[m.Code] = m
	}
	return out
}

// storedFiles lists the files in the server's file store (temporary files included).
func storedFiles(t testing.TB, env *webtest.Env) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(env.Web.FilesDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readyViaStore completes platform u's draft through the store: file, every required
// material (recorded only) and a self-assessment of all 符合.
func readyViaStore(t testing.TB, env *webtest.Env, u *models.User, appID int64) {
	t.Helper()
	ctx := context.Background()
	a := store.Actor{User: u, Now: env.Clock.Now()}
	f, err := env.Store.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	if errs := models.ValidateFile(*f, models.DateOf(env.Clock.Now())); len(errs) > 0 {
		t.Fatalf("%s's file is incomplete: %v", u.Username, errs)
	}
	v, err := env.Store.Checklist(ctx, u, appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		for _, s := range it.Slots {
			if !it.Material.Required {
				continue
			}
			name := fmt.Sprintf("%s-%d.pdf", it.Material.Code, s.No)
			if _, err := env.Store.AddMaterialFile(ctx, a, appID, it.Material.ID, s.No, store.FileRef{SHA256: sha([]byte(name)), Size: 10, Kind: models.KindPDF, Name: name}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var items []store.SAInput
	for _, it := range models.SelfAssessmentItems {
		items = append(items, store.SAInput{No: it.No, Answer: models.AnswerYes, Explanation: "符合"})
	}
	if err := env.Store.SaveSelfAssessment(ctx, a, appID, items); err != nil {
		t.Fatal(err)
	}
}

func waitABit() { time.Sleep(20 * time.Millisecond) }
