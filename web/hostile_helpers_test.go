package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// htmlDoc parses a page for the hostile-input tests.
func htmlDoc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
