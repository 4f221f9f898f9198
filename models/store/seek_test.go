package store_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// ordered is one application of the ordering fixture, with the keys its lists sort by.
type ordered struct {
	id        int64
	name      string
	due       *time.Time // nil: no deadline
	since     time.Time
	submitted *time.Time // nil: never submitted
}

// seedOrdered adds n institutions of 天河区 named 序测NN, each with an application in the
// district's queue, with many ties in every sort key (so a page boundary inside a tie
// shows up) and some keys missing.
func seedOrdered(t *testing.T, st *store.Store, n int) []ordered {
	t.Helper()
	db, _ := st.SQLDB()
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var out []ordered
	for i := range n {
		o := ordered{name: fmt.Sprintf("序测%02d", (i*7)%n), since: base.Add(time.Duration(i%4) * time.Hour)}
		if i%5 != 0 {
			d := base.AddDate(0, 0, 15+(i%3)*7) // 11-16, 11-23, 11-30
			o.due = &d
		}
		if i%6 != 0 {
			s := base.Add(-time.Duration(i%3) * 24 * time.Hour)
			o.submitted = &s
		}
		state := models.StateDistrictReview
		if i%2 == 1 {
			state = models.StateCorrection
		}
		var instID int64
		err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance)
			VALUES ($1, $2, (SELECT id FROM divisions WHERE code = '440106'), 100) RETURNING id`,
			o.name, models.MakeUSCC(fmt.Sprintf("9144010%010d", 500+i))).Scan(&instID)
		if err != nil {
			t.Fatal(err)
		}
		var due, sub any
		if o.due != nil {
			due = o.due.Format("2006-01-02")
		}
		if o.submitted != nil {
			sub = *o.submitted
		}
		err = db.QueryRow(`INSERT INTO applications (institution_id, state, state_since, due_date, due_kind, submitted_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, CASE WHEN $4::date IS NULL THEN '' ELSE 'working' END, $5, $3, $3) RETURNING id`,
			instID, state, o.since, due, sub).Scan(&o.id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// TestListsKeepTheirOrderAcrossPages walks the district queue and the list of submitted
// applications page by page, by number and by cursor, and checks that consecutive pages
// never share a row and that together they are the stated order: the queue most urgent
// first (the nearest deadline, none last, then longest waiting), the list newest
// submission first with never-submitted ones last. A lost ORDER BY (gorm's Order drops
// a gorm.Expr without a word) fails it.
func TestListsKeepTheirOrderAcrossPages(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	rows := seedOrdered(t, st, 45)
	d1, _ := st.UserByUsername(ctx, "district1")

	urgent := slices.Clone(rows)
	slices.SortFunc(urgent, func(a, b ordered) int {
		if c := cmp.Compare(orderDue(a), orderDue(b)); c != 0 {
			return c
		}
		if c := a.since.Compare(b.since); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	newest := slices.Clone(rows)
	slices.SortFunc(newest, func(a, b ordered) int {
		if c := cmp.Compare(orderSub(b), orderSub(a)); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})

	f := store.QueueFilter{Query: "序测", Today: models.NewDate(2026, 11, 23)}
	queue := func(s models.Seek) ([]int64, models.PageInfo) {
		t.Helper()
		s.Size = 20
		rs, info, err := st.QueuePage(ctx, d1, f, s)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		return ids, info
	}
	submitted := func(s models.Seek) ([]int64, models.PageInfo) {
		t.Helper()
		s.Size = 20
		rs, info, err := st.SubmittedPage(ctx, d1, store.AppFilter{Query: "序测"}, s)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		return ids, info
	}
	for _, list := range []struct {
		name string
		want []ordered
		read func(models.Seek) ([]int64, models.PageInfo)
	}{{"queue", urgent, queue}, {"submitted", newest, submitted}} {
		want := make([]int64, len(list.want))
		for i, o := range list.want {
			want[i] = o.id
		}
		p1, i1 := list.read(models.Seek{Number: 1})
		p2, i2 := list.read(models.Seek{Number: 2})
		p3, i3 := list.read(models.Seek{After: i2.LastKey})
		if i1.Total != 45 || i1.Capped || !i1.HasNext || i1.HasPrev || !i2.HasNext || i3.HasNext {
			t.Fatalf("%s: page info %+v %+v %+v", list.name, i1, i2, i3)
		}
		for _, pair := range [][2][]int64{{p1, p2}, {p2, p3}} {
			for _, id := range pair[0] {
				if slices.Contains(pair[1], id) {
					t.Fatalf("%s: application %d on two consecutive pages", list.name, id)
				}
			}
		}
		if got := slices.Concat(p1, p2, p3); !slices.Equal(got, want) {
			t.Fatalf("%s: pages in order\n got  %v\n want %v", list.name, got, want)
		}
		// back from page 3 by cursor is page 2; the last page is the tail
		if back, _ := list.read(models.Seek{Before: i3.FirstKey}); !slices.Equal(back, p2) {
			t.Fatalf("%s: before page 3 %v, page 2 was %v", list.name, back, p2)
		}
		if last, il := list.read(models.Seek{Last: true}); !slices.Equal(last, want[len(want)-20:]) || il.HasNext || !il.HasPrev {
			t.Fatalf("%s: last page %v (%+v), want %v", list.name, last, il, want[len(want)-20:])
		}
	}

	// the numbered pages of the exports' methods keep the same order
	var got []int64
	for n := 1; n <= 3; n++ {
		rs, total, err := st.Queue(ctx, d1, f, models.Page{Number: n, Size: 20})
		if err != nil || total != 45 {
			t.Fatalf("Queue page %d: %d, %v", n, total, err)
		}
		for _, r := range rs {
			got = append(got, r.ID)
		}
	}
	if len(got) != 45 || got[0] != urgent[0].id || got[44] != urgent[44].id || got[20] != urgent[20].id {
		t.Fatalf("Queue pages out of order: %v", got)
	}
	got = nil
	for n := 1; n <= 3; n++ {
		rs, _, err := st.SubmittedApplications(ctx, d1, store.AppFilter{Query: "序测"}, models.Page{Number: n, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got = append(got, r.ID)
		}
	}
	for i := range newest {
		if got[i] != newest[i].id {
			t.Fatalf("SubmittedApplications out of order at %d: %v", i, got)
		}
	}
}

func orderDue(o ordered) int64 {
	if o.due == nil {
		return 1 << 62
	}
	return o.due.Unix()
}

func orderSub(o ordered) int64 {
	if o.submitted == nil {
		return -1 << 62
	}
	return o.submitted.UnixMicro()
}

// TestInstitutionsAndNoticesPageByName checks the institution list's pages the same way:
// by name, then id, with no row on two pages.
func TestInstitutionsPageByName(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	rows := seedOrdered(t, st, 45)
	d1, _ := st.UserByUsername(ctx, "district1")
	slices.SortFunc(rows, func(a, b ordered) int { return strings.Compare(a.name, b.name) })
	f := store.InstitutionFilter{Query: "序测"}
	var names []string
	var at = models.Seek{Number: 1, Size: 20}
	for range 3 {
		rs, info, err := st.InstitutionsPage(ctx, d1, f, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			names = append(names, r.Name)
		}
		at = models.Seek{After: info.LastKey, Size: 20}
	}
	for i, o := range rows {
		if i >= len(names) || names[i] != o.name {
			t.Fatalf("institutions by name: %v", names)
		}
	}
	if len(names) != 45 {
		t.Fatalf("%d names", len(names))
	}
}

// TestHostileCursorIsRefused: a cursor that is not one the list wrote is a coded
// EInvalid (422), never a database error.
func TestHostileCursorIsRefused(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	d1, _ := st.UserByUsername(ctx, "district1")
	for _, c := range []string{"x", "!!!", models.EncodeCursor([]string{"a", "b", "c"}), models.EncodeCursor([]string{"2026-13-01", "2026-01-01T00:00:00Z", "1"}),
		models.EncodeCursor([]string{"infinity", "2026-01-01T00:00:00Z", "1e99"}), strings.Repeat("A", 5000)} {
		if _, _, err := st.QueuePage(ctx, d1, store.QueueFilter{}, models.Seek{After: c}); code(err) != models.EInvalid {
			t.Fatalf("cursor %q: %v", c, err)
		}
		if _, _, err := st.NoticesPage(ctx, store.NoticeFilter{}, models.Seek{Before: c}); code(err) != models.EInvalid {
			t.Fatalf("notice cursor %q: %v", c, err)
		}
	}
}
