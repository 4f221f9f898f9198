package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// onEnter runs what entering a state brings with it, inside the decision's transaction.
func onEnter(tx *gorm.DB, a Actor, app *models.Application, to models.State) error {
	switch to {
	case models.StatePublicNotice:
		return startNotice(tx, a, app)
	case models.StateSignoff:
		return tx.Model(&models.PublicNotice{}).Where("application_id = ? AND status = ?", app.ID, models.NoticeActive).
			Updates(map[string]any{"status": models.NoticeEnded, "updated_at": a.Now}).Error
	}
	return nil
}

// startNotice opens the public notice from today for the city's notice length.
func startNotice(tx *gorm.DB, a Actor, app *models.Application) error {
	// the notice clock was started with the transition (advanceClocks): its due date is
	// the notice's last day
	start := models.DateOf(a.Now)
	var c models.Clock
	if app.ClockID == nil {
		return models.Errorf(models.EInternal, "公示期限未建立")
	}
	if err := tx.Take(&c, *app.ClockID).Error; err != nil {
		return err
	}
	if c.Rule != models.RuleNotice || c.DueDate == nil {
		return models.Errorf(models.EInternal, "公示期限未建立")
	}
	end := *c.DueDate
	n := models.PublicNotice{ApplicationID: app.ID, InstitutionID: app.InstitutionID, StartDate: start, EndDate: end,
		Days: c.Length, Status: models.NoticeActive, CreatedAt: a.Now, UpdatedAt: a.Now}
	return tx.Create(&n).Error
}

// noticeDays is the institution's city's notice length, 14 by default.
func noticeDays(tx *gorm.DB, institutionID int64) (int, error) {
	var days int
	err := tx.Raw(`SELECT COALESCE((SELECT cs.notice_days FROM city_settings cs
		JOIN divisions d ON d.parent_id = cs.city_id
		JOIN institutions i ON i.district_id = d.id WHERE i.id = ?), ?)`, institutionID, models.MinNoticeDays).Row().Scan(&days)
	return days, err
}

// activeNotice is the application's running notice, or nil.
func activeNotice(tx *gorm.DB, appID int64) (*models.PublicNotice, error) {
	var n models.PublicNotice
	err := tx.Where("application_id = ? AND status = ?", appID, models.NoticeActive).Order("id DESC").First(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &n, err
}

// noticeFacts fills what the notice guards need: the running notice's end and whether a
// complaint against it is pending or upheld. Complaints against an earlier, revoked
// notice do not count: re-acceptance started over.
func noticeFacts(tx *gorm.DB, app *models.Application, f *models.Facts) error {
	n, err := activeNotice(tx, app.ID)
	if err != nil || n == nil {
		return err
	}
	f.NoticeEnd = n.EndDate
	var counts struct{ Pending, Upheld int }
	err = tx.Raw(`SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'upheld') AS upheld
		FROM complaints WHERE notice_id = ?`, n.ID).Scan(&counts).Error
	f.ComplaintPending, f.ComplaintUpheld = counts.Pending > 0, counts.Upheld > 0
	return err
}

// noticeEndOpinion is the history text of a notice that ends with no complaint in the way.
const noticeEndOpinion = "公示期满，未收到经核查属实或尚在核查的举报"

// EndDueNotices moves every application whose notice ended before today, with no
// complaint pending or upheld, to province sign-off. Run twice, it changes nothing the
// second time; an application held by a pending complaint waits for the next run.
func (s *Store) EndDueNotices(ctx context.Context, now time.Time) (int, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&models.PublicNotice{}).
		Joins("JOIN applications a ON a.id = notices.application_id AND a.state = ?", models.StatePublicNotice).
		Where("notices.status = ? AND notices.end_date < ?", models.NoticeActive, models.DateOf(now)).
		Order("notices.id").Pluck("notices.application_id", &ids).Error
	if err != nil {
		return 0, err
	}
	ended := 0
	for _, id := range ids {
		_, err := s.decide(ctx, Actor{Now: now}, id, models.EventNoticeEnd, DecisionInput{Opinion: noticeEndOpinion},
			decideHooks{before: noticeFacts})
		switch models.ErrorCode(err) {
		case "":
			ended++
		case models.EInvalid, models.EConflict: // a complaint holds it, or someone acted first
		default:
			return ended, err
		}
	}
	return ended, nil
}

// NoticeRow is a notice with what the public lists show of its institution.
type NoticeRow struct {
	models.PublicNotice
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	CityName        string
	Balance         models.Money
}

// NoticeFilter narrows the public notice list.
type NoticeFilter struct {
	Query  string // institution name or USCC contains
	Status string // "", "current" (active) or "past" (ended or revoked)
}

func noticeRows(db *gorm.DB) *gorm.DB {
	return db.Table("notices").
		Select(`notices.*, i.name AS institution_name, i.uscc, d.name AS district_name, c.name AS city_name, a.balance`).
		Joins("JOIN institutions i ON i.id = notices.institution_id").
		Joins("JOIN divisions d ON d.id = i.district_id").
		Joins("JOIN divisions c ON c.id = d.parent_id").
		Joins("JOIN applications a ON a.id = notices.application_id")
}

