package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"portal/models"
	"portal/urls"
)

// QueueFilter narrows a role's queue.
type QueueFilter struct {
	State      models.State // one of the role's queue states, or "" for all of them
	DistrictID int64
	Overdue    bool   // only applications whose deadline has passed
	Query      string // name or USCC contains
	Today      models.Date
}

// QueueRow is one line of a queue.
type QueueRow struct {
	ID              int64
	InstitutionID   int64
	State           models.State
	Version         int
	Balance         models.Money
	SubmittedAt     *time.Time
	StateSince      time.Time
	DueDate         *models.Date
	DueKind         models.DeadlineKind
	DueLabel        string
	InstitutionName string
	USCC            string `gorm:"column:uscc"`
	DistrictName    string
	AssigneeID      *int64
	AssigneeName    string
	Classification  models.InstitutionClass
	ExitClass       models.ExitClass
	// Clock is the current stage's clock (ID 0 when the stage has none).
	Clock models.Clock `gorm:"embedded;embeddedPrefix:clk_"`
}

// clockColumns selects the current clock beside a queue row (embedded as clk_*).
const clockColumns = `, clocks.id AS clk_id, clocks.application_id AS clk_application_id, clocks.rule AS clk_rule,
	clocks.label AS clk_label, clocks.citation AS clk_citation, clocks.day_type AS clk_day_type, clocks.length AS clk_length,
	clocks.first_day_counts AS clk_first_day_counts, clocks.started_at AS clk_started_at, clocks.pauses AS clk_pauses,
	clocks.paused AS clk_paused, clocks.due_date AS clk_due_date, clocks.due_at AS clk_due_at,
	clocks.pending_year AS clk_pending_year, clocks.ended_at AS clk_ended_at, clocks.outcome AS clk_outcome,
	clocks.end_note AS clk_end_note, clocks.created_at AS clk_created_at, clocks.updated_at AS clk_updated_at`

// clockOverdue is the SQL of models.Clock.Status == ClockOverdue for the joined clock on
// a day; a platform's right (the objection window) lapses rather than falls overdue.
const clockOverdue = `(clocks.ended_at IS NULL AND NOT clocks.paused AND clocks.pending_year = 0
	AND clocks.rule <> 'objection_window' AND clocks.due_date < ?)`

const queueColumns = `applications.id, applications.institution_id, applications.state, applications.version,
	applications.balance, applications.submitted_at, applications.state_since, applications.due_date,
	applications.due_kind, applications.due_label, institutions.name AS institution_name, institutions.uscc,
	divisions.name AS district_name, applications.assignee_id, COALESCE(assignee.display_name, '') AS assignee_name,
	institutions.classification, applications.exit_class`

// queueOrder is the urgency order of every queue: overdue deadlines first, then the
// nearest deadline, then those without a deadline that have waited longest. In a
// queue state the current clock always runs (a pause ends the stage, the objection
// window is no queue state), so applications.due_date, its mirror, is the deadline,
// overdue is due_date < today, and overdue-first is simply the due-date order: one
// key the indexes of migration 00085 hold, read from the index in order with no sort.
// (The order used to be an ORDER BY of a gorm.Expr, which gorm's Order drops without
// a word: the queue came back in no order at all.)
var queueOrder = keyset{keys: []sortKey{
	{"COALESCE(applications.due_date, 'infinity'::date)", "date"},
	{"applications.state_since", "timestamptz"},
	{"applications.id", "bigint"},
}}

func queueKey(r *QueueRow) []string {
	return []string{dateKey(r.DueDate, "infinity"), timeKey(&r.StateSince, ""), idKey(r.ID)}
}

// QueuePage is one page of the user's work queue (models.QueueSlots) in urgency order,
// at s: two statements (a count capped at models.CountCap, and the page), each reading
// one index range of the user's jurisdiction, so a page costs the same whatever the
// size of the province.
func (s *Store) QueuePage(ctx context.Context, u *models.User, f QueueFilter, at models.Seek) ([]QueueRow, models.PageInfo, error) {
	return seekPage(s.db.WithContext(ctx), func() *gorm.DB { return s.queueQuery(ctx, u, f) }, queueRows, queueOrder, at, queueKey)
}

