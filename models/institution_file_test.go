package models

import (
	"strings"
	"testing"
)

var fileToday = NewDate(2026, 11, 23)

// validForm is a complete file as a platform would type it.
func validForm() FileForm {
	f := FileForm{Values: map[string]string{
		"name": "广州天河示例网络借贷信息中介服务有限公司", "uscc": "91440106ma59a1b2ce ",
		"registered_capital": "100,000,000", "paid_in_capital": "５０，０００，０００．００",
		"registered_address": "广州市天河区珠江新城示例路 1 号", "founded_on": "2014-05-20",
		"business_status": "open", "legal_representative": "张三", "contact_phone": "020-87654321",
		"business_scope": "网络借贷信息中介服务", "p2p_started_on": "2015-01-10",
		"rectification_from_start": "yes", "operating_class": "single_province", "outstanding_balance": "350000000",
		"shareholders.0.name": "张三", "shareholders.0.kind": "natural", "shareholders.0.share": "60",
		"shareholders.1.name": "广州示例控股有限公司", "shareholders.1.kind": "legal", "shareholders.1.share": "40%",
		"shareholders.1.years_operating": "8", "shareholders.1.profitable_years": "3", "shareholders.1.net_assets": "400000000",
		"shareholders.1.total_assets": "1000000000", "shareholders.1.equity_investments": "100000000",
		"shareholders.1.domestic_non_financial": "yes",
		"branches.0.name":                       "深圳分公司", "branches.0.address": "深圳市南山区", "branches.0.phone": "0755-12345678",
	}, Counts: map[string]int{"shareholders": 2, "branches": 1}}
	return f
}

func TestParseFileFormValid(t *testing.T) {
	f, errs := ParseFileForm(validForm(), fileToday)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if f.USCC != "91440106MA59A1B2CE" || f.PaidInCapital != 50_000_000*OneYuan || f.RegisteredCapital != 100_000_000*OneYuan {
		t.Errorf("parsed %s %d %d", f.USCC, f.PaidInCapital, f.RegisteredCapital)
	}
	if len(f.Shareholders) != 2 || f.Shareholders[1].Share != 40*Percent || f.Shareholders[1].NetAssets != 400_000_000*OneYuan {
		t.Errorf("shareholders %+v", f.Shareholders)
	}
	if f.FoundedOn != NewDate(2014, 5, 20) || !f.TermEnd.IsZero() {
		t.Errorf("dates %v %v", f.FoundedOn, f.TermEnd)
	}
	// the stored file shows again as a form that parses to the same file
	again, errs := ParseFileForm(FileFormOf(f), fileToday)
	if len(errs) > 0 || len(DiffFiles(f, again)) != 0 {
		t.Errorf("round trip: %v %v", errs, DiffFiles(f, again))
	}
	facts := f.FilingFacts()
	if len(facts.CorporateShareholders) != 1 || !facts.CorporateShareholders[0].DomesticNonFinancial || facts.Class != ClassSingleProvince {
		t.Errorf("filing facts %+v", facts)
	}
}

func TestParseFileFormErrors(t *testing.T) {
	tests := []struct {
		set   map[string]string
		field string
		want  string
	}{
		{map[string]string{"uscc": "91440106MA59A1B2CF"}, "uscc", "校验位不符"},
		{map[string]string{"uscc": "91440106MA59I1B2CE"}, "uscc", "不使用字母 I、O、Z、S、V"},
		{map[string]string{"uscc": ""}, "uscc", "请填写统一社会信用代码"},
		{map[string]string{"registered_capital": "1,0000"}, "registered_capital", "千分位逗号位置不正确"},
		{map[string]string{"registered_capital": "12.345"}, "registered_capital", "最多保留两位小数"},
		{map[string]string{"registered_capital": "0"}, "registered_capital", "注册资本须大于 0"},
		{map[string]string{"paid_in_capital": "200000000"}, "paid_in_capital", "不能大于注册资本"},
		{map[string]string{"founded_on": "2014/05/20"}, "founded_on", "应为 yyyy-mm-dd"},
		{map[string]string{"founded_on": "2027-01-01"}, "founded_on", "晚于今天"},
		{map[string]string{"p2p_started_on": "2013-01-01"}, "p2p_started_on", "不能早于成立日期"},
		{map[string]string{"term_end": "2010-01-01"}, "term_end", "经营期限须晚于成立日期"},
		{map[string]string{"contact_phone": "87654321"}, "contact_phone", "区号-号码"},
		{map[string]string{"business_status": "suspended"}, "status_note", "须说明停业原因"},
		{map[string]string{"business_status": "bankrupt"}, "business_status", "请从列表中选择经营状态"},
		{map[string]string{"legal_representative": "  "}, "legal_representative", "请填写法定代表人"},
		{map[string]string{"shareholders.0.share": "70"}, "shareholders", "合计为 110.00%，超过 100%"},
		{map[string]string{"shareholders.0.share": "101"}, "shareholders.0.share", "不能超过 100%"},
		{map[string]string{"shareholders.1.net_assets": ""}, "shareholders.1.net_assets", "法人股东须填写此项"},
		{map[string]string{"shareholders.0.name": ""}, "shareholders.0.name", "请填写股东全称或姓名"},
		{map[string]string{"branches.0.phone": "0755 1234"}, "branches.0.phone", "格式不正确"},
		{map[string]string{"branches.0.staff_formal": "-3"}, "branches.0.staff_formal", "不小于 0 的整数"},
		{map[string]string{"business_scope": strings.Repeat("业", 2001)}, "business_scope", "最多 2000 个字"},
	}
	for _, tt := range tests {
		form := validForm()
		for k, v := range tt.set {
			form.Values[k] = v
		}
		_, errs := ParseFileForm(form, fileToday)
		if !strings.Contains(errs[tt.field], tt.want) {
			t.Errorf("%v: errs[%s] = %q; want %q (all: %v)", tt.set, tt.field, errs[tt.field], tt.want, errs)
		}
	}
}

