package store

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"portal/models"
)

// sortKey is one column of a list's order: its SQL and the type a cursor value is cast
// to. Every key of a list sorts in the same direction, so the keyset condition is one
// row comparison, (k1, k2, k3) > (v1, v2, v3), which PostgreSQL reads from an index
// whose columns are the keys.
type sortKey struct {
	expr string
	typ  string // date, timestamptz, bigint, text, boolean
}

// keyset is a list's order. NULLs never appear in a key: a nullable column is
// COALESCEd to ±infinity in the key and in its index alike.
type keyset struct {
	keys []sortKey
	desc bool
}

func (k keyset) order(reverse bool) string {
	dir := " ASC"
	if k.desc != reverse {
		dir = " DESC"
	}
	parts := make([]string, len(k.keys))
	for i, key := range k.keys {
		parts[i] = key.expr + dir
	}
	return strings.Join(parts, ", ")
}

// beyond is the condition "after the cursor" (or before it, reverse) in list order.
func (k keyset) beyond(vals []string, reverse bool) (string, []any) {
	op := ">"
	if k.desc != reverse {
		op = "<"
	}
	cols, ph := make([]string, len(k.keys)), make([]string, len(k.keys))
	args := make([]any, len(k.keys))
	for i, key := range k.keys {
		cols[i], ph[i], args[i] = key.expr, "CAST(? AS "+key.typ+")", vals[i]
	}
	return "(" + strings.Join(cols, ", ") + ") " + op + " (" + strings.Join(ph, ", ") + ")", args
}

// decode reads a cursor and checks each value against its key's type, so a hostile
// cursor is a 422 and never reaches PostgreSQL as a cast error (a 500).
func (k keyset) decode(cursor string) ([]string, error) {
	vals, err := models.DecodeCursor(cursor, len(k.keys))
	if err != nil {
		return nil, err
	}
	bad := models.Errorf(models.EInvalid, "翻页参数无效，请从列表第一页重新开始")
	for i, key := range k.keys {
		v := vals[i]
		ok := false
		switch key.typ {
		case "date":
			_, perr := models.ParseDate(v)
			ok = perr == nil || v == "infinity" || v == "-infinity"
		case "timestamptz":
			_, perr := time.Parse(time.RFC3339Nano, v)
			ok = perr == nil || v == "infinity" || v == "-infinity"
		case "bigint":
			_, perr := strconv.ParseInt(v, 10, 64)
			ok = perr == nil
		case "boolean":
			ok = v == "true" || v == "false"
		case "text":
			ok = utf8.ValidString(v) && !strings.ContainsRune(v, 0) && len(v) <= 1000
		}
		if !ok {
			return nil, bad
		}
	}
	return vals, nil
}

// Cursor values of a row, in the format decode reads.
func dateKey(d *models.Date, null string) string {
	if d == nil || d.IsZero() {
		return null
	}
	return d.String()
}

