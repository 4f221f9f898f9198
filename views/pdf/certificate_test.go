package pdf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCertificateText(t *testing.T) {
	c := sampleCert()
	b, err := renderer(t).Certificate(c)
	if err != nil {
		t.Fatal(err)
	}
	savePDF(t, "certificate.pdf", b)
	text := pdfText(t, b)
	flat := squeeze(text)
	if n := len([]rune(c.Name)); n < 60 {
		t.Fatalf("sample name has %d characters; the test wants a long one", n)
	}
	for _, want := range []string{
		CertificateTitle,
		c.Name, // wraps over three lines, with 堃喆珺璟 from the fallback font
		"（统一社会信用代码：" + c.USCC + "）",
		"编号：沪-2026-000123",
		"《上海市网络借贷信息中介机构整改验收工作方案》",
		"网络借贷信息中介机构整改验收要求，整改验收合格。",
		"特此证明。",
		"上海市地方金融监督管理局", "中国银保监会上海监管局",
		"签发人：王建国", "签发人：李明华",
		"2026年11月22日", "签发日期：2026-11-22",
		"http://127.0.0.1:8080/verify/沪-2026-000123",
		"内容指纹（SHA-256）：" + c.Fingerprint,
	} {
		if !strings.Contains(flat, squeeze(want)) {
			t.Errorf("certificate text lacks %q\n%s", want, text)
		}
	}
	// the title is a line of its own, centred
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == CertificateTitle && !strings.HasPrefix(l, "        ") {
			t.Errorf("title not centred: %q", l)
		}
	}
	if pages := bytes.Count(b, []byte("/Type /Page\n")); pages != 1 {
		t.Errorf("certificate has %d pages, want 1", pages)
	}
	if len(b) >= 100*1024 {
		t.Errorf("certificate is %d bytes, want < 100 KB", len(b))
	}
}

func TestCertificateDeterministic(t *testing.T) {
	r := renderer(t)
	first, err := r.Certificate(sampleCert())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([][]byte, 8)
	for i := range outs { // concurrently, from the one shared renderer
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], _ = r.Certificate(sampleCert())
		}()
	}
	wg.Wait()
	for i, b := range outs {
		if !bytes.Equal(b, first) {
			t.Fatalf("render %d differs from the first (%d vs %d bytes)", i, len(b), len(first))
		}
	}
	if !bytes.Contains(first, []byte("/CreationDate (D:20261122120000)")) {
		t.Errorf("creation date is not fixed to the issue date")
	}
	c := sampleCert()
	c.Serial = "沪-2026-000124"
	other, err := r.Certificate(c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, first) {
		t.Error("a different serial gave the same bytes")
	}
}

func TestCertificateRejects(t *testing.T) {
	r := renderer(t)
	for name, mod := range map[string]func(*CertificateData){
		"serial format":  func(c *CertificateData) { c.Serial = "SH-2026-000123" },
		"serial digits":  func(c *CertificateData) { c.Serial = "沪-2026-123" },
		"uscc length":    func(c *CertificateData) { c.USCC = "9131011" },
		"uscc alphabet":  func(c *CertificateData) { c.USCC = "91310115MA1K4XYZ34" },
		"no name":        func(c *CertificateData) { c.Name = " " },
		"no authority":   func(c *CertificateData) { c.Authorities[1].Name = "" },
		"no date":        func(c *CertificateData) { c.IssueDate = time.Time{} },
		"relative url":   func(c *CertificateData) { c.VerifyURL = "/verify/沪-2026-000123" },
		"non-http url":   func(c *CertificateData) { c.VerifyURL = "javascript:alert(1)" },
		"name too long":  func(c *CertificateData) { c.Name = strings.Repeat(longName, 4) },
		"unknown glyphs": func(c *CertificateData) { c.Name += "\U0002A6A5" }, // outside the BMP
	} {
		c := sampleCert()
		mod(&c)
		if _, err := r.Certificate(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestVerifyURL(t *testing.T) {
	enc, shown, err := verifyURL("http://127.0.0.1:8080/verify/沪-2026-000123")
	if err != nil {
		t.Fatal(err)
	}
	if enc != "http://127.0.0.1:8080/verify/%E6%B2%AA-2026-000123" {
		t.Errorf("encoded = %q", enc)
	}
	if shown != "http://127.0.0.1:8080/verify/沪-2026-000123" {
		t.Errorf("shown = %q", shown)
	}
}

// TestCertificateSizeWorstCase: a long name of characters found nowhere else
// on the certificate (each adds a glyph to the embedded font) stays < 100 KB.
func TestCertificateSizeWorstCase(t *testing.T) {
	c := sampleCert()
	c.Name = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥春夏秋冬梅兰竹菊琴棋书画诗酒茶岳雷雨松柏桃李湘鄂赣闽浙苏皖豫冀晋蒙辽吉黑粤桂琼黔滇藏陕甘宁港澳龙虎豹狼鹰鹤凤凰麒麟熊猫象狮有限公司"
	c.PlanName = "鑫淼焱垚犇骉磊晶森众品整改验收工作方案"
	b, err := renderer(t).Certificate(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) >= 100*1024 {
		t.Errorf("certificate with a %d-character name is %d bytes, want < 100 KB", len([]rune(c.Name)), len(b))
	}
	if !strings.Contains(squeeze(pdfText(t, b)), c.Name) {
		t.Error("name not found in the text")
	}
}