// Queue is a numbered page of the queue with its exact count, for the exports that
// walk the whole queue.
func (s *Store) Queue(ctx context.Context, u *models.User, f QueueFilter, p models.Page) ([]QueueRow, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.queueQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []QueueRow
	err := queueRows(s.queueQuery(ctx, u, f)).Order(queueOrder.order(false)).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

func queueRows(q *gorm.DB) *gorm.DB {
	return q.Select(queueColumns + clockColumns).
		Joins("JOIN institutions ON institutions.id = applications.institution_id").
		Joins("JOIN divisions ON divisions.id = applications.district_id").
		Joins("LEFT JOIN users assignee ON assignee.id = applications.assignee_id").
		Joins("LEFT JOIN clocks ON clocks.id = applications.clock_id")
}

// scopeApplications limits a query on applications to the user's jurisdiction through
// the copy of the jurisdiction on each application (migration 00085), with no join.
func scopeApplications(q *gorm.DB, u *models.User) *gorm.DB {
	switch u.Role {
	case models.RolePlatform:
		return q.Where("applications.institution_id = ?", models.IDOrZero(u.InstitutionID))
	case models.RoleDistrict:
		return q.Where("applications.district_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleCity:
		return q.Where("applications.city_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleProvince:
		return q.Where("applications.province_id = ?", models.IDOrZero(u.DivisionID))
	case models.RoleAdmin:
		return q
	}
	return q.Where("false")
}

// sqlList quotes fixed identifiers (states) for an IN list. They are written into the
// statement rather than bound, so the planner sees that the condition matches a
// partial index's predicate even in a cached generic plan.
func sqlList(states []models.State) string {
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = "'" + strings.ReplaceAll(string(s), "'", "''") + "'"
	}
	return strings.Join(parts, ", ")
}

func (s *Store) queueQuery(ctx context.Context, u *models.User, f QueueFilter) *gorm.DB {
	q := scopeApplications(s.db.WithContext(ctx).Table("applications"), u)
	var states []models.State
	var scale []string
	for _, slot := range models.QueueSlots(u.Role) {
		if f.State != "" && slot.State != f.State {
			continue
		}
		states = append(states, slot.State)
		switch slot.Scale {
		case models.SmallScale:
			scale = append(scale, fmt.Sprintf("(applications.state <> %s OR applications.balance < %d)", sqlList([]models.State{slot.State}), int64(models.LargeScaleThreshold)))
		case models.LargeScale:
			scale = append(scale, fmt.Sprintf("(applications.state <> %s OR applications.balance >= %d)", sqlList([]models.State{slot.State}), int64(models.LargeScaleThreshold)))
		}
	}
	if len(states) == 0 {
		return q.Where("false")
	}
	q = q.Where("applications.state IN (" + sqlList(states) + ")")
	for _, c := range scale {
		q = q.Where(c)
	}
	if f.DistrictID != 0 {
		q = q.Where("applications.district_id = ?", f.DistrictID)
	}
	if f.Overdue {
		q = q.Where("COALESCE(applications.due_date, 'infinity'::date) < ?", f.Today.String())
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("applications.institution_id IN (SELECT id FROM institutions WHERE name ILIKE ? OR uscc::text ILIKE ?)", like, like)
	}
	return q
}

// OnStatement calls fn after every SQL statement the store runs, with its text, except
// the calendar cache's timed version check. Tests use it to count the queries of a page.
func (s *Store) OnStatement(name string, fn func(sql string)) error {
	return s.onStatement(name, func(db *gorm.DB) { fn(db.Statement.SQL.String()) })
}

// OnStatementWithValues is OnStatement with the arguments written into the text, so the
// benchmark can EXPLAIN the statement a page ran.
func (s *Store) OnStatementWithValues(name string, fn func(sql string)) error {
	return s.onStatement(name, func(db *gorm.DB) {
		fn(db.Dialector.Explain(db.Statement.SQL.String(), db.Statement.Vars...))
	})
}

// onStatement registers fn after every statement callback. Not statements of a page: a
// dry run (gorm builds a subquery passed as an argument that way, without sending it)
// and the calendar cache's look at its version (on a timer, not per page).
func (s *Store) onStatement(name string, fn func(db *gorm.DB)) error {
	after := func(db *gorm.DB) {
		if db.DryRun || db.Statement.SQL.String() == calendarVersionSQL {
			return
		}
		fn(db)
	}
	cb := s.db.Callback()
	for _, reg := range []func(string, func(*gorm.DB)) error{
		cb.Query().After("gorm:query").Register,
		cb.Row().After("gorm:row").Register,
		cb.Raw().After("gorm:raw").Register,
		cb.Create().After("gorm:create").Register,
		cb.Update().After("gorm:update").Register,
		cb.Delete().After("gorm:delete").Register,
	} {
		if err := reg(name, after); err != nil {
			return err
		}
	}
	return nil
}

// Claim assigns an application under district review to the acting district officer.
func (s *Store) Claim(ctx context.Context, a Actor, appID int64) error {
	if a.User == nil {
		return models.Errorf(models.EUnauthorized, "请先登录")
	}
	return s.Assign(ctx, a, appID, a.User.ID)
}

// Assign gives an application under district review to an officer of its district. A
// change of officer is a row of the decision history, and both the officer who held the
// case and the one who now holds it are told, so a case is never taken over silently.
func (s *Store) Assign(ctx context.Context, a Actor, appID, officerID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if a.User == nil || a.User.Role != models.RoleDistrict {
			return models.Errorf(models.EForbidden, "区级审核由区金融工作部门分配")
		}
		app, err := lockScoped(tx, a.User, appID)
		if err != nil {
			return err
		}
		if !app.State.DistrictAssignable() {
			return models.Errorf(models.EConflict, "本件当前状态为「%s」，不在区级审核环节，不能分配经办人", app.State.Label())
		}
		var officer models.User
		err = tx.Where("id = ? AND role = 'district' AND NOT disabled AND division_id = ?", officerID, models.IDOrZero(a.User.DivisionID)).Take(&officer).Error
		if err != nil {
			return notFound(err, "经办人")
		}
		if app.AssigneeID != nil && *app.AssigneeID == officer.ID {
			return nil // claiming twice changes nothing
		}
		var previous *models.User
		if app.AssigneeID != nil {
			previous = &models.User{}
			if err := tx.Take(previous, *app.AssigneeID).Error; err != nil {
				return err
			}
		}
		if err := tx.Model(app).Update("assignee_id", officer.ID).Error; err != nil {
			return err
		}
		ev, action := models.EventAssign, "分配经办人"
		if officer.ID == a.User.ID {
			ev, action = models.EventClaim, "认领申请"
		}
		prevName := ""
		if previous != nil {
			prevName = previous.DisplayName
		}
		opinion := models.AssignmentOpinion(a.User.DisplayName, prevName, officer.DisplayName)
		d := models.Decision{ApplicationID: app.ID, At: a.Now, ActorID: a.id(), ActorName: a.name(), Role: string(a.User.Role),
			Event: ev, FromState: app.State, ToState: app.State, Opinion: opinion}
		if err := appendDecision(tx, &d); err != nil {
			return err
		}
		if err := notifyAssignment(tx, a, app, previous, &officer, opinion); err != nil {
			return err
		}
		return audit(tx, a, action, fmt.Sprintf("申请 %d", app.ID), opinion)
	})
}

