package models

import (
	"fmt"
	"slices"
)

// The disclosure completeness score: the weighted table attached to seeds/002
// (上海市个体网络借贷(P2P)平台信息披露指引规范表), sub-item by sub-item. Timeliness is
// scored apart from completeness.

// DisclosureItem is one row of the table.
type DisclosureItem struct {
	Key          string
	Category     string // 主体信息, 产品信息, 业务信息, 财务信息, 其他信息
	CategoryRate int    // the category's weight, in points of 100
	Name         string
	Weight       int // points of 100; items of one Group share their group's weight
	// Group: items that share one weight ("与后项共占权重5%"); "" for an item of its own.
	Group string
	IfAny bool // 如有: a platform that declares it has none loses nothing
	// Schedule: when it is due — monthly (by the 10th), quarterly (30 days after the
	// quarter), yearly audit (end of April), or on change (15 working days, a major
	// matter 5; 002 §13).
	Schedule DisclosureKind
	Clause   string
}

func t002(s string) string { return citeShanghaiDisclosure + s + "、附件规范表" }

// disclosureItems is the table: the weights of one category add up to its weight, the
// categories to 100.
var disclosureItems = []DisclosureItem{
	{"basic", "主体信息", 20, "基本情况", 5, "", false, DisclosureChange, t002("第七条(一)")},
	{"shareholders", "主体信息", 20, "主要股东及实际控制人情况", 5, "", false, DisclosureChange, t002("第七条(二)")},
	{"governance", "主体信息", 20, "法人治理及董事、监事、高级管理人员情况", 5, "", false, DisclosureChange, t002("第七条(三)")},
	{"staff", "主体信息", 20, "员工情况", 5, "", false, DisclosureChange, t002("第七条(四)")},
	{"product_types", "产品信息", 10, "主要产品（服务）种类", 5, "", false, DisclosureChange, t002("第八条(一)")},
	{"product_details", "产品信息", 10, "各类产品（服务）基本情况", 5, "", false, DisclosureChange, t002("第八条(二)")},
	{"transactions", "业务信息", 40, "交易发生情况", 10, "", false, DisclosureMonthly, t002("第九条(一)")},
	{"balance", "业务信息", 40, "交易余额情况", 10, "", false, DisclosureMonthly, t002("第九条(二)")},
	{"concentration", "业务信息", 40, "交易集中度情况", 5, "", false, DisclosureQuarterly, t002("第九条(三)")},
	{"overdue", "业务信息", 40, "交易逾期情况", 10, "", false, DisclosureQuarterly, t002("第九条(四)")},
	{"customers", "业务信息", 40, "平台客户情况", 5, "", false, DisclosureQuarterly, t002("第九条(五)")},
	{"financials", "财务信息", 10, "财务报告（上年度会计报表、审计报告）", 10, "", false, DisclosureAnnualAudit, t002("第十条")},
	{"custody", "其他信息", 20, "客户资金清结算（存、托管）情况", 5, "", false, DisclosureChange, t002("第十一条(一)")},
	{"systems", "其他信息", 20, "信息系统情况", 5, "", false, DisclosureChange, t002("第十一条(三)")},
	{"partners", "其他信息", 20, "合作机构情况", 5, "", false, DisclosureChange, t002("第十一条(二)")},
	{"credit_rating", "其他信息", 20, "信用评级情况（如有）", 5, "rating_reserve", true, DisclosureChange, t002("第十一条(四)")},
	{"loss_reserve", "其他信息", 20, "客户损失代偿备付金相关情况（如有）", 5, "rating_reserve", true, DisclosureMonthly, t002("第十一条(五)")},
}

// DisclosureItemsDue lists the items due on schedule kind.
func DisclosureItemsDue(kind DisclosureKind) []DisclosureItem {
	var out []DisclosureItem
	for _, it := range disclosureItems {
		if it.Schedule == kind {
			out = append(out, it)
		}
	}
	return out
}

// DisclosureItems returns the table as data (a copy).
func DisclosureItems() []DisclosureItem { return slices.Clone(disclosureItems) }

// ItemPresence is what a review found for one item.
type ItemPresence string

const (
	ItemPresent ItemPresence = "present" // 已披露
	ItemMissing ItemPresence = "missing" // 未披露
	ItemNone    ItemPresence = "none"    // 声明无此项（仅限“如有”项）
)

// Points are score points in hundredths: 10000 is 100 分.
type Points int64

func (p Points) String() string { return Money(p).Yuan() }

// ItemScore is one item's result.
type ItemScore struct {
	Key      string
	Name     string
	Category string
	Presence ItemPresence
	Weight   Points // the points it can carry (a shared group's are split among applicable items)
	Score    Points
	Note     string
	Clause   string
}

// CategoryScore is one category's result.
type CategoryScore struct {
	Category string
	Weight   Points
	Score    Points
}

// ScoreBreakdown is a score with its parts.
type ScoreBreakdown struct {
	Total      Points
	Max        Points
	Categories []CategoryScore
	Items      []ItemScore
}

