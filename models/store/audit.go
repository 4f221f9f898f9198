package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"portal/models"
)

// Actor is who performs a mutation, for the audit record.
type Actor struct {
	User *models.User // nil for the system or an anonymous visitor
	IP   string
	Now  time.Time
	// Name names an actor who is not signed in: the username typed into a sign-in
	// attempt. Left empty, a visitor with an IP is 社会公众 and one without is 系统.
	Name string
}

func (a Actor) name() string {
	switch {
	case a.User != nil:
		return a.User.Username
	case a.Name != "":
		return a.Name
	case a.IP != "":
		return "社会公众"
	}
	return "系统"
}

func (a Actor) id() *int64 {
	if a.User == nil {
		return nil
	}
	id := a.User.ID
	return &id
}

func (a Actor) role() models.Role {
	if a.User == nil {
		return ""
	}
	return a.User.Role
}

// audit writes one audit row inside the caller's transaction, so the record commits or
// rolls back with the action it records. A target of the form "申请 <id>" ties the row to
// that case, so the trail can be searched by the institution.
func audit(tx *gorm.DB, a Actor, action, target, detail string) error {
	e := models.AuditEntry{At: a.Now, ActorID: a.id(), ActorName: clip(a.name(), 200), ActorRole: a.role(),
		Action: action, Target: clip(target, 500), Detail: clip(detail, 1000), IP: clip(a.IP, 100)}
	if rest, ok := strings.CutPrefix(target, "申请 "); ok {
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil {
			e.ApplicationID = &id
		}
	}
	return tx.Create(&e).Error
}

// auditDecision records a workflow decision in the trail, in the decision's transaction.
// The decision chain stays the legal record; this row makes it findable next to the
// sign-ins, uploads and admin actions around it.
func auditDecision(tx *gorm.DB, a Actor, d *models.Decision) error {
	detail := d.FromState.Label() + " → " + d.ToState.Label()
	if op := strings.TrimSpace(d.Opinion); op != "" {
		r := []rune(op)
		if len(r) > 200 {
			op = string(r[:200]) + "…"
		}
		detail += "；意见：" + op
	}
	appID, decID := d.ApplicationID, d.ID
	return tx.Create(&models.AuditEntry{At: a.Now, ActorID: a.id(), ActorName: a.name(), ActorRole: a.role(),
		Action: d.Event.Label(), Target: fmt.Sprintf("申请 %d", d.ApplicationID), Detail: detail, IP: a.IP,
		ApplicationID: &appID, DecisionID: &decID}).Error
}

// AuditFilter narrows the audit list. Every field is optional.
type AuditFilter struct {
	Query  string      // actor, action, object or detail contains
	Actor  string      // username or display name contains
	Object string      // target, institution name or credit code contains
	Action string      // exactly this action
	From   models.Date // on or after this day (Beijing time)
	To     models.Date // on or before this day (Beijing time)
}

// AuditRow is one line of the trail with the names it refers to.
type AuditRow struct {
	models.AuditEntry
	ActorDisplay    string // the user's display name, "" when not a user
	InstitutionName string // the case's institution, "" when not about a case
}

const auditColumns = `audit_log.*, COALESCE(u.display_name, '') AS actor_display, COALESCE(i.name, '') AS institution_name`