func timeKey(t *time.Time, null string) string {
	if t == nil {
		return null
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

// pageLimit is a list query's LIMIT and OFFSET written into the statement's text rather
// than bound as parameters (gorm's Limit binds them). pgx prepares every statement, and
// PostgreSQL keeps one generic plan for a prepared statement only when it costs about
// what the custom plans cost; with the LIMIT a parameter the generic plan has to assume
// a tenth of the table and never wins, so every request planned its list queries anew
// (pg_prepared_statements: 0 generic, every execution custom), and planning the five-way
// join of a queue took longer at 50k institutions than at 1k, the cost of a list that
// still grew with the province. With the numbers in the text the generic plan is the
// custom one, made once per connection. The offset is bounded (models.MaxNumberedPages),
// so the texts are few.
type pageLimit struct{ limit, offset int }

func (pageLimit) Name() string { return "LIMIT" }

func (l pageLimit) Build(b clause.Builder) {
	b.WriteString("LIMIT " + strconv.Itoa(l.limit))
	if l.offset > 0 {
		b.WriteString(" OFFSET " + strconv.Itoa(l.offset))
	}
}

// MergeClause replaces any LIMIT; the clause writes its own keyword, as gorm's Limit does.
func (l pageLimit) MergeClause(c *clause.Clause) { c.Name, c.Expression = "", l }

// cappedCount counts the rows of q up to models.CountCap (and reports whether there are
// more): the count under a list costs at most CountCap index entries, not the table.
func cappedCount(db *gorm.DB, q *gorm.DB) (int64, bool, error) {
	var n int64
	err := db.Raw("SELECT count(*) FROM (?) AS capped", q.Select("1").Clauses(pageLimit{limit: models.CountCap + 1})).Scan(&n).Error
	if n > models.CountCap {
		return models.CountCap, true, err
	}
	return n, false, err
}

// listCount is a list's count for its pager, as cappedCount reports it: one statement.
type listCount func() (int64, bool, error)

// seekPage reads one page of a list at s: count (capped) and rows, two statements
// whatever the page. base builds the filtered query (a fresh one each call); rows adds
// the columns and joins of the page; keyOf is a row's cursor values.
func seekPage[T any](db *gorm.DB, base func() *gorm.DB, rows func(*gorm.DB) *gorm.DB, k keyset, s models.Seek, keyOf func(*T) []string) ([]T, models.PageInfo, error) {
	return seekPageCounted(db, nil, base, rows, k, s, keyOf)
}

// seekPageCounted is seekPage with the list's count taken from count (the kept counts
// of migration 00096) rather than a capped count of base; nil: the capped count.
func seekPageCounted[T any](db *gorm.DB, count listCount, base func() *gorm.DB, rows func(*gorm.DB) *gorm.DB, k keyset, s models.Seek, keyOf func(*T) []string) ([]T, models.PageInfo, error) {
	if count == nil {
		count = func() (int64, bool, error) { return cappedCount(db, base()) }
	}
	if s.Size < 1 || s.Size > 200 {
		s.Size = models.DefaultPageSize
	}
	var info models.PageInfo
	var after, before []string
	var err error
	if s.After != "" {
		if after, err = k.decode(s.After); err != nil {
			return nil, info, err
		}
	} else if s.Before != "" {
		if before, err = k.decode(s.Before); err != nil {
			return nil, info, err
		}
	}
	if info.Total, info.Capped, err = count(); err != nil {
		return nil, info, err
	}
	q := rows(base())
	reverse := false
	switch {
	case after != nil:
		cond, args := k.beyond(after, false)
		q = q.Where(cond, args...)
	case before != nil:
		cond, args := k.beyond(before, true)
		q, reverse = q.Where(cond, args...), true
	case s.Last:
		reverse, info.Last = true, true
	default:
		info.Number = s.Number
		pages := info.Pages(s.Size)
		if s.Number > pages || s.Number > models.MaxNumberedPages {
			info.OutOfRange = true
			// the same statements as any page: an empty read keeps the count per page fixed
			q = q.Where("false")
		}
	}
	lim := pageLimit{limit: s.Size + 1}
	if info.Number > 0 && !info.OutOfRange {
		lim.offset = (s.Number - 1) * s.Size
	}
	var out []T
	if err := q.Order(k.order(reverse)).Clauses(lim).Scan(&out).Error; err != nil {
		return nil, info, err
	}
	more := len(out) > s.Size
	if more {
		out = out[:s.Size]
	}
	if reverse {
		slices.Reverse(out)
		info.HasPrev, info.HasNext = more, before != nil
	} else {
		info.HasNext, info.HasPrev = more, after != nil || info.Number > 1
	}
	if len(out) > 0 {
		info.FirstKey = models.EncodeCursor(keyOf(&out[0]))
		info.LastKey = models.EncodeCursor(keyOf(&out[len(out)-1]))
	}
	return out, info, nil
}