func TestFileFormRows(t *testing.T) {
	form := FileFormFrom(map[string][]string{
		"name": {"甲"}, "people.0.name": {"李四"}, "people.0.role": {"director"},
		"people.2.name": {"王五"}, "people.2.role": {"executive"}, "people.99.name": {"越界"},
	})
	if form.Counts["people"] != 3 {
		t.Fatalf("counts %v", form.Counts)
	}
	form.AddRow("channels")
	form.RemoveRow("people", 0)
	if form.Counts["people"] != 2 || form.Get("people.1.name") != "王五" || form.Get("people.2.name") != "" || form.Counts["channels"] != 1 {
		t.Fatalf("after add/remove: %v %v", form.Counts, form.Values)
	}
	f, errs := ParseFileForm(form, fileToday)
	// row 0 is now blank (the old row 1 was missing) and is dropped; the added channel too
	if len(f.People) != 1 || f.People[0].Name != "王五" || len(f.Channels) != 0 || errs["people.0.name"] != "" {
		t.Errorf("people %+v channels %+v errs %v", f.People, f.Channels, errs)
	}
}

func TestDiffFiles(t *testing.T) {
	old, _ := ParseFileForm(validForm(), fileToday)
	form := validForm()
	form.Values["paid_in_capital"] = "60000000"
	form.Values["shareholders.0.name"] = "张三" // unchanged identity
	form.Values["shareholders.0.share"] = "55"
	form.RemoveRow("branches", 0)
	form.AddRow("channels")
	form.Values["channels.0.kind"], form.Values["channels.0.name"], form.Values["channels.0.address"] = "website", "示例贷", "www.example.cn"
	changed, errs := ParseFileForm(form, fileToday)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string][2]string{}
	for _, c := range DiffFiles(old, changed) {
		got[c.Field] = [2]string{c.Old, c.New}
	}
	want := map[string][2]string{
		"实缴注册资本":          {"50,000,000.00 元", "60,000,000.00 元"},
		"股东「张三」 · 持股比例":   {"60.00%", "55.00%"},
		"分支机构「深圳分公司」（删除）": {"所在地：深圳市南山区；联系电话：0755-12345678", ""},
		"渠道「示例贷」（新增）":     {"", "渠道类型：官方网站；网址或链接：www.example.cn"},
	}
	if len(got) != len(want) {
		t.Errorf("changes %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q; want %q", k, got[k], v)
		}
	}
}

func TestValidateFileOfUnfilledInstitution(t *testing.T) {
	errs := ValidateFile(InstitutionFile{Name: "甲", USCC: "91440106MA59A1B2CE", OutstandingBalance: 1}, fileToday)
	for _, f := range []string{"registered_capital", "founded_on", "legal_representative", "business_status", "operating_class"} {
		if errs[f] == "" {
			t.Errorf("unfilled %s not reported: %v", f, errs)
		}
	}
	if errs["name"] != "" || errs["uscc"] != "" {
		t.Errorf("filled fields reported: %v", errs)
	}
}

func TestFileLockedIn(t *testing.T) {
	for _, s := range []State{StateDraft, StateCorrection, StateCertified, StateFiled, StateAbandoned, StateFailed} {
		if FileLockedIn(s) {
			t.Errorf("%s must leave the file editable", s)
		}
	}
	for _, s := range []State{StateDistrictReview, StateCityReview, StateJointReview, StatePublicNotice} {
		if !FileLockedIn(s) {
			t.Errorf("%s must lock the file", s)
		}
	}
}