// auditWhere applies the filter to audit_log alone: names of users and institutions are
// looked up in their small tables first, so counting a filtered trail joins nothing. An
// actor who is a user is found by the name index; a text without cased letters (Chinese,
// digits) is matched with LIKE, which does not lower-case every row.
func (s *Store) auditWhere(ctx context.Context, f AuditFilter) *gorm.DB {
	q := s.db.WithContext(ctx).Table("audit_log")
	if t := strings.TrimSpace(f.Query); t != "" {
		like, op := "%"+escapeLike(t)+"%", likeOp(t)
		q = q.Where(`(audit_log.actor_name `+op+` ? OR audit_log.action `+op+` ? OR audit_log.target `+op+` ? OR audit_log.detail `+op+` ?
			OR audit_log.actor_id IN (SELECT id FROM users WHERE display_name ILIKE ?)
			OR audit_log.application_id IN (SELECT a.id FROM applications a JOIN institutions i ON i.id = a.institution_id WHERE i.name ILIKE ?))`,
			like, like, like, like, like, like)
	}
	if t := strings.TrimSpace(f.Actor); t != "" {
		var names []string
		s.db.WithContext(ctx).Table("users").Where("lower(username) = lower(?)", t).Pluck("username", &names)
		if len(names) > 0 { // a username: that account's rows, and attempts typed with that name
			q = q.Where("audit_log.actor_name = ?", names[0])
		} else {
			like := "%" + escapeLike(t) + "%"
			q = q.Where("(audit_log.actor_name "+likeOp(t)+" ? OR audit_log.actor_id IN (SELECT id FROM users WHERE display_name ILIKE ?))", like, like)
		}
	}
	if t := strings.TrimSpace(f.Object); t != "" {
		like := "%" + escapeLike(t) + "%"
		if id, ok := applicationNumber(t); ok {
			q = q.Where("(audit_log.application_id = ? OR audit_log.target = ?)", id, t)
		} else {
			q = q.Where(`(audit_log.target `+likeOp(t)+` ? OR audit_log.application_id IN
				(SELECT a.id FROM applications a JOIN institutions i ON i.id = a.institution_id WHERE i.name ILIKE ? OR i.uscc ILIKE ?))`, like, like, like)
		}
	}
	if f.Action != "" {
		q = q.Where("audit_log.action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("audit_log.at >= ?", f.From.Start())
	}
	if !f.To.IsZero() {
		q = q.Where("audit_log.at < ?", f.To.AddDays(1).Start())
	}
	return q
}

// likeOp is LIKE for a text with no cased letters, ILIKE otherwise.
func likeOp(t string) string {
	for _, r := range t {
		if unicode.ToLower(r) != unicode.ToUpper(r) {
			return "ILIKE"
		}
	}
	return "LIKE"
}

// applicationNumber reads "申请 12" or "12" as application 12.
func applicationNumber(t string) (int64, bool) {
	t = strings.TrimSpace(strings.TrimPrefix(t, "申请"))
	id, err := strconv.ParseInt(t, 10, 64)
	return id, err == nil && id > 0
}

// auditRows selects the filtered trail with the names its rows refer to.
func (s *Store) auditRows(ctx context.Context, f AuditFilter) *gorm.DB {
	return s.auditWhere(ctx, f).Select(auditColumns).
		Joins("LEFT JOIN users u ON u.id = audit_log.actor_id").
		Joins("LEFT JOIN applications app ON app.id = audit_log.application_id").
		Joins("LEFT JOIN institutions i ON i.id = app.institution_id")
}

// AuditCursor is where a page of the trail starts: the rows older than Before, or the
// rows newer than After (the newest page when both are 0). The trail is newest first by
// id, which only grows, so a cursor is a row id and a page costs one index range
// however deep: no OFFSET, no count of the whole trail.
type AuditCursor struct {
	Before, After int64
}

// AuditPage is one page of the trail with the cursors of the pages beside it (0: none).
type AuditPage struct {
	Rows         []AuditRow
	Older, Newer int64 // Before= and After= of the next older and newer page
}

// AuditPageSize is how many rows a page of the trail shows.
const AuditPageSize = 50

// AuditPageAt returns the page of the trail at the cursor, newest first: one statement.
func (s *Store) AuditPageAt(ctx context.Context, f AuditFilter, at AuditCursor, size int) (*AuditPage, error) {
	if size <= 0 {
		size = AuditPageSize
	}
	q := s.auditRows(ctx, f)
	newer := at.After > 0
	switch {
	case newer:
		q = q.Where("audit_log.id > ?", at.After).Order("audit_log.id")
	case at.Before > 0:
		q = q.Where("audit_log.id < ?", at.Before).Order("audit_log.id DESC")
	default:
		q = q.Order("audit_log.id DESC")
	}
	var rows []AuditRow
	if err := q.Limit(size + 1).Scan(&rows).Error; err != nil {
		return nil, err
	}
	more := len(rows) > size
	if more {
		rows = rows[:size]
	}
	if newer {
		slices.Reverse(rows)
	}
	p := &AuditPage{Rows: rows}
	if len(rows) == 0 {
		return p, nil
	}
	first, last := rows[0].ID, rows[len(rows)-1].ID
	switch {
	case newer: // came from an older page: there is one after this; newer ones if more
		p.Older = last
		if more {
			p.Newer = first
		}
	case at.Before > 0:
		p.Newer = first
		if more {
			p.Older = last
		}
	default:
		if more {
			p.Older = last
		}
	}
	return p, nil
}

// ListAudit is page p of the filtered trail, newest first, with the exact count: the
// older numbered form, kept for callers that read a short trail (tests). It reaches page
// n by n keyset steps, never by OFFSET; the page itself uses AuditPageAt.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter, p models.Page) ([]AuditRow, int64, error) {
	p = p.Normalize()
	total, err := s.CountAudit(ctx, f, 0)
	if err != nil {
		return nil, 0, err
	}
	at := AuditCursor{}
	for n := 1; ; n++ {
		pg, err := s.AuditPageAt(ctx, f, at, p.Size)
		if err != nil || n >= p.Number || pg.Older == 0 {
			if n < p.Number {
				return nil, total, err
			}
			return pg.Rows, total, err
		}
		at = AuditCursor{Before: pg.Older}
	}
}

