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

	// A long list (issue 15) moves by cursor past its first pages: Seek turns on the bar
	// 首页 · 上一页 · numbered pages near the start · 下一页 · 末页. Number is 0 on a page
	// reached by cursor; Capped says Total is a lower bound (models.CountCap).
	Seek               bool
	Capped             bool
	Param              string // the page number's parameter, "page" when empty
	PrevHref, NextHref string
	LastHref           string
	IsLast             bool
}

func (p Pager) param() string {
	if p.Param == "" {
		return "page"
	}
	return p.Param
}

// Href links to page n with the same filters.
func (p Pager) Href(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set(p.param(), strconv.Itoa(n))
	return "?" + q.Encode()
}

// Window is the numbered pages linked around the current one (all near the start of
// the list: numbered pages stop at models.MaxNumberedPages).
func (p Pager) Window() []int {
	center := p.Number
	if center == 0 {
		return nil
	}
	var out []int
	for n := max(1, center-2); n <= min(p.Pages, center+2); n++ {
		out = append(out, n)
	}
	return out
}

// TotalText is the count under the list: "1000+" when capped.
func (p Pager) TotalText() string {
	if p.Capped {
		return strconv.FormatInt(p.Total, 10) + "+"
	}
	return strconv.FormatInt(p.Total, 10)
}

// Summary is the Chinese line under a list. A page number past the last page (a link
// kept after the list shrank, or typed) is not shown as 第 2 / 1 页: the line says the page
// is empty and how many there are.
func (p Pager) Summary() string {
	if p.Seek {
		switch {
		case p.Total == 0:
			return "共 0 条"
		case p.OutOfRange():
			return fmt.Sprintf("第 %d 页没有内容：共 %s 条，可直接跳转的页码为 1 至 %d，更后的内容请用「下一页」或「末页」", p.Number, p.TotalText(), p.Pages)
		case p.IsLast:
			return fmt.Sprintf("共 %s 条，末页", p.TotalText())
		case p.Number == 0:
			return fmt.Sprintf("共 %s 条", p.TotalText())
		case p.Capped:
			return fmt.Sprintf("共 %s 条，第 %d 页", p.TotalText(), p.Number)
		}
	}
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
