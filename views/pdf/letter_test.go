package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func sampleLetter(problems int) LetterData {
	body := []string{"经审核，你单位（统一社会信用代码：91440105MA5HY00010）整改验收结论为不合格，存在以下问题："}
	for i := 1; i <= problems; i++ {
		body = append(body, fmt.Sprintf("%d. 抽查借贷合同发现存在期限拆分的存量业务，涉及出借人 %d 名，截至核查日尚未化解完成。", i, 100+i))
	}
	body = append(body, "根据《网贷机构整改验收方案》四(二)5(2)，请你单位自即日起停止新发生网贷业务。",
		"你单位对上述问题有异议的，须自被告知之日起 5 个工作日内，即于 2026年12月8日（含当日）前，向本机关反馈并提交证明材料。", "特此告知。")
	return LetterData{Authority: "广州市海珠区金融工作部门", Number: "海珠金验告〔2026〕1号", Title: "整改验收不合格告知书",
		Addressee: longName, Body: body, Date: cst(2026, 12, 1)}
}

func TestLetterTextPagesAndDeterminism(t *testing.T) {
	r := renderer(t)
	one, err := r.Letter(sampleLetter(3))
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "failure-letter.pdf", one)
	flat := squeeze(pdfText(t, one))
	for _, want := range []string{"广州市海珠区金融工作部门", "海珠金验告〔2026〕1号", "整改验收不合格告知书", longName + "：",
		"3. 抽查借贷合同发现存在期限拆分的存量业务，涉及出借人103名", "停止新发生网贷业务", "2026年12月8日（含当日）前", "特此告知。", "2026年12月1日", "第1页共1页"} {
		if !strings.Contains(flat, squeeze(want)) {
			t.Errorf("letter lacks %q\n%s", want, flat)
		}
	}
	if n := bytes.Count(one, []byte("/Type /Page\n")); n != 1 {
		t.Errorf("short letter has %d pages; want 1", n)
	}
	again, _ := r.Letter(sampleLetter(3))
	if !bytes.Equal(one, again) {
		t.Error("the same letter gave different bytes")
	}

	long, err := r.Letter(sampleLetter(40))
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "failure-letter-long.pdf", long)
	flat = squeeze(pdfText(t, long))
	if n := bytes.Count(long, []byte("/Type /Page\n")); n < 2 {
		t.Fatalf("a 40-problem letter has %d page(s); want more than one", n)
	}
	for _, want := range []string{"40. 抽查借贷合同", "涉及出借人140", "特此告知。", "第2页共"} {
		if !strings.Contains(flat, squeeze(want)) {
			t.Errorf("long letter lacks %q", want)
		}
	}
	if _, err := r.Letter(LetterData{Authority: "x", Title: "y", Body: []string{"z"}, Date: cst(2026, 1, 1)}); err == nil {
		t.Error("a letter without a document number was rendered")
	}
}
