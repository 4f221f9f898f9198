package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"portal/web/webtest"
)

// cellText is a cell's text with runs of white space folded.
func cellText(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// readXLSX downloads path and opens it with excelize: the first sheet's rows, header
// first.
func readXLSX(t testing.TB, c *webtest.Client, path string) [][]string {
	t.Helper()
	resp, body := c.Get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, textOf(body))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, ".xlsx") {
		t.Fatalf("GET %s: Content-Disposition %q", path, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("%s does not open as XLSX: %v", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no header row", path)
	}
	return rows
}

// column finds a header's index, failing the test when it is missing.
func column(t testing.TB, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, header)
	return -1
}
