package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/components"
)

// The long lists (queues, 已提交的申请, institutions, notices, register) page by
// cursor past their first numbered pages (issue 15): ?page=N near the start, then
// ?after= / ?before= (a row's sort key, models.EncodeCursor) and ?last=1, so a deep
// page costs what the first one does. prefix names a second list on the same page
// ("a" for the applications below a queue: ?apage=, ?aafter= …).

func seekFrom(c echo.Context, prefix string) models.Seek {
	return models.ParseSeek(c.QueryParam(prefix+"page"), c.QueryParam(prefix+"after"), c.QueryParam(prefix+"before"), c.QueryParam(prefix+"last"))
}

// seekPager builds the pager of a list read at seekFrom(c, prefix): the request's
// other parameters are kept on every link, the list's own position parameters replaced.
func seekPager(c echo.Context, prefix string, info models.PageInfo) components.Pager {
	q := url.Values{}
	for k, v := range c.QueryParams() {
		switch k {
		case prefix + "page", prefix + "after", prefix + "before", prefix + "last":
		default:
			q[k] = append([]string(nil), v...)
		}
	}
	link := func(k, v string) string {
		q2 := url.Values{}
		for k0, v0 := range q {
			q2[k0] = v0
		}
		q2.Set(k, v)
		return "?" + q2.Encode()
	}
	p := components.Pager{Seek: true, Param: prefix + "page", Number: info.Number, Pages: info.Pages(models.DefaultPageSize),
		Total: info.Total, Capped: info.Capped, Query: q, IsLast: info.Last, LastHref: link(prefix+"last", "1")}
	if p.OutOfRange() {
		return p
	}
	if info.HasPrev {
		if info.Number > 1 {
			p.PrevHref = p.Href(info.Number - 1)
		} else if info.FirstKey != "" {
			p.PrevHref = link(prefix+"before", info.FirstKey)
		}
	}
	if info.HasNext && info.LastKey != "" {
		if info.Number > 0 && info.Number < models.MaxNumberedPages {
			p.NextHref = p.Href(info.Number + 1)
		} else {
			p.NextHref = link(prefix+"after", info.LastKey)
		}
	}
	return p
}
