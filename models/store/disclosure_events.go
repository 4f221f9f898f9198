package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
	"portal/urls"
)

// EventInput is one event report as the platform files it.
type EventInput struct {
	InstitutionID int64
	Kind          models.DisclosureEventKind
	Category      models.MajorEventCategory
	MajorMatter   bool
	Title         string
	OccurredAt    time.Time
	Cause         string
	CurrentState  string
	Impact        string
	Measures      string
}

// maxEventText bounds each text of an event report.
const maxEventText = 4000

// CheckEvent lists what an event report lacks, by form field: a major event by drules'
// CheckMajorEventReport (seeds/003 §10: cause, state, impact, measures), a change needs
// its title and day.
func CheckEvent(in EventInput, now time.Time) []models.FieldError {
	var out []models.FieldError
	add := func(field, msg string) {
		out = append(out, models.FieldError{Field: field, Err: models.Errorf(models.EInvalid, "%s", msg)})
	}
	switch in.Kind {
	case models.EventKindMajor:
		out = append(out, models.CheckMajorEventReport(models.MajorEventReport{Category: in.Category, OccurredAt: in.OccurredAt,
			Cause: in.Cause, State: in.CurrentState, Impact: in.Impact, Measures: in.Measures})...)
	case models.EventKindChange:
		if in.OccurredAt.IsZero() {
			add("occurred_at", "请填写信息发生变更的日期")
		}
	default:
		add("kind", "请选择报告类型")
	}
	if strings.TrimSpace(in.Title) == "" {
		add("title", "请填写事项标题")
	}
	if !in.OccurredAt.IsZero() && in.OccurredAt.After(now) {
		add("occurred_at", "发生时间不能晚于现在")
	}
	for k, v := range map[string]string{"title": in.Title, "cause": in.Cause, "state": in.CurrentState, "impact": in.Impact, "measures": in.Measures} {
		if utf8.RuneCountInString(v) > maxEventText {
			add(k, fmt.Sprintf("内容不能超过 %d 个字", maxEventText))
		}
	}
	return out
}

// FileEvent records an event report with its due time: a major event 48 hours after it
// occurred (drules' EventReportDue), a change by ChangeReportDue under the institution's
// rule set. The district's officers are notified of a major event.
func (s *Store) FileEvent(ctx context.Context, a Actor, in EventInput) (*models.EventReport, error) {
	if errs := CheckEvent(in, a.Now); len(errs) > 0 {
		return nil, &FigureErrors{Errors: errs}
	}
	cal, err := s.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	var ev models.EventReport
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var inst models.Institution
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inst, in.InstitutionID).Error; err != nil {
			return notFound(err, "机构")
		}
		ev = models.EventReport{InstitutionID: inst.ID, Kind: in.Kind, Title: strings.TrimSpace(in.Title),
			OccurredAt: in.OccurredAt, Cause: in.Cause, CurrentState: in.CurrentState, Impact: in.Impact, Measures: in.Measures,
			FiledAt: a.Now}
		if a.User != nil {
			ev.FiledBy = &a.User.ID
		}
		if in.Kind == models.EventKindMajor {
			ev.Category, ev.DueAt = in.Category, models.EventReportDue(in.OccurredAt)
		} else {
			rs, err := institutionRuleSet(tx, inst.ID)
			if err != nil {
				return err
			}
			due, err := models.ChangeReportDue(cal, rs, models.DateOf(in.OccurredAt), in.MajorMatter)
			if err != nil {
				return err
			}
			ev.MajorMatter, ev.DueAt = in.MajorMatter, due.AddDays(1).Start()
		}
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		if err := audit(tx, a, "disclosure.event", fmt.Sprintf("institution:%d", inst.ID), ev.Kind.Label()+" "+ev.Title); err != nil {
			return err
		}
		if ev.Kind != models.EventKindMajor {
			return nil
		}
		// the dashboards count the open major events (dashboard_figures.go)
		if err := refreshDistrictFigures(tx, inst.DistrictID); err != nil {
			return err
		}
		ids, err := recipients(tx, models.NotifyDistrict, &inst)
		if err != nil {
			return err
		}
		for _, uid := range ids {
			n := Notification{UserID: uid, At: a.Now, Kind: "disclosure_event", Title: inst.Name + " 披露重大事项：" + ev.Category.Label(),
				Body: ev.Title, Link: urls.InstitutionDisclosure(inst.ID)}
			if err := tx.Create(&n).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// CloseEvent marks the platform's own open event as dealt with (处置完毕), with a note.
func (s *Store) CloseEvent(ctx context.Context, a Actor, institutionID, eventID int64, note string) error {
	if strings.TrimSpace(note) == "" {
		return models.FieldErrorf("closing_note", models.EInvalid, "请说明处置结果")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var ev models.EventReport
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND institution_id = ?", eventID, institutionID).First(&ev).Error; err != nil {
			return notFound(err, "事项")
		}
		if ev.ClosedAt != nil {
			return models.Errorf(models.EConflict, "该事项已于 %s 办结", models.DateTimeCN(*ev.ClosedAt))
		}
		res := tx.Model(&ev).Updates(map[string]any{"closed_at": a.Now, "closed_by": a.id(), "closing_note": strings.TrimSpace(note)})
		if res.Error != nil {
			return res.Error
		}
		if err := refreshInstitutionDistrict(tx, institutionID); err != nil {
			return err
		}
		return audit(tx, a, "disclosure.event_close", fmt.Sprintf("event:%d", ev.ID), note)
	})
}

