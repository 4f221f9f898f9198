package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// documentToken reads the signed token views/pdf writes into the PDF's Keywords.
func documentToken(t *testing.T, pdfBytes string) string {
	t.Helper()
	b := []byte(pdfBytes)
	i := bytes.Index(b, []byte("/Keywords (sm2doc:"))
	if i < 0 {
		t.Fatal("the PDF carries no document signature")
	}
	rest := b[i+len("/Keywords ("):]
	return string(rest[:bytes.IndexByte(rest, ')')])
}

// TestDistrictOpinionsAndNoticeAreSigned: the two district documents and the public
// notice PDF carry an SM2 signature that verifies against the published key, print it,
// and keep their bytes from one download to the next.
func TestDistrictOpinionsAndNoticeAreSigned(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"经审核，该机构已按整改要求完成整改，资金存管到位，信息披露完整，同意报送市级初验。"}}, http.StatusSeeOther)
	_, page := d1.Get(appURL(id, ""))
	links := pdfLink.FindAllStringSubmatch(page, -1)
	if len(links) != 2 {
		t.Fatalf("%d document links; want 2", len(links))
	}
	ring := env.Web.Keys().Ring()
	for _, l := range links {
		_, body := d1.Get(l[1])
		d, err := models.ParseDocumentToken(documentToken(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if r := models.VerifyDocument(ring, d); !r.OK || (d.Kind != "opinion" && d.Kind != "check") {
			t.Fatalf("%s: %v %q kind %q", l[1], r.OK, r.Reason, d.Kind)
		}
		if text := strings.Join(strings.Fields(pdfText(t, body, d.Kind+"-signed")), ""); !strings.Contains(text, "电子签名（SM2，密钥"+d.KeyID+"）：") {
			t.Fatalf("%s does not print the signature block", l[1])
		}
		if _, again := d1.Get(l[1]); again != body {
			t.Fatalf("%s: a second download differs: the signature is not deterministic", l[1])
		}
		forged := d
		forged.Content = bytes.Replace(d.Content, []byte(d.SHA256), []byte(strings.Repeat("0", 64)), 1)
		if models.VerifyDocument(ring, forged).OK {
			t.Fatal("a document with another content digest verifies")
		}
	}

	var noticeID int64
	db, _ := env.Store.SQLDB()
	if err := db.QueryRow(`SELECT id FROM notices ORDER BY id LIMIT 1`).Scan(&noticeID); err != nil {
		t.Fatal(err)
	}
	resp, body := env.Client(t).Get(fmt.Sprintf("/notices/%d/notice.pdf", noticeID))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("notice PDF: %d", resp.StatusCode)
	}
	d, err := models.ParseDocumentToken(documentToken(t, body))
	if err != nil {
		t.Fatal(err)
	}
	if r := models.VerifyDocument(ring, d); !r.OK || d.Kind != "public_notice" || !strings.Contains(strings.Join(strings.Fields(pdfText(t, body, "notice-signed")), ""), d.Ref) {
		t.Fatalf("notice: %v %q %+v", r.OK, r.Reason, d)
	}
}
