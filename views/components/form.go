// Package components holds the small pieces every page reuses: form fields with their
// errors, pagination, badges.
package components

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

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

// Summary is the Chinese line under a list.
func (p Pager) Summary() string {
	return fmt.Sprintf("共 %d 条，第 %d / %d 页", p.Total, p.Number, p.Pages)
}

// ExternalURL is a link target for an address a user typed (a platform's website or
// mirror page): http(s) only, with http:// added to a bare domain, so no javascript: or
// other scheme can reach an href.
func ExternalURL(raw string) templ.SafeURL {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return templ.SafeURL("#")
	}
	return templ.SafeURL(u.String())
}