// CompletenessScore scores what a platform disclosed, item by item (keys of
// DisclosureItems; a key absent from present counts as missing). An item of its own
// scores its weight when present. Items sharing a weight (信用评级 and 代偿备付金, 5
// together) split it among those that apply; an item marked 如有 that the platform
// declares it has none (ItemNone) does not apply and costs nothing, and when no item of
// the group applies the group scores in full. ItemNone on an item not marked 如有 counts
// as missing.
func CompletenessScore(present map[string]ItemPresence) ScoreBreakdown {
	var b ScoreBreakdown
	groups := map[string][]int{}
	for i, it := range disclosureItems {
		if it.Group != "" {
			groups[it.Group] = append(groups[it.Group], i)
		}
	}
	catIdx := map[string]int{}
	seenGroup := map[string]bool{}
	for _, it := range disclosureItems {
		p := present[it.Key]
		if p == "" {
			p = ItemMissing
		}
		is := ItemScore{Key: it.Key, Name: it.Name, Category: it.Category, Presence: p, Clause: it.Clause}
		if p == ItemNone && !it.IfAny {
			is.Note = "该项并非“如有”项，声明无此项按未披露计"
			p, is.Presence = ItemMissing, ItemMissing
		}
		groupWeight := Points(it.Weight) * 100
		if it.Group == "" {
			is.Weight = groupWeight
			if p == ItemPresent {
				is.Score = is.Weight
			}
		} else {
			applicable := 0
			for _, j := range groups[it.Group] {
				if present[disclosureItems[j].Key] != ItemNone || !disclosureItems[j].IfAny {
					applicable++
				}
			}
			switch {
			case applicable == 0:
				// No item of the group applies: the group's weight in full, carried by its first item.
				if !seenGroup[it.Group] {
					is.Weight, is.Score = groupWeight, groupWeight
				}
				is.Note = "声明无此项，不扣分"
			case p == ItemNone:
				is.Note = "声明无此项，不扣分；权重由同组其他项承担"
			default:
				is.Weight = groupWeight / Points(applicable)
				if p == ItemPresent {
					is.Score = is.Weight
				}
			}
			seenGroup[it.Group] = true
		}
		if _, ok := catIdx[it.Category]; !ok {
			catIdx[it.Category] = len(b.Categories)
			b.Categories = append(b.Categories, CategoryScore{Category: it.Category, Weight: Points(it.CategoryRate) * 100})
		}
		c := &b.Categories[catIdx[it.Category]]
		c.Score += is.Score
		b.Total += is.Score
		b.Items = append(b.Items, is)
	}
	for _, c := range b.Categories {
		b.Max += c.Weight
	}
	return b
}

// DisclosureRecord is one due disclosure of an item and when it was made.
type DisclosureRecord struct {
	Key       string // a DisclosureItems key
	Due       Date
	Disclosed *Date // nil: not disclosed (yet)
}

// OnTime reports whether the disclosure was made by its due date.
func (r DisclosureRecord) OnTime() bool { return r.Disclosed != nil && !r.Disclosed.After(r.Due) }

// TimelinessScore scores the disclosures due in a review period apart from completeness:
// each item that had disclosures due carries its table weight times the share of them
// made on time; the total is scaled to 100 over those items, so an item with nothing due
// neither helps nor hurts. Records of unknown keys are ignored. With nothing due at all
// the score is 100.
func TimelinessScore(records []DisclosureRecord) ScoreBreakdown {
	type tally struct{ due, onTime int }
	t := map[string]*tally{}
	for _, r := range records {
		if _, ok := disclosureItemOf(r.Key); !ok {
			continue
		}
		if t[r.Key] == nil {
			t[r.Key] = &tally{}
		}
		t[r.Key].due++
		if r.OnTime() {
			t[r.Key].onTime++
		}
	}
	b := ScoreBreakdown{Max: 100 * 100}
	var weights, raw Points
	for _, it := range disclosureItems {
		tl := t[it.Key]
		if tl == nil {
			continue
		}
		w := Points(it.Weight) * 100
		s := w * Points(tl.onTime) / Points(tl.due)
		weights += w
		raw += s
		b.Items = append(b.Items, ItemScore{Key: it.Key, Name: it.Name, Category: it.Category, Weight: w, Score: s,
			Note: fmt.Sprintf("应披露 %d 次，按时 %d 次", tl.due, tl.onTime), Clause: it.Clause})
	}
	if weights == 0 {
		b.Total = b.Max
		return b
	}
	b.Total = Points(mulDiv(int64(raw), int64(b.Max), int64(weights), false))
	return b
}

func disclosureItemOf(key string) (DisclosureItem, bool) {
	for _, it := range disclosureItems {
		if it.Key == key {
			return it, true
		}
	}
	return DisclosureItem{}, false
}

// FirstRankedPeriod is the first month a ranking may be asked for: the yearly documents
// the score counts are accepted from 2015 (store.AddAnnualDoc), and nothing earlier is
// disclosed under either guideline.
var FirstRankedPeriod = Period{2015, 1}

// ValidateRankedPeriod refuses a ranking month before FirstRankedPeriod or after the
// current month: the portal keeps a stored score for every filed institution of every
// month it ranks (migration 00122), so the months are bounded.
func ValidateRankedPeriod(p Period, today Date) error {
	last := PeriodOf(today)
	if !p.Valid() || p.Key() < FirstRankedPeriod.Key() || p.Key() > last.Key() {
		return FieldErrorf("period", EInvalid, "排名月份应在 %s 至 %s 之间", FirstRankedPeriod, last)
	}
	return nil
}
