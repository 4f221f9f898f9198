package web_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// A loan book must be CSV or XLSX by content, and needs its period; refusals are 422
// with the reason on the form, and nothing is queued.
func TestLoanBookUploadRefusals(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	resp, body := postFile(t, env, c, "/platform/loanbooks", "借款明细.csv", bytes.NewReader(pdfBody(2048, "x")))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "实际格式为 PDF") {
		t.Fatalf("a PDF as a loan book: %d %s", resp.StatusCode, body)
	}
	csv := "借款编号,借款人编号,借款人类型,是否关联关系,借款金额（元）,待还本金（元）,是否分期,到期日,首次逾期日,已代偿金额（元）\nL1,B1,自然人,否,10,5,否,2027-01-01,,\n"
	resp, body = postFile(t, env, c, "/platform/loanbooks", "借款明细.csv", strings.NewReader(csv))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "报告期应写作") {
		t.Fatalf("no period: %d %s", resp.StatusCode, body)
	}
	if ids, err := env.Store.OpenLoanBookImports(t.Context()); err != nil || len(ids) != 0 {
		t.Fatalf("refused uploads queued imports: %v %v", ids, err)
	}
}

// The templates carry the Chinese headers and read back through the parser.
func TestLoanBookTemplates(t *testing.T) {
	env := webtest.New(t)
	c := login(t, env, "platform1")
	for path, kind := range map[string]models.FileKind{"/platform/loanbooks/template.csv": models.KindCSV, "/platform/loanbooks/template.xlsx": models.KindXLSX} {
		resp, err := c.HTTP.Get(env.Server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		var got []models.Loan
		n, err := models.ParseLoanBook(bytes.NewReader(b), kind, models.NewDate(2026, 10, 31), models.LoanBookHandler{
			Loan:    func(_ int64, l models.Loan) error { got = append(got, l); return nil },
			Refused: func(r models.RefusedRow) error { t.Errorf("%s refuses its sample: %+v", path, r); return nil },
		})
		if err != nil || n != 1 || len(got) != 1 || got[0] != models.LoanBookExample {
			t.Fatalf("%s: %v %d %+v", path, err, n, got)
		}
	}
}