// notifyAssignment tells the officer who lost the case and the one who got it.
func notifyAssignment(tx *gorm.DB, a Actor, app *models.Application, previous, next *models.User, opinion string) error {
	var inst models.Institution
	if err := tx.First(&inst, app.InstitutionID).Error; err != nil {
		return err
	}
	link := urls.Application(app.ID)
	rows := []Notification{{UserID: next.ID, ApplicationID: &app.ID, At: a.Now, Kind: models.NotifyAssigned,
		Title: fmt.Sprintf("您已成为 %s 整改验收申请的区级经办人", inst.Name), Body: opinion, Link: link}}
	if previous != nil && previous.ID != next.ID {
		rows = append(rows, Notification{UserID: previous.ID, ApplicationID: &app.ID, At: a.Now, Kind: models.NotifyReassigned,
			Title: fmt.Sprintf("%s 的整改验收申请已改由 %s 经办，您不再是经办人", inst.Name, next.DisplayName), Body: opinion, Link: link})
	}
	return tx.Create(&rows).Error
}

// DistrictOfficers lists the enabled officers of a district, for the assign select.
func (s *Store) DistrictOfficers(ctx context.Context, districtID int64) ([]models.User, error) {
	var us []models.User
	err := s.db.WithContext(ctx).Where("role = 'district' AND NOT disabled AND division_id = ?", districtID).Order("display_name").Find(&us).Error
	return us, err
}

// ApplicationRow is one application of the user's jurisdiction with what its page's
// header shows; anything else is ENotFound.
func (s *Store) ApplicationRow(ctx context.Context, u *models.User, id int64) (*QueueRow, error) {
	var rows []QueueRow
	err := scopeInstitutions(s.db.WithContext(ctx).Table("applications").
		Joins("JOIN institutions ON institutions.id = applications.institution_id"), u).
		Joins("JOIN divisions ON divisions.id = institutions.district_id").
		Joins("LEFT JOIN users assignee ON assignee.id = applications.assignee_id").
		Joins("LEFT JOIN clocks ON clocks.id = applications.clock_id").
		Where("applications.id = ?", id).Select(queueColumns + clockColumns).Limit(1).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, models.Errorf(models.ENotFound, "申请不存在或不在您的管辖范围内")
	}
	return &rows[0], nil
}

// TimelineEntry is a decision with its actor's display name.
type TimelineEntry struct {
	models.Decision
	ActorDisplay string
}

// Timeline is the application's decision history, oldest first, with who made each.
func (s *Store) Timeline(ctx context.Context, appID int64) ([]TimelineEntry, error) {
	var rows []TimelineEntry
	err := s.db.WithContext(ctx).Table("decisions").
		Select("decisions.*, COALESCE(users.display_name, decisions.actor_name) AS actor_display").
		Joins("LEFT JOIN users ON users.id = decisions.actor_id").
		Where("decisions.application_id = ?", appID).Order("decisions.id").Scan(&rows).Error
	return rows, err
}
