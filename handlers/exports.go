package handlers

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
)

// The officer lists' XLSX exports. Each reads the same query parameters as its page,
// through the same filter function, and takes its rows from a store iterator (EachX)
// over the list's own filter, one row at a time into excelize's stream writer, so the
// workbook holds exactly the rows the filtered list shows and memory does not grow with
// them. Every export is recorded in the audit trail with its filters and row count.

// AuditRecorder writes one audit row for an action that changes nothing else.
type AuditRecorder interface {
	RecordAudit(ctx context.Context, a store.Actor, action, target, detail string) error
}

// QueueExporter reads a whole work queue for its export, one row at a time.
type QueueExporter interface {
	EachQueue(ctx context.Context, u *models.User, f store.QueueFilter, fn func(store.QueueRow) error) error
}

// InstitutionExporter reads the whole institution list for its export, one row at a time.
type InstitutionExporter interface {
	EachInstitution(ctx context.Context, u *models.User, f store.InstitutionFilter, fn func(store.InstitutionRow) error) error
}

// recordExport notes who exported which list with which filters.
func recordExport(c echo.Context, rec AuditRecorder, now Clock, list string, rows int) error {
	q := c.QueryParams()
	q.Del("page")
	detail := fmt.Sprintf("%d 条", rows)
	if enc := q.Encode(); enc != "" {
		if dec, err := url.QueryUnescape(enc); err == nil {
			enc = dec
		}
		detail += "；筛选：" + enc
	}
	return rec.RecordAudit(c.Request().Context(), actor(c, now), "导出 Excel", list, detail)
}

