package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/components"
	"portal/views/pages/officer"
)

// QueueStore is what the work queues need of the store.
type QueueStore interface {
	Queue(ctx context.Context, u *models.User, f store.QueueFilter, p models.Page) ([]store.QueueRow, int64, error)
	QueuePage(ctx context.Context, u *models.User, f store.QueueFilter, at models.Seek) ([]store.QueueRow, models.PageInfo, error)
	LoadCalendar(ctx context.Context) (*models.Calendar, error)
	Divisions(ctx context.Context) ([]models.Division, error)
	CampaignEndFor(ctx context.Context, u *models.User) (models.Date, error)
	SubmittedStore
	AuditRecorder
	QueueExporter
}

// Queues serves each officer role's work queue.
type Queues struct {
	store QueueStore
	now   Clock
}

// NewQueues builds the queue handlers.
func NewQueues(s QueueStore, now Clock) *Queues { return &Queues{store: s, now: now} }

var queueTexts = map[models.Role][2]string{
	models.RoleDistrict: {"待审队列", "本区网贷机构提交或补正后重新提交的整改验收申请，以及等待机构补正的申请；逾期和期限最近的排在最前。"},
	models.RoleCity:     {"待办队列", "区级审核通过待市级初验、待专责小组审定，以及小额机构提出异议待复核的申请；逾期和期限最近的排在最前。"},
	models.RoleProvince: {"待办队列", "待收余额 " + models.LargeScaleText + "及以上待省市联合验收或异议复核的申请，以及公示期满待省级审定的申请。"},
}

// Show is the queue of the signed-in officer's role, with its filters (state, district,
// overdue), search and pagination by cursor (seekPager). Its queries are a fixed set,
// whatever the size of the jurisdiction: the user and session, the calendar, the
// districts, the campaign end, the capped count and the page, then the same two for the
// applications below.
func (h *Queues) Show(c echo.Context) error {
	u := CurrentUser(c)
	ctx := c.Request().Context()
	today := models.DateOf(h.now())
	f := queueFilter(c, u, today)
	rows, info, err := h.store.QueuePage(ctx, u, f, seekFrom(c, ""))
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	all, err := h.store.Divisions(ctx)
	if err != nil {
		return err
	}
	end, err := h.store.CampaignEndFor(ctx, u)
	if err != nil {
		return err
	}
	texts := queueTexts[u.Role]
	page := officer.QueuePage{Title: texts[0], Intro: texts[1], Query: f.Query, State: string(f.State),
		DistrictID: c.QueryParam("district"), Districts: districtOptions(all, u), Overdue: f.Overdue, Pager: seekPager(c, "", info), Role: u.Role,
		SettingsLink: u.Role == models.RoleCity, Export: exportOf(c, c.Path())}
	if !end.IsZero() {
		page.CampaignEnd = end.String() + "（" + campaignLeft(end, today) + "）"
	}
	page.States = []components.Option{{Value: "", Label: "全部待办状态"}}
	for _, s := range models.QueueStates(u.Role) {
		page.States = append(page.States, components.Option{Value: string(s), Label: s.Label()})
	}
	// below the queue, every application of the jurisdiction, 视为放弃 included (platform side)
	if page.Below, err = SubmittedApplications(c, h.store); err != nil {
		return err
	}
	for _, r := range rows {
		page.Rows = append(page.Rows, officer.QueueRow{ID: r.ID, Institution: r.InstitutionName, USCC: r.USCC,
			District: r.DistrictName, Balance: r.Balance, Large: models.IsLargeScale(r.Balance), State: r.State,
			Since: models.DateTimeCN(r.StateSince), Assignee: r.AssigneeName,
			Deadline: components.ClockDeadline(&r.Clock, cal, h.now())})
	}
	return Render(c, http.StatusOK, officer.Queue(page))
}
