package models

import (
	"strings"
	"testing"
)

func TestDisclosureItemWeights(t *testing.T) {
	items := DisclosureItems()
	if len(items) != 17 {
		t.Fatalf("002 table has 17 rows, got %d", len(items))
	}
	total := 0
	groups := map[string]int{}
	cats := map[string]int{}
	catRate := map[string]int{}
	for _, it := range items {
		if it.Clause == "" || !strings.Contains(it.Clause, "规范表") {
			t.Errorf("%s: clause %q", it.Key, it.Clause)
		}
		if it.Group != "" {
			if g, ok := groups[it.Group]; ok && g != it.Weight {
				t.Errorf("group %s weights differ", it.Group)
			}
			if _, ok := groups[it.Group]; ok {
				continue
			}
			groups[it.Group] = it.Weight
		}
		total += it.Weight
		cats[it.Category] += it.Weight
		catRate[it.Category] = it.CategoryRate
	}
	if total != 100 {
		t.Errorf("weights sum to %d, want 100", total)
	}
	// 002 table: 主体 20, 产品 10, 业务 40, 财务 10, 其他 20.
	for c, w := range map[string]int{"主体信息": 20, "产品信息": 10, "业务信息": 40, "财务信息": 10, "其他信息": 20} {
		if cats[c] != w || catRate[c] != w {
			t.Errorf("%s: items %d, rate %d, want %d", c, cats[c], catRate[c], w)
		}
	}
	// Changing the copy does not change the table.
	items[0].Weight = 99
	if DisclosureItems()[0].Weight != 5 {
		t.Errorf("DisclosureItems returned the table itself")
	}
}

func allPresent() map[string]ItemPresence {
	m := map[string]ItemPresence{}
	for _, it := range DisclosureItems() {
		m[it.Key] = ItemPresent
	}
	return m
}

func TestCompletenessScore(t *testing.T) {
	cases := []struct {
		name   string
		change map[string]ItemPresence
		want   string
	}{
		{"everything disclosed", nil, "100.00"},
		{"both 如有 items declared none count as full", map[string]ItemPresence{"credit_rating": ItemNone, "loss_reserve": ItemNone}, "100.00"},
		{"rating none, reserve disclosed: full 5", map[string]ItemPresence{"credit_rating": ItemNone}, "100.00"},
		{"rating none, reserve missing: 0 of 5", map[string]ItemPresence{"credit_rating": ItemNone, "loss_reserve": ItemMissing}, "95.00"},
		{"one of the pair missing: half of 5", map[string]ItemPresence{"credit_rating": ItemMissing}, "97.50"},
		{"both of the pair missing", map[string]ItemPresence{"credit_rating": ItemMissing, "loss_reserve": ItemMissing}, "95.00"},
		{"none on an item not marked 如有 is missing", map[string]ItemPresence{"basic": ItemNone}, "95.00"},
		{"overdue (10) and customers (5) missing", map[string]ItemPresence{"overdue": ItemMissing, "customers": ItemMissing}, "85.00"},
		{"financial report missing", map[string]ItemPresence{"financials": ""}, "90.00"},
	}
	for _, c := range cases {
		m := allPresent()
		for k, v := range c.change {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		b := CompletenessScore(m)
		if b.Total.String() != c.want || b.Max.String() != "100.00" {
			t.Errorf("%s: %s / %s, want %s", c.name, b.Total, b.Max, c.want)
		}
		var sum Points
		for _, cs := range b.Categories {
			sum += cs.Score
		}
		if sum != b.Total {
			t.Errorf("%s: categories sum to %s", c.name, sum)
		}
	}
	if b := CompletenessScore(nil); b.Total != 0 || len(b.Items) != 17 {
		t.Errorf("nothing disclosed: %s", b.Total)
	}
	b := CompletenessScore(map[string]ItemPresence{"basic": ItemNone})
	if b.Items[0].Presence != ItemMissing || !strings.Contains(b.Items[0].Note, "并非“如有”项") {
		t.Errorf("note: %+v", b.Items[0])
	}
}

func TestTimelinessScore(t *testing.T) {
	on, late := d(t, "2026-10-10"), d(t, "2026-10-11")
	due := d(t, "2026-10-10")
	recs := []DisclosureRecord{
		{Key: "transactions", Due: due, Disclosed: &on},   // on the due day: in time (002 §9 “10日前”)
		{Key: "transactions", Due: due, Disclosed: &late}, // a day late
		{Key: "balance", Due: due, Disclosed: &on},        // in time
		{Key: "concentration", Due: d(t, "2026-10-30")},   // never disclosed
		{Key: "bogus", Due: due, Disclosed: &late},        // ignored
	}
	// By hand: transactions 10 × 1/2 = 5, balance 10, concentration 0 of 5: 15 / 25 = 60.00.
	b := TimelinessScore(recs)
	if b.Total.String() != "60.00" || len(b.Items) != 3 {
		t.Errorf("timeliness %s, items %d", b.Total, len(b.Items))
	}
	if b.Items[0].Note != "应披露 2 次，按时 1 次" {
		t.Errorf("note: %q", b.Items[0].Note)
	}
	if b := TimelinessScore(nil); b.Total.String() != "100.00" {
		t.Errorf("nothing due: %s", b.Total)
	}
}

func TestDisclosureItemsDue(t *testing.T) {
	keys := func(kind DisclosureKind) string {
		var ks []string
		for _, it := range DisclosureItemsDue(kind) {
			ks = append(ks, it.Key)
		}
		return strings.Join(ks, ",")
	}
	// 002 §9(一)(二), §11(五) monthly; §9(三)–(五) quarterly; §10 yearly; the rest on change (§13).
	if got := keys(DisclosureMonthly); got != "transactions,balance,loss_reserve" {
		t.Errorf("monthly: %s", got)
	}
	if got := keys(DisclosureQuarterly); got != "concentration,overdue,customers" {
		t.Errorf("quarterly: %s", got)
	}
	if got := keys(DisclosureAnnualAudit); got != "financials" {
		t.Errorf("yearly: %s", got)
	}
	if n := len(DisclosureItemsDue(DisclosureChange)); n != 10 {
		t.Errorf("on change: %d", n)
	}
}
