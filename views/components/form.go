// Package components holds the small pieces every page reuses: form fields with their
// errors, pagination, badges.
package components

import (
	"fmt"
	"net/url"
	"portal/models"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Itoa formats an id or a count for a page.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// FieldErrors maps a form field name to its message in Chinese.
type FieldErrors map[string]string

// Any reports whether there is at least one error.
func (e FieldErrors) Any() bool { return len(e) > 0 }

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// Pager describes one page of a list for the pagination bar.
type Pager struct {
	Number, Pages int
	Total         int64
	Query         url.Values // the list's filters, kept on every page link
}

// Href links to page n with the same filters.
func (p Pager) Href(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return "?" + q.Encode()
}

// Summary is the Chinese line under a list. A page number past the last page (a link
// kept after the list shrank, or typed) is not shown as 第 2 / 1 页: the line says the page
// is empty and how many there are.
func (p Pager) Summary() string {
	switch {
	case p.Total == 0:
		return "共 0 条"
	case p.OutOfRange():
		return fmt.Sprintf("第 %d 页没有内容：共 %d 条，只有 %d 页", p.Number, p.Total, p.Pages)
	}
	return fmt.Sprintf("共 %d 条，第 %d / %d 页", p.Total, p.Number, p.Pages)
}

// OutOfRange reports a page number past the last page of a non-empty list.
func (p Pager) OutOfRange() bool { return p.Total > 0 && p.Number > p.Pages }

// ExternalURL is a link target for an address a user typed (a platform's website or
// mirror page): http(s) only, with http:// added to a bare domain, so no javascript: or
// other scheme can reach an href.
func ExternalURL(raw string) templ.SafeURL {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, ok := models.WebURL(s)
	if !ok {
		return templ.SafeURL("#")
	}
	return templ.SafeURL(u)
}