// noticeOrder is running notices first, then the newest; the index notices_listing of
// migration 00085 holds the key.
var noticeOrder = keyset{desc: true, keys: []sortKey{
	{"(notices.status = 'active')", "boolean"}, {"notices.start_date", "date"}, {"notices.id", "bigint"}}}

func noticeKey(r *NoticeRow) []string {
	return []string{strconv.FormatBool(r.Status == models.NoticeActive), r.StartDate.String(), idKey(r.ID)}
}

func noticeQuery(db *gorm.DB, f NoticeFilter) *gorm.DB {
	q := db.Table("notices")
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("notices.institution_id IN (SELECT id FROM institutions WHERE name ILIKE ? OR uscc::text ILIKE ?)", like, like)
	}
	switch f.Status {
	case "current":
		q = q.Where("(notices.status = 'active')")
	case "past":
		q = q.Where("NOT (notices.status = 'active')")
	}
	return q
}

func noticeRowsOf(q *gorm.DB) *gorm.DB {
	return q.Select(`notices.*, i.name AS institution_name, i.uscc, d.name AS district_name, c.name AS city_name, a.balance`).
		Joins("JOIN institutions i ON i.id = notices.institution_id").
		Joins("JOIN divisions d ON d.id = i.district_id").
		Joins("JOIN divisions c ON c.id = d.parent_id").
		Joins("JOIN applications a ON a.id = notices.application_id")
}

// NoticesPage is one page of notices at s, running ones first, newest first: a capped
// count and the page, read from notices_listing in order. Public.
func (s *Store) NoticesPage(ctx context.Context, f NoticeFilter, at models.Seek) ([]NoticeRow, models.PageInfo, error) {
	db := s.db.WithContext(ctx)
	return seekPage(db, func() *gorm.DB { return noticeQuery(db, f) }, noticeRowsOf, noticeOrder, at, noticeKey)
}

// ListNotices returns a numbered page of notices with the exact count (the feed, the
// backups' checks). Public.
func (s *Store) ListNotices(ctx context.Context, f NoticeFilter, p models.Page) ([]NoticeRow, int64, error) {
	p = p.Normalize()
	db := s.db.WithContext(ctx)
	var total int64
	if err := noticeQuery(db, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []NoticeRow
	err := noticeRowsOf(noticeQuery(db, f)).Order(noticeOrder.order(false)).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

// NoticeByID loads one notice. Public: every notice, running or past, may be read.
func (s *Store) NoticeByID(ctx context.Context, id int64) (*NoticeRow, error) {
	return scanOne[NoticeRow](noticeRows(s.db.WithContext(ctx)).Where("notices.id = ?", id), models.Errorf(models.ENotFound, "公示不存在"))
}

// NoticeStep is one step of the acceptance as the public summary shows it: no names.
type NoticeStep struct {
	At    time.Time
	Event models.Event
	Role  string
	From  models.State
	To    models.State
}

// NoticeSteps lists the decisions that led to the notice, oldest first.
func (s *Store) NoticeSteps(ctx context.Context, n *models.PublicNotice) ([]NoticeStep, error) {
	var steps []NoticeStep
	err := s.db.WithContext(ctx).Model(&models.Decision{}).Select("at, event, role, from_state AS \"from\", to_state AS \"to\"").
		Where("application_id = ? AND at <= ? AND event NOT IN ?", n.ApplicationID, n.CreatedAt, models.RecordEvents).Order("id").Scan(&steps).Error
	return steps, err
}

// PlatformNotices lists the platform's own notices, newest first.
func (s *Store) PlatformNotices(ctx context.Context, u *models.User) ([]NoticeRow, error) {
	var rows []NoticeRow
	err := noticeRows(s.db.WithContext(ctx)).Where("notices.institution_id = ?", models.IDOrZero(u.InstitutionID)).
		Order("notices.id DESC").Scan(&rows).Error
	return rows, err
}

// SetMirrorURL records where the platform mirrored its running notice (plan 1 四(二)5(1):
// "要求网贷机构在其官方网站/APP/微信公众号等渠道同步公示").
func (s *Store) SetMirrorURL(ctx context.Context, a Actor, noticeID int64, url string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var n models.PublicNotice
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ? AND institution_id = ?", noticeID, models.IDOrZero(a.User.InstitutionID)).First(&n).Error
		if err != nil {
			return notFound(err, "公示")
		}
		if n.Status != models.NoticeActive {
			return models.Errorf(models.EConflict, "该公示已结束或已撤销，无需再登记同步公示地址")
		}
		if err := tx.Model(&n).Updates(map[string]any{"mirror_url": url, "updated_at": a.Now}).Error; err != nil {
			return err
		}
		return audit(tx, a, "登记同步公示地址", fmt.Sprintf("公示 %d", n.ID), url)
	})
}

// PublicVersion moves whenever anything the public pages show changes (migration
// 00030's triggers); caches of public pages key on it.
func (s *Store) PublicVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw("SELECT v FROM public_version WHERE id = 1").Row().Scan(&v)
	return v, err
}
