package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/pages/public"
)

// NoticeStore is what the public notice pages need of the store.
type NoticeStore interface {
	ListNotices(ctx context.Context, f store.NoticeFilter, p models.Page) ([]store.NoticeRow, int64, error)
	NoticesPage(ctx context.Context, f store.NoticeFilter, at models.Seek) ([]store.NoticeRow, models.PageInfo, error)
	NoticeByID(ctx context.Context, id int64) (*store.NoticeRow, error)
	NoticeSteps(ctx context.Context, n *models.PublicNotice) ([]store.NoticeStep, error)
	NoticeNumbers
}

// Notices serves the public notice list, pages and feed.
type Notices struct {
	store NoticeStore
	now   Clock
	base  string // configured base URL of the feed's links, never the request's Host
}

// NewNotices builds the notice handlers; baseURL (scheme://host, configured) prefixes
// the feed's absolute links.
func NewNotices(s NoticeStore, now Clock, baseURL string) *Notices {
	return &Notices{store: s, now: now, base: baseURL}
}

// List is /notices: running notices first, with search and pagination.
func (h *Notices) List(c echo.Context) error {
	f := store.NoticeFilter{Query: c.QueryParam("q"), Status: c.QueryParam("status")}
	rows, info, err := h.store.NoticesPage(c.Request().Context(), f, seekFrom(c, ""))
	if err != nil {
		return err
	}
	page := public.NoticesPage{Query: f.Query, Status: f.Status, Pager: seekPager(c, "", info)}
	today := models.DateOf(h.now())
	for _, r := range rows {
		page.Rows = append(page.Rows, noticeRow(r, today))
	}
	return Render(c, http.StatusOK, public.Notices(page))
}

func noticeRow(r store.NoticeRow, today models.Date) public.NoticeRow {
	row := public.NoticeRow{ID: r.ID, Institution: r.InstitutionName, USCC: r.USCC, District: r.DistrictName,
		Start: r.StartDate, End: r.EndDate, Status: r.Status}
	switch {
	case r.Status == models.NoticeRevoked:
		row.DaysLeft = "已撤销"
	case r.Status == models.NoticeEnded, today.After(r.EndDate):
		row.DaysLeft = "已期满"
	default:
		dl, _ := models.NewDeadline(nil, models.DeadlineNatural, r.EndDate, today)
		row.DaysLeft, row.Closing = dl.String(), dl.Left <= 3
	}
	return row
}

// Show is /notices/{id}: the notice, its acceptance summary and the complaint form.
func (h *Notices) Show(c echo.Context) error {
	page, err := h.page(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, public.Notice(*page))
}

func (h *Notices) page(c echo.Context) (*public.NoticePage, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	n, err := h.store.NoticeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	steps, err := h.store.NoticeSteps(ctx, &n.PublicNotice)
	if err != nil {
		return nil, err
	}
	today := models.DateOf(h.now())
	page := &public.NoticePage{Notice: noticeRow(*n, today), City: n.CityName, Days: n.Days, RevokedReason: n.RevokedReason,
		MirrorURL: n.MirrorURL, Route: "区级审核 → 市级初验 → 专责小组审定"}
	if models.IsLargeScale(n.Balance) {
		page.Route = "区级审核 → 省市联合验收"
	}
	if n.RevokedAt != nil {
		page.RevokedAt = models.DateOf(*n.RevokedAt)
	}
	for _, s := range steps {
		page.Steps = append(page.Steps, public.NoticeStep{Date: models.DateOf(s.At), Step: models.StepLabel(s.Event, s.From), Body: bodyOf(s.Role), Event: s.Event})
	}
	doc, err := NoticeDocument(ctx, h.store, n, noticePageURL(c, n.ID))
	if err != nil {
		return nil, err
	}
	page.Document, page.PDF = doc, urls.NoticePDF(n.ID)
	page.Open = n.TakesComplaints(today) == nil
	page.Form = public.ComplaintForm{Action: complaintAction(c, n.ID)}
	return page, nil
}

// bodyOf names the body that acted, never the officer.
func bodyOf(role string) string {
	switch models.Role(role) {
	case models.RolePlatform:
		return "网贷机构"
	case models.RoleDistrict:
		return "区金融工作部门"
	case models.RoleCity:
		return "市整改验收工作小组"
	case models.RoleProvince:
		return "省金融办"
	}
	return "系统"
}

// Atom is /notices.atom, the feed of the latest notices.
func (h *Notices) Atom(c echo.Context) error {
	rows, _, err := h.store.ListNotices(c.Request().Context(), store.NoticeFilter{}, models.Page{Number: 1, Size: 50})
	if err != nil {
		return err
	}
	base := h.base // never c.Request().Host: the feed is cached and served to everyone (issue 8 §2.2)
	feed := atomFeed{XMLNS: "http://www.w3.org/2005/Atom", Title: "网贷机构整改验收公示", ID: base + "/notices",
		Link: []atomLink{{Href: base + "/notices.atom", Rel: "self"}, {Href: base + "/notices"}}, Updated: h.now().UTC().Format(time.RFC3339)}
	for i, r := range rows {
		if i == 0 {
			feed.Updated = r.UpdatedAt.UTC().Format(time.RFC3339)
		}
		status := noticeRow(r, models.DateOf(h.now())).StatusLabel()
		summary := fmt.Sprintf("%s（统一社会信用代码 %s，注册地 %s%s）整改验收公示，公示期 %s 至 %s。状态：%s。",
			r.InstitutionName, r.USCC, r.CityName, r.DistrictName, r.StartDate, r.EndDate, status)
		if r.Status == models.NoticeRevoked {
			summary += "撤销原因：" + r.RevokedReason
		}
		href := fmt.Sprintf("%s/notices/%d", base, r.ID)
		feed.Entries = append(feed.Entries, atomEntry{Title: status + "：" + r.InstitutionName, ID: href, Link: atomLink{Href: href},
			Updated: r.UpdatedAt.UTC().Format(time.RFC3339), Published: r.CreatedAt.UTC().Format(time.RFC3339), Summary: summary})
	}
	return writeAtom(c, feed)
}
