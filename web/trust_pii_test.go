package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// TestAPINeverServesPersonalData walks every endpoint of /api/v1 — every page of every
// list, the whole change feed, each certificate and every bulk file, XLSX cells
// included — and looks for any personal datum the database holds: complainants' names,
// contacts and texts, officers' and clerks' names and usernames, legal representatives,
// controllers, natural-person shareholders, people in the file and branch heads.
func TestAPINeverServesPersonalData(t *testing.T) {
	env := webtest.New(t)
	ctx := context.Background()
	cert := signedOff(t, env) // a certificate issued by a named officer
	db, _ := env.Store.SQLDB()
	var noticeID int64
	if err := db.QueryRow(`SELECT id FROM notices WHERE status = 'active' ORDER BY id LIMIT 1`).Scan(&noticeID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.FileComplaint(ctx, store.Actor{IP: "192.0.2.7", Now: env.Clock.Now()}, noticeID,
		models.ComplaintInput{Type: "lender", Name: "钱多多出借人", Contact: "13987654321", Content: "出借人钱多多反映平台逾期未兑付本息。"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE institutions SET legal_representative = '孙法定代表', actual_controller = '李实控人' WHERE uscc = $1`, cert.USCC); err != nil {
		t.Fatal(err)
	}

	var secrets []string
	for _, q := range []string{
		`SELECT complainant_name FROM complaints`, `SELECT contact FROM complaints`, `SELECT content FROM complaints`,
		`SELECT display_name FROM users`, `SELECT username FROM users`,
		`SELECT legal_representative FROM institutions`, `SELECT actual_controller FROM institutions`,
		`SELECT name FROM institution_people`, `SELECT head FROM institution_branches`, `SELECT phone FROM institution_branches`,
		`SELECT name FROM institution_shareholders WHERE NOT name LIKE '%公司%'`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= 2 && !strings.Contains(s, "公司") {
				secrets = append(secrets, s)
			}
		}
		rows.Close()
	}
	if !contains(secrets, "钱多多出借人") || !contains(secrets, "13987654321") || !contains(secrets, "省金融办审定员") || !contains(secrets, "孙法定代表") {
		t.Fatalf("the look-up of personal data misses the planted values: %v", secrets)
	}

	a := newAPIClient(t, env, apiKeyFor(t, env))
	var bodies []string
	grab := func(path string) []byte {
		resp, b := a.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		bodies = append(bodies, path+"\n"+string(b))
		return b
	}
	for _, list := range []string{"/notices?limit=2", "/register?status=all&limit=2"} {
		cursor := ""
		for i := 0; i < 50; i++ {
			var p listPage
			json.Unmarshal(grab(list+"&cursor="+url.QueryEscape(cursor)), &p)
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
	}
	since := "0"
	for i := 0; i < 50; i++ {
		var p struct {
			Next    int64 `json:"next"`
			HasMore bool  `json:"has_more"`
		}
		json.Unmarshal(grab("/changes?limit=5&since="+since), &p)
		since = strconv.FormatInt(p.Next, 10)
		if !p.HasMore {
			break
		}
	}
	grab("/certificates/" + url.PathEscape(cert.Serial))
	// every filed institution's disclosure figures and events
	frows, err := db.Query(`SELECT DISTINCT i.uscc FROM institutions i JOIN filings f ON f.institution_id = i.id
		JOIN applications a ON a.id = f.application_id WHERE a.state = 'filed'`)
	if err != nil {
		t.Fatal(err)
	}
	var filed []string
	for frows.Next() {
		var u string
		frows.Scan(&u)
		filed = append(filed, u)
	}
	frows.Close()
	if len(filed) == 0 {
		t.Fatal("no filed institution to walk")
	}
	for _, u := range filed {
		grab("/register/" + u + "/disclosure")
	}
	var m struct{ Files []struct{ Name, URL string } }
	json.Unmarshal(grab("/extracts"), &m)
	for _, f := range m.Files {
		b := grab(strings.TrimPrefix(f.URL, "/api/v1"))
		if strings.HasSuffix(f.Name, ".xlsx") {
			x, err := excelize.OpenReader(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			for _, sh := range x.GetSheetList() {
				rows, _ := x.GetRows(sh)
				for _, r := range rows {
					bodies = append(bodies, f.Name+"\n"+strings.Join(r, "\t"))
				}
			}
		}
	}
	grab("/openapi.json")
	if len(bodies) < 10 {
		t.Fatalf("only %d responses walked", len(bodies))
	}
	for _, b := range bodies {
		for _, s := range secrets {
			if strings.Contains(b, s) {
				t.Errorf("personal datum %q served by %s", s, strings.SplitN(b, "\n", 2)[0])
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
