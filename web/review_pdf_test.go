package web_test

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"portal/models"
	"portal/views/pdf"
	"portal/web/webtest"
)

func TestCheckMethodsMatchThePDFForms(t *testing.T) {
	if !slices.Equal(models.CheckMethods, pdf.CheckMethods()) {
		t.Fatalf("models.CheckMethods %v differ from the forms' %v", models.CheckMethods, pdf.CheckMethods())
	}
}

var pdfLink = regexp.MustCompile(`href="(/applications/\d+/opinions/\d+/(?:opinion|check)\.pdf)"`)

// TestOpinionDocumentsAreSealedPDFs passes an application at the district and reads its
// two documents back with pdftotext; the pages are also saved as PNG to look at.
func TestOpinionDocumentsAreSealedPDFs(t *testing.T) {
	env := webtest.New(t)
	id := submitViaStore(t, env, "platform1")
	d1 := signIn(t, env, "district1")
	onsiteCheck(t, env, d1, id)
	acceptMaterials(t, env, "district1", id)
	opinion := "经审核，该机构已按整改要求完成整改：资金存管到位，信息披露完整，未发现自融、资金池等禁止性行为，存量不合规业务已化解完毕。同意报送市级初验。"
	postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {opinion}}, http.StatusSeeOther)
	_, page := d1.Get(appURL(id, ""))
	links := pdfLink.FindAllStringSubmatch(page, -1)
	if len(links) != 2 {
		t.Fatalf("%d document links on the page; want 2", len(links))
	}
	dir := t.TempDir()
	wants := map[string][]string{
		"opinion": {"P2P网贷机构整改验收申请意见表", "广州天河示例网络借贷信息中介服务有限公司", "天河区审核员", "广州市天河区金融工作部门", "资金存管到位"},
		"check":   {"P2P网贷整改验收工作区（县）核查确认表", "核查账务系统", "区金融工作部门2人", "广州市天河区金融工作部门"},
	}
	for _, l := range links {
		kind := strings.TrimSuffix(filepath.Base(l[1]), ".pdf")
		resp, body := d1.Get(l[1])
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("%s: %d %s", l[1], resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		file := filepath.Join(dir, kind+".pdf")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, w := range wants[kind] {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", kind, w, out)
			}
		}
		shots := screenshotDir(t)
		if err := exec.Command("pdftoppm", "-png", "-r", "60", file, filepath.Join(shots, "opinion-"+kind)).Run(); err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
		// another district, and the platform, may not fetch them
		for _, user := range []string{"district2"} {
			if resp, _ := signIn(t, env, user).Get(l[1]); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s fetched %s: %d", user, l[1], resp.StatusCode)
			}
		}
	}
	if resp, _ := signIn(t, env, "platform1").Get(links[0][1]); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the platform fetched the district's document: %d", resp.StatusCode)
	}
}

// screenshotDir is where browser tests put screenshots, for the PDF pages too.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PORTAL_SCREENSHOTS")
	if dir == "" {
		wd, _ := os.Getwd()
		dir = filepath.Join(filepath.Dir(wd), "var", "test-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
