package models

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// CN is the date as a formal document writes it: 2026年12月8日.
func (d Date) CN() string { return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day) }

// leadingNumber is a list number a problem was typed with, e.g. "1. " or "２、".
var leadingNumber = regexp.MustCompile(`^\s*[0-9０-９]+\s*[.．、)）]\s*`)

// The formal documents the seeds call for, as text: the 不合格告知书 (plan 1 四(二)5(2))
// and the public notice of the preliminary acceptance result (四(二)5(1)). The notice
// page shows the same text the PDF prints.

// DocNumber is a document number (文号): prefix〔year〕seq号, e.g. 广州金验公〔2026〕3号.
func DocNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

// CityAuthority is the city financial office that publishes the notice: "市金融局在本局
// 官方网站上对其初验结果进行公示" (plan 1 四(二)5(1)).
func CityAuthority(city string) string { return city + "金融工作局" }

// ShortPlace drops the trailing 省/市/区/县 of a division's name for a document prefix:
// 广州市 → 广州, 天河区 → 天河. A one-character remainder keeps the suffix.
func ShortPlace(name string) string {
	for _, suf := range []string{"省", "市", "区", "县"} {
		if s, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(s) >= 2 {
			return s
		}
	}
	return name
}

// Document number prefixes: 金验告 for a failure notice, 金验公 for a public notice,
// after the issuing place (district, city or the province's abbreviation).
const (
	FailureDocKind = "金验告"
	NoticeDocKind  = "金验公"
)

// Document is a formal document's text.
type Document struct {
	Authority string
	Number    string
	Title     string
	Addressee string
	Body      []string
	Date      Date
}

// FailureLetterFacts is what the 不合格告知书 says.
type FailureLetterFacts struct {
	Number            string
	Authority         string
	Institution       string
	USCC              string
	Problems          []string
	Remarks           string
	NotifiedOn        Date
	ObjectionDeadline Date
	ObjectionPending  int // the calendar year a pending objection deadline waits for (clock.go)
}

// FailureLetter is the 整改验收不合格告知书: the problems, the order to stop new business
// and the objection deadline (plan 1 四(二)5(2)).
func FailureLetter(f FailureLetterFacts) Document {
	body := []string{fmt.Sprintf("经审核，你单位（统一社会信用代码：%s）整改验收结论为不合格，存在以下问题：", f.USCC)}
	n := 0
	for _, p := range f.Problems {
		if p = strings.TrimSpace(leadingNumber.ReplaceAllString(p, "")); p != "" {
			n++
			body = append(body, fmt.Sprintf("%d. %s", n, p))
		}
	}
	objection := fmt.Sprintf("你单位对上述问题有异议的，须自被告知之日起 %d 个工作日内，即于 %s（含当日）前，向本机关反馈并提交证明材料；经核实问题不存在或符合验收标准的，初验结果为合格。",
		ObjectionWorkingDays, f.ObjectionDeadline.CN())
	if f.ObjectionDeadline.IsZero() { // the objection clock waits for a year's calendar
		pending := "截止日期待定"
		if f.ObjectionPending != 0 {
			pending = "截止日期" + PendingCalendarText(f.ObjectionPending) + "后确定"
		}
		objection = fmt.Sprintf("你单位对上述问题有异议的，须自被告知之日起 %d 个工作日内（%s），向本机关反馈并提交证明材料；经核实问题不存在或符合验收标准的，初验结果为合格。",
			ObjectionWorkingDays, pending)
	}
	body = append(body, fmt.Sprintf("根据%s四(二)5(2)，请你单位自即日起停止新发生网贷业务。", citeAcceptancePlan), objection)
	if r := strings.TrimSpace(f.Remarks); r != "" {
		body = append(body, r)
	}
	body = append(body, "特此告知。")
	return Document{Authority: f.Authority, Number: f.Number, Title: "整改验收不合格告知书", Addressee: f.Institution, Body: body, Date: f.NotifiedOn}
}

// NoticeDocFacts is what the public notice says.
type NoticeDocFacts struct {
	Number        string
	City          string
	District      string
	Institution   string
	USCC          string
	Large         bool // accepted by the province–city joint team (plan 1 四(一))
	Start, End    Date
	Days          int
	URL           string // the notice's public page
	Revoked       bool
	RevokedOn     Date
	RevokedReason string
}

// NoticeDocument is the formal text of the public notice of the preliminary acceptance
// result, issued by the city financial office.
func NoticeDocument(f NoticeDocFacts) Document {
	route := "经注册地区金融工作部门审核、市整改验收工作小组初验和市验收专责小组审查"
	if f.Large {
		route = "经注册地区金融工作部门审核和省市联合验收工作组验收"
	}
	// A revoked notice no longer says 现予公示: it records that it was published and revoked.
	publish := "现予公示。"
	if f.Revoked {
		publish = "自" + f.Start.CN() + "起公示。"
	}
	body := []string{
		fmt.Sprintf("根据%s，%s，%s（统一社会信用代码：%s，注册地：%s%s）整改验收初步验收合格，%s",
			citeAcceptancePlan, route, f.Institution, f.USCC, f.City, f.District, publish),
		fmt.Sprintf("公示期：%s至%s（%d个自然日）。", f.Start.CN(), f.End.CN(), f.Days),
		fmt.Sprintf("公示期间，异地整治办、出借人、借款人、其他网贷机构以及社会公众对公示机构有异议的，可在公示页面在线举报并提交证明材料。举报经核查属实的，将先行撤销初验合格意见并对该机构重新进行验收（%s四(二)5(1)）。", citeAcceptancePlan),
		"该机构应当在其官方网站、APP、微信公众号等渠道同步公示。",
	}
	if f.URL != "" {
		body = append(body, "公示网址："+f.URL)
	}
	if f.Revoked {
		body = append(body, fmt.Sprintf("公示期间收到举报，经核查属实，本公示已于%s撤销：%s。该机构将重新进行验收。", f.RevokedOn.CN(),
			strings.TrimRight(f.RevokedReason, "。")))
	} else {
		body = append(body, "特此公示。")
	}
	return Document{Authority: CityAuthority(f.City), Number: f.Number, Title: "关于" + f.Institution + "整改验收初验结果的公示",
		Body: body, Date: f.Start}
}
