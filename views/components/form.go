// Package components holds the small pieces every page reuses: form fields with their
// errors, pagination, badges.
package components

import (
	"fmt"
	"net/url"
	"strconv"
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