// exportList is the common end of an export: record it, then send the workbook.
func exportList(c echo.Context, rec AuditRecorder, now Clock, x *XLSX, name string) error {
	if err := recordExport(c, rec, now, name, x.Rows()); err != nil {
		x.Close()
		return err
	}
	return x.Send(c, name, now)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func dateText(d models.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ---- work queues: /district.xlsx, /city.xlsx, /province.xlsx

// queueFilter reads a queue page's filters: search, state (one of the role's), district
// and overdue.
func queueFilter(c echo.Context, u *models.User, today models.Date) store.QueueFilter {
	f := store.QueueFilter{Query: c.QueryParam("q"), Overdue: c.QueryParam("overdue") == "1", Today: today}
	if s := models.State(c.QueryParam("state")); slices.Contains(models.QueueStates(u.Role), s) {
		f.State = s
	}
	f.DistrictID, _ = strconv.ParseInt(c.QueryParam("district"), 10, 64)
	return f
}

var queueColumns = []XLSXColumn{{"机构名称", 44}, {"统一社会信用代码", 22}, {"所属区", 10}, {"状态", 14}, {"待收余额 " + models.LargeScaleText + "及以上", 12},
	{"期限", 40}, {"是否逾期", 8}, {"进入本环节", 18}, {"经办人", 16}, {"上年末待收余额（元）", 20}}

// XLSX exports the signed-in officer's queue with the page's filters.
func (h *Queues) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	today := models.DateOf(h.now())
	f := queueFilter(c, u, today)
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	x, err := NewXLSX("待办队列", queueColumns)
	if err != nil {
		return err
	}
	err = h.store.EachQueue(ctx, u, f, func(r store.QueueRow) error {
		deadline, overdue := "", false
		if d := components.ClockDeadline(&r.Clock, cal, h.now()); d != nil {
			deadline, overdue = d.String(), d.Overdue
		}
		return x.Row(r.InstitutionName, r.USCC, r.DistrictName, r.State.Label(), yesNo(models.IsLargeScale(r.Balance)),
			deadline, yesNo(overdue), models.DateTimeCN(r.StateSince), r.AssigneeName, r.Balance.String())
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, queueTexts[u.Role][0])
}

// ---- institutions: /institutions.xlsx

func institutionFilter(c echo.Context) store.InstitutionFilter {
	f := store.InstitutionFilter{Query: c.QueryParam("q")}
	f.DistrictID, _ = strconv.ParseInt(c.QueryParam("district"), 10, 64)
	return f
}

var institutionColumns = []XLSXColumn{{"机构名称", 44}, {"统一社会信用代码", 22}, {"注册地", 10}, {"上年末待收余额（元）", 20}, {"验收路径", 30}}

func acceptancePath(balance models.Money) string {
	if models.IsLargeScale(balance) {
		return "省市联合验收（待收余额 " + models.LargeScaleText + "及以上）"
	}
	return "区级审核 → 市级初验"
}

// XLSX exports the institutions of the jurisdiction with the page's filters.
func (h *Institutions) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := institutionFilter(c)
	x, err := NewXLSX("辖区机构", institutionColumns)
	if err != nil {
		return err
	}
	err = h.store.EachInstitution(ctx, u, f, func(r store.InstitutionRow) error {
		return x.Row(r.Name, r.USCC, r.DistrictName, r.OutstandingBalance.String(), acceptancePath(r.OutstandingBalance))
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "辖区机构")
}

// ---- complaints: /city/complaints.xlsx, /province/complaints.xlsx

func complaintFilter(c echo.Context) store.ComplaintFilter {
	return store.ComplaintFilter{Query: c.QueryParam("q"), Status: c.QueryParam("status")}
}

var complaintColumns = []XLSXColumn{{"受理编号", 20}, {"被举报机构", 44}, {"举报人类型", 12}, {"举报人（已脱敏）", 16},
	{"联系方式（已脱敏）", 20}, {"收到日期", 12}, {"公示截止", 12}, {"状态", 10}, {"公示期满仍未核查", 10}}

// XLSX exports the complaints with the page's filters. The complainant's name and
// contact are always masked in the file, for every role: a workbook leaves the portal,
// and the city reads the full details on the complaint's own page.
func (h *ComplaintReview) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	f := complaintFilter(c)
	today := models.DateOf(h.now())
	x, err := NewXLSX("公示期间举报", complaintColumns)
	if err != nil {
		return err
	}
	err = h.store.EachComplaint(ctx, u, f, func(r store.ComplaintRow) error {
		v := complaintRow(r, u, today)
		return x.Row(v.Ref, v.Institution, v.Type, models.MaskName(r.ComplainantName), models.MaskContact(r.Contact),
			v.Filed.String(), v.NoticeEnd.String(), v.StatusLabel(), yesNo(v.Overdue))
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "公示期间举报")
}

// ---- certificates: /certificates.xlsx

var certificateColumns = []XLSXColumn{{"证明编号", 18}, {"机构名称", 44}, {"统一社会信用代码", 22}, {"注册地", 10}, {"签发日期", 12},
	{"证明状态", 10}, {"撤销日期", 12}, {"撤销原因", 40}, {"申请状态", 14}}

// XLSX exports the certificates the user may see, with the page's search.
func (h *Certificates) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	q := c.QueryParam("q")
	x, err := NewXLSX("整改验收合格证明", certificateColumns)
	if err != nil {
		return err
	}
	err = h.store.EachCertificate(ctx, u, q, func(r store.CertificateRow) error {
		status, revokedOn := "有效", ""
		if r.Revoked() {
			status = "已撤销"
			if r.RevokedAt != nil {
				revokedOn = models.DateOf(*r.RevokedAt).String()
			}
		}
		return x.Row(r.Serial, r.Name, r.USCC, r.DistrictName, dateText(r.IssueDate), status, revokedOn, r.RevokedReason,
			r.State.Label())
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "整改验收合格证明")
}

// ---- sign-off queue: /province/signoff.xlsx

var signoffColumns = []XLSXColumn{{"机构名称", 44}, {"统一社会信用代码", 22}, {"注册地", 10}, {"验收路径", 30}, {"公示开始", 12},
	{"公示截止", 12}, {"待审定自", 12}}

// SignoffXLSX exports the applications waiting for the province's sign-off.
func (h *Certificates) SignoffXLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	x, err := NewXLSX("待省级审定", signoffColumns)
	if err != nil {
		return err
	}
	err = h.store.EachSignoff(ctx, u, func(r store.SignoffRow) error {
		return x.Row(r.InstitutionName, r.USCC, r.DistrictName, acceptancePath(r.Balance), dateText(r.NoticeStart),
			dateText(r.NoticeEnd), dateText(r.StateSince))
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "待省级审定")
}

// ---- filing: /province/filing.xlsx

var filingColumns = []XLSXColumn{{"机构名称", 44}, {"统一社会信用代码", 22}, {"注册地", 10}, {"合格证明编号", 18}, {"签发日期", 12},
	{"办理状态", 14}, {"经营范围变更期限", 36}, {"经营范围变更日期", 14}, {"逾期办理变更", 10}, {"备案编号", 24}, {"备案日期", 12}}

// XLSX exports the filing list with the page's state filter.
func (h *Filing) XLSX(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	state := models.State(c.QueryParam("state"))
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	x, err := NewXLSX("备案登记", filingColumns)
	if err != nil {
		return err
	}
	err = h.store.EachFiling(ctx, u, state, func(r store.AfterCertificate) error {
		deadline := ""
		if r.State == models.StateCertified && r.ScopeDeadline.IsZero() && r.ScopePending != 0 {
			deadline = models.PendingCalendarText(r.ScopePending)
		}
		if r.State == models.StateCertified && !r.ScopeDeadline.IsZero() {
			deadline = r.ScopeDeadline.String()
			if dl, err := models.NewDeadline(cal, models.DeadlineWorking, r.ScopeDeadline, today); err == nil {
				deadline += "（" + dl.String() + "）"
			}
		}
		return x.Row(r.InstitutionName, r.USCC, r.DistrictName, r.Serial, dateText(r.IssueDate), r.State.Label(), deadline,
			dateText(r.ChangeDate), yesNo(r.Late), r.FilingNumber, dateText(r.FilingDate))
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "备案登记")
}

// exportOf is the export link of the list at path with the request's filters.
func exportOf(c echo.Context, path string) string {
	return exportHref(strings.TrimSuffix(path, "/")+".xlsx", c.QueryParams())
}