// CountAudit counts the rows the filter selects, reading at most limit+1 of them
// (limit 0: all), so a page can say "more than 1,000" without scanning the trail.
func (s *Store) CountAudit(ctx context.Context, f AuditFilter, limit int) (int64, error) {
	q := s.auditWhere(ctx, f)
	var n int64
	if limit <= 0 {
		return n, q.Count(&n).Error
	}
	err := s.db.WithContext(ctx).Table("(?) AS capped", q.Select("1").Limit(limit+1)).Count(&n).Error
	return n, err
}

// auditBatch is how many rows EachAudit reads per statement.
const auditBatch = 1000

// EachAudit calls fn for every row the filter selects, newest first, read in keyset
// batches of auditBatch rows (id < the last id read), so an export of the whole trail
// holds one batch at a time and no statement runs for the whole export.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, fn func(AuditRow) error) error {
	before := int64(0)
	for {
		p, err := s.AuditPageAt(ctx, f, AuditCursor{Before: before}, auditBatch)
		if err != nil {
			return err
		}
		for _, r := range p.Rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if p.Older == 0 {
			return nil
		}
		before = p.Older
	}
}

// AuditActions lists the actions the trail holds, for the filter. It skips from one
// action to the next along the action index, so it reads a row per action, not the trail.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Raw(`WITH RECURSIVE a(action) AS (
		(SELECT action FROM audit_log ORDER BY action LIMIT 1)
		UNION ALL
		SELECT (SELECT l.action FROM audit_log l WHERE l.action > a.action ORDER BY l.action LIMIT 1) FROM a WHERE a.action IS NOT NULL
	) SELECT action FROM a WHERE action IS NOT NULL`).Scan(&out).Error
	return out, err
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}

// RecordAudit writes one audit row on its own, for an action that changes nothing else: a
// sign-out, an export of a list.
func (s *Store) RecordAudit(ctx context.Context, a Actor, action, target, detail string) error {
	return audit(s.db.WithContext(ctx), a, action, target, detail)
}

// clip keeps at most n characters of s, so hostile input cannot bloat the trail.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
