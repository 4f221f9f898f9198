package models

import (
	"strings"
	"testing"
)

func TestFileChecksFromTheFile(t *testing.T) {
	ok := InstitutionFile{FoundedOn: NewDate(2014, 6, 18), P2PStartedOn: NewDate(2015, 1, 10), RectificationFromStart: "yes",
		BusinessStatus: "open", Classification: "rectifying"}
	tests := []struct {
		name string
		edit func(*InstitutionFile)
		hits []string // expected rule of each hit, in order
		text []string // words the blockers must contain
	}{
		{"compliant file", func(*InstitutionFile) {}, nil, nil},
		{"founded on 2016-08-24 is eligible", func(f *InstitutionFile) { f.FoundedOn, f.P2PStartedOn = NewDate(2016, 8, 24), NewDate(2016, 8, 24) }, nil, nil},
		{"founded on 2016-08-25", func(f *InstitutionFile) { f.FoundedOn, f.P2PStartedOn = NewDate(2016, 8, 25), NewDate(2016, 9, 1) },
			[]string{"五(一)", "五(一)"}, []string{"成立日期为 2016-08-25", "开始从事网贷业务日期为 2016-09-01"}},
		{"started P2P after the day", func(f *InstitutionFile) { f.P2PStartedOn = NewDate(2017, 1, 3) }, []string{"五(一)"}, []string{"2017-01-03"}},
		{"not in the rectification from the start", func(f *InstitutionFile) { f.RectificationFromStart = "no" }, []string{"五(二)"}, []string{"未自始纳入"}},
		{"suspended", func(f *InstitutionFile) { f.BusinessStatus = "suspended" }, []string{"五(七)"}, []string{"停业", "2 个月"}},
		{"classified 取缔类", func(f *InstitutionFile) { f.Classification = "banned" }, []string{"三(二)"}, []string{"取缔类"}},
		{"empty facts decide nothing", func(f *InstitutionFile) { *f = InstitutionFile{} }, nil, nil},
	}
	for _, tt := range tests {
		f := ok
		tt.edit(&f)
		got := FileHardLines(f)
		if len(got) != len(tt.hits) {
			t.Errorf("%s: %d hard lines %v; want %d", tt.name, len(got), got, len(tt.hits))
			continue
		}
		all := ""
		for i, v := range got {
			if !strings.Contains(v.Item.Rule, tt.hits[i]) || !strings.Contains(v.Message, tt.hits[i]) {
				t.Errorf("%s: hard line %d cites %q / %q; want %s", tt.name, i, v.Item.Rule, v.Message, tt.hits[i])
			}
			all += v.Message
		}
		for _, w := range tt.text {
			if !strings.Contains(all, w) {
				t.Errorf("%s: blockers lack %q: %s", tt.name, w, all)
			}
		}
	}
	checks := FileChecks(InstitutionFile{})
	for _, c := range checks {
		if c.Decided || c.Hit {
			t.Errorf("empty file decided %+v", c)
		}
	}
	if len(checks) != 5 {
		t.Errorf("%d checks; want 5 (founded, started, rectification, status, class)", len(checks))
	}
}

func TestSubmissionBlockersIncludeFileHardLines(t *testing.T) {
	c := SubmissionCheck{NeedsSA: true, SelfAssessment: EvaluateSelfAssessment(allAnswered(AnswerYes)),
		FileHardLines: FileHardLines(InstitutionFile{FoundedOn: NewDate(2018, 1, 1)})}
	if b := c.Blockers(); len(b) != 1 || !strings.Contains(b[0], "2018-01-01") {
		t.Fatalf("blockers %v", b)
	}
}

func TestNewApplicationAfterTheEnd(t *testing.T) {
	for _, tt := range []struct {
		s    State
		code string
		cite string
	}{
		{StateCertified, EConflict, "六(一)"}, {StateScopeChanged, EConflict, "六(一)"}, {StateFiled, EConflict, "二(二)1"},
		{StateFailedFinal, EConflict, "六(二)"}, {StateAbandoned, EConflict, "四(二)1"},
		{StateCertificateRevoked, "", ""}, {StateDraft, "", ""}, {StateFailed, "", ""},
	} {
		err := CheckNewApplication(tt.s)
		if ErrorCode(err) != tt.code || tt.cite != "" && !strings.Contains(ErrorMessage(err), tt.cite) {
			t.Errorf("%s: %v; want %q citing %s", tt.s, err, tt.code, tt.cite)
		}
	}
	for _, s := range ClosedStates {
		if !s.Closed() {
			t.Errorf("%s not closed", s)
		}
	}
	for _, e := range ExitClasses {
		if m := e.Meaning(); m.Meaning == "" || len(m.Duties) == 0 || !strings.Contains(m.Rule, "六(二)") {
			t.Errorf("%s has no meaning: %+v", e, m)
		}
	}
}

func TestDocuments(t *testing.T) {
	f := NoticeDocFacts{Number: DocNumber(ShortPlace("广州市")+NoticeDocKind, 2026, 3), City: "广州市", District: "天河区", Institution: "甲公司",
		USCC: "91440106MA59A1B2CE", Start: NewDate(2026, 11, 23), End: NewDate(2026, 12, 6), Days: 14}
	d := NoticeDocument(f)
	all := strings.Join(d.Body, "")
	if d.Number != "广州金验公〔2026〕3号" || d.Authority != "广州市金融工作局" || !strings.Contains(all, "现予公示") ||
		!strings.Contains(all, "2026年11月23日至2026年12月6日（14个自然日）") || !strings.Contains(all, "市整改验收工作小组初验") {
		t.Fatalf("notice %+v", d)
	}
	f.Large, f.Revoked, f.RevokedOn, f.RevokedReason = true, true, NewDate(2026, 11, 30), "经核查属实，撤销初验合格意见"
	all = strings.Join(NoticeDocument(f).Body, "")
	if strings.Contains(all, "现予公示") || strings.Contains(all, "特此公示") || !strings.Contains(all, "本公示已于2026年11月30日撤销") ||
		!strings.Contains(all, "省市联合验收工作组验收") {
		t.Fatalf("revoked notice %s", all)
	}
	l := FailureLetter(FailureLetterFacts{Number: "天河金验告〔2026〕1号", Authority: "广州市天河区金融工作部门", Institution: "甲公司",
		Problems: []string{"1. 自融", "２、资金池", " ", "期限拆分"}, NotifiedOn: NewDate(2026, 12, 1), ObjectionDeadline: NewDate(2026, 12, 8)})
	all = strings.Join(l.Body, "\n")
	for _, w := range []string{"1. 自融\n2. 资金池\n3. 期限拆分", "停止新发生网贷业务", "四(二)5(2)", "5 个工作日内，即于 2026年12月8日（含当日）前"} {
		if !strings.Contains(all, w) {
			t.Errorf("failure letter lacks %q:\n%s", w, all)
		}
	}
	if ShortPlace("天河区") != "天河" || ShortPlace("东区") != "东区" {
		t.Error("ShortPlace")
	}
}
