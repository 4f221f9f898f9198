package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// regionText returns `pdftotext -layout` of a rectangle of one page, in mm,
// squeezed: used to read one table column without the labels beside it.
func regionText(t *testing.T, b []byte, page int, x, y, w, h float64) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext not found (install poppler-utils): %v", err)
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	pt := func(mm float64) string { return fmt.Sprint(int(mm * 72 / 25.4)) }
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page),
		"-x", pt(x), "-y", pt(y), "-W", pt(w), "-H", pt(h), in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return squeeze(string(out))
}

func pageCount(b []byte) int { return bytes.Count(b, []byte("/Type /Page\n")) }

// valueColumn is the squeezed text of the form's value column on a page.
func valueColumn(t *testing.T, b []byte, page int) string {
	x := formMargin + labelW
	return regionText(t, b, page, x+0.5, formMargin, pageW-formMargin-x-1, pageH-2*formMargin)
}

func wantAll(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, squeeze(w)) {
			t.Errorf("%s lacks %q\n%s", what, w, text)
		}
	}
}

func TestReviewOpinionText(t *testing.T) {
	o := sampleOpinion()
	b, err := renderer(t).ReviewOpinion(o)
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "opinion.pdf", b)
	if n := pageCount(b); n != 1 {
		t.Errorf("opinion has %d pages, want 1", n)
	}
	all := pdfText(t, b)
	wantAll(t, "page", squeeze(all), OpinionTitle, "填报单位：上海市黄浦区金融工作办公室", "填报日期：2026年10月12日",
		"机构名称", "统一社会信用代码", "注册地（区）", "申请日期", "现场核查方式", "核查日期", "参加人员", "核查发现",
		"审核结论", "审核意见", "经办人", "上海市黄浦区金融工作办公室（盖章）", "第1页共1页")
	col := valueColumn(t, b, 1)
	wantAll(t, "value column", col, o.Institution.Name, o.Institution.USCC, "2026年8月30日", "2026年9月15日",
		o.Check.Participants, o.Check.Findings, o.Opinion, "张伟", "2026年10月12日")
	balance := regionText(t, b, 1, pageW-formMargin-valueW, formMargin, valueW, 100)
	wantAll(t, "balance cell", balance, "856,123,456.78元（约8.56亿元）", "黄浦区")
	checks(t, col, map[string]bool{"核查账务系统": true, "资金流水": true, "项目真实性": true, "网站信息披露": false,
		"抽查借贷合同": true, "暗访线下营销和宣传": true, "产品合规性调查": false, "合格": true, "不合格": false})
}

// checks verifies which check boxes carry a tick (√ directly before the text).
func checks(t *testing.T, col string, want map[string]bool) {
	t.Helper()
	for label, ticked := range want {
		if !strings.Contains(col, label) {
			t.Errorf("box %q missing", label)
		}
		if got := strings.Contains(col, checkMark+label); got != ticked {
			t.Errorf("box %q ticked = %v, want %v", label, got, ticked)
		}
	}
}

// TestReviewOpinionPageBreak: an opinion longer than a page is split over
// pages without losing or repeating a character, the label marked （续）.
func TestReviewOpinionPageBreak(t *testing.T) {
	o := sampleOpinion()
	var sb strings.Builder
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&sb, "第%02d项：该机构已按要求整改，出借人资金由存管银行管理，信息披露完整、客观、及时。", i)
	}
	o.Opinion = sb.String()
	b, err := renderer(t).ReviewOpinion(o)
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "opinion-long.pdf", b)
	n := pageCount(b)
	if n < 2 {
		t.Fatalf("long opinion fits on %d page", n)
	}
	var cols strings.Builder
	for p := 1; p <= n; p++ {
		cols.WriteString(valueColumn(t, b, p))
	}
	wantAll(t, "value columns", cols.String(), o.Opinion, "张伟")
	all := squeeze(pdfText(t, b))
	wantAll(t, "text", all, "审核意见"+contSuffix, fmt.Sprintf("第%d页共%d页", n, n))
	for i := 1; i <= 60; i++ {
		if c := strings.Count(all, fmt.Sprintf("第%02d项", i)); c != 1 {
			t.Errorf("item %d appears %d times", i, c)
		}
	}
}

func TestCheckConfirmationText(t *testing.T) {
	c := sampleCheckData()
	b, err := renderer(t).CheckConfirmation(c)
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "check.pdf", b)
	all := squeeze(pdfText(t, b))
	wantAll(t, "page", all, CheckTitle, "第三方中介机构", "核查结论", "上海市黄浦区金融工作办公室（盖章）")
	col := valueColumn(t, b, 1)
	wantAll(t, "value column", col, c.Institution.Name, c.Institution.USCC, "2026年9月15日",
		c.Check.Participants, c.Check.Findings, c.ThirdParties, c.Conclusion, "张伟", "2026年10月12日")
	checks(t, col, map[string]bool{"核查账务系统": true, "网站信息披露": false,
		ConclusionAgree: true, ConclusionDisagree: false})
	again, _ := renderer(t).CheckConfirmation(c)
	if !bytes.Equal(again, b) {
		t.Error("two renders differ")
	}
}

func TestFormsReject(t *testing.T) {
	r := renderer(t)
	for name, mod := range map[string]func(*OpinionData){
		"unknown method":   func(o *OpinionData) { o.Check.Methods = append(o.Check.Methods, "电话回访") },
		"no officer":       func(o *OpinionData) { o.Sign.Officer = "" },
		"no authority":     func(o *OpinionData) { o.Sign.Authority.Name = "" },
		"no sign date":     func(o *OpinionData) { o.Sign.Date = time.Time{} },
		"no check date":    func(o *OpinionData) { o.Check.Date = time.Time{} },
		"no apply date":    func(o *OpinionData) { o.ApplicationDate = time.Time{} },
		"negative balance": func(o *OpinionData) { o.OutstandingFen = -1 },
		"no opinion":       func(o *OpinionData) { o.Opinion = "  " },
		"no name":          func(o *OpinionData) { o.Institution.Name = "" },
	} {
		o := sampleOpinion()
		mod(&o)
		if _, err := r.ReviewOpinion(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	c := sampleCheckData()
	c.Check.Findings = ""
	if _, err := r.CheckConfirmation(c); err == nil {
		t.Error("check without findings: no error")
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00元", 5: "0.05元", 123456: "1,234.56元",
		85_612_345_678: "856,123,456.78元", -100: "-1.00元"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
	if got := YuanWithYi(90_000_000_000); got != "900,000,000.00元（约9.00亿元）" {
		t.Errorf("YuanWithYi = %q", got)
	}
	if got := DateCN(time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)); got != "2026年11月22日" {
		t.Errorf("DateCN uses China time: got %q", got)
	}
}