// InstitutionEvents lists an institution's event reports, newest first.
func (s *Store) InstitutionEvents(ctx context.Context, institutionID int64, limit int) ([]models.EventReport, error) {
	var out []models.EventReport
	return out, s.db.WithContext(ctx).Where("institution_id = ?", institutionID).Order("filed_at DESC, id DESC").Limit(limit).Find(&out).Error
}

// EventFilter narrows the officers' event list.
type EventFilter struct {
	OpenOnly   bool
	Kind       models.DisclosureEventKind
	DistrictID int64
	Query      string
}

// EventRow is one event in the officers' list.
type EventRow struct {
	models.EventReport `gorm:"embedded"`
	InstitutionName    string
	DistrictName       string
}

// eventOrder is the officers' event list's: open ones first, the nearest due first.
const eventOrder = "disclosure_events.closed_at IS NULL DESC, disclosure_events.due_at, disclosure_events.id"

// EachEvent calls fn for every event the list's filter selects, in its order, streamed.
func (s *Store) EachEvent(ctx context.Context, u *models.User, f EventFilter, fn func(EventRow) error) error {
	return streamRows(s.eventQuery(ctx, u, f).Select("disclosure_events.*, institutions.name AS institution_name, d.name AS district_name").
		Order(eventOrder), fn)
}

// Events is one page of the event reports of the user's jurisdiction, open ones first.
func (s *Store) Events(ctx context.Context, u *models.User, f EventFilter, p models.Page) ([]EventRow, int64, error) {
	p = p.Normalize()
	var total int64
	if err := s.eventQuery(ctx, u, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []EventRow
	err := s.eventQuery(ctx, u, f).Select("disclosure_events.*, institutions.name AS institution_name, d.name AS district_name").
		Order(eventOrder).Limit(p.Size).Offset(p.Offset()).Scan(&rows).Error
	return rows, total, err
}

func (s *Store) eventQuery(ctx context.Context, u *models.User, f EventFilter) *gorm.DB {
	q := func() *gorm.DB {
		q := scopeInstitutions(s.db.WithContext(ctx).Table("disclosure_events").
			Joins("JOIN institutions ON institutions.id = disclosure_events.institution_id").
			Joins("JOIN divisions d ON d.id = institutions.district_id"), u)
		if f.OpenOnly {
			q = q.Where("disclosure_events.closed_at IS NULL")
		}
		if f.Kind != "" {
			q = q.Where("disclosure_events.kind = ?", f.Kind)
		}
		if f.DistrictID != 0 {
			q = q.Where("institutions.district_id = ?", f.DistrictID)
		}
		if t := strings.TrimSpace(f.Query); t != "" {
			like := "%" + escapeLike(t) + "%"
			q = q.Where("(institutions.name ILIKE ? OR institutions.uscc ILIKE ? OR disclosure_events.title ILIKE ?)", like, like, like)
		}
		return q
	}
	return q()
}
