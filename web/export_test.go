package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"portal/models"
	"portal/web/webtest"
)

// listed is what a list page shows and what its export link gives: the names in its
// rows (nameSel within rowSel), the export's link and the export's rows.
type listed struct {
	page   []string
	href   string
	header []string
	rows   [][]string
}

// listAndExport opens a list page, reads its rows' names, follows its export link and
// opens the workbook.
func listAndExport(t *testing.T, c *webtest.Client, path, rowSel, nameSel string) listed {
	t.Helper()
	resp, body := c.Get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, textOf(body))
	}
	doc := parseHTML(t, body)
	var l listed
	doc.Find(rowSel).Each(func(_ int, s *goquery.Selection) { l.page = append(l.page, cellText(s.Find(nameSel).First())) })
	href, ok := doc.Find("[data-testid=export-xlsx]").Attr("href")
	if !ok {
		t.Fatalf("%s has no export link", path)
	}
	l.href = href
	rows := readXLSX(t, c, href)
	l.header, l.rows = rows[0], rows[1:]
	return l
}

// names is one column of the export.
func (l listed) names(t *testing.T, col string) []string {
	i := column(t, l.header, col)
	var out []string
	for _, r := range l.rows {
		out = append(out, r[i])
	}
	return out
}

// sameSet fails unless the page and the export name the same things.
func sameSet(t *testing.T, what string, page, sheet []string) {
	t.Helper()
	a, b := slices.Clone(page), slices.Clone(sheet)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("%s: the page lists %q, the export %q", what, a, b)
	}
}

func divisionID(t *testing.T, env *webtest.Env, name string) string {
	t.Helper()
	ds, err := env.Store.Divisions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Name == name {
			return strconv.FormatInt(d.ID, 10)
		}
	}
	t.Fatalf("no division %s", name)
	return ""
}

const (
	tianhe      = "广州天河示例网络借贷信息中介服务有限公司"
	tianheLarge = "广州天河大型示例网络借贷信息中介服务股份有限公司"
)

// TestQueueExportsHaveTheFilteredRows: the district, city and province queues export
// what their filtered page shows, through the link on the page.
func TestQueueExportsHaveTheFilteredRows(t *testing.T) {
	env := webtest.New(t)
	small := submitViaStore(t, env, "platform1")
	large := submitViaStore(t, env, "platform3")
	d1 := signIn(t, env, "district1")

	all := listAndExport(t, d1, "/district", "[data-testid=queue-row]", "td:first-child a")
	sameSet(t, "/district", all.page, all.names(t, "机构名称"))
	if len(all.rows) != 2 {
		t.Fatalf("unfiltered district export: %v", all.rows)
	}
	one := listAndExport(t, d1, "/district?q="+url.QueryEscape("大型"), "[data-testid=queue-row]", "td:first-child a")
	if !strings.Contains(one.href, "q=") || !slices.Equal(one.names(t, "机构名称"), []string{tianheLarge}) {
		t.Fatalf("filtered district export %s: %v", one.href, one.rows)
	}
	sameSet(t, "/district?q=大型", one.page, one.names(t, "机构名称"))
	if got := one.rows[0][column(t, one.header, "待收余额 9 亿元及以上")]; got != "是" {
		t.Errorf("large-scale column %q", got)
	}

	// platform1 to the city, platform3 to the joint review of the province
	for _, id := range []int64{small, large} {
		onsiteCheck(t, env, d1, id)
		acceptMaterials(t, env, "district1", id)
		postDecision(t, d1, id, "/district/pass", url.Values{"pass_opinion": {"合格"}}, http.StatusSeeOther)
	}
	c1 := signIn(t, env, "city1")
	city := listAndExport(t, c1, "/city?state=city_review&district="+divisionID(t, env, "天河区"), "[data-testid=queue-row]", "td:first-child a")
	sameSet(t, "/city filtered", city.page, city.names(t, "机构名称"))
	if !slices.Contains(city.names(t, "机构名称"), tianhe) {
		t.Errorf("city export lacks %s: %v", tianhe, city.rows)
	}
	none := listAndExport(t, c1, "/city?state=city_confirm&district="+divisionID(t, env, "天河区"), "[data-testid=queue-row]", "td:first-child a")
	if len(none.rows) != 0 || len(none.page) != 0 {
		t.Errorf("city_confirm filter: page %v, export %v", none.page, none.rows)
	}

	p1 := signIn(t, env, "province1")
	prov := listAndExport(t, p1, "/province?q="+url.QueryEscape("91440106MA9UQ7E8FX"), "[data-testid=queue-row]", "td:first-child a")
	if !slices.Equal(prov.names(t, "机构名称"), []string{tianheLarge}) {
		t.Errorf("province export: %v", prov.rows)
	}
	sameSet(t, "/province filtered", prov.page, prov.names(t, "机构名称"))
}

// TestInstitutionAndComplaintExportsHaveTheFilteredRows: the institutions export with
// the district filter; the complaints export with the status filter and the
// complainant masked.
func TestInstitutionAndComplaintExportsHaveTheFilteredRows(t *testing.T) {
	env := webtest.New(t)
	p1 := signIn(t, env, "province1")
	all := listAndExport(t, p1, "/institutions", "main table.list tbody tr", "td:first-child")
	sameSet(t, "/institutions", all.page, all.names(t, "机构名称"))
	haizhu := listAndExport(t, p1, "/institutions?district="+divisionID(t, env, "海珠区"), "main table.list tbody tr", "td:first-child")
	sameSet(t, "/institutions?district=海珠区", haizhu.page, haizhu.names(t, "机构名称"))
	if len(haizhu.rows) == 0 || len(haizhu.rows) >= len(all.rows) {
		t.Fatalf("district filter: %d of %d rows", len(haizhu.rows), len(all.rows))
	}
	for _, r := range haizhu.rows {
		if r[column(t, haizhu.header, "注册地")] != "海珠区" {
			t.Errorf("row outside 海珠区: %v", r)
		}
	}

	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	visitor := env.Client(t)
	if resp, _ := postComplaint(t, env, visitor, n.ID, "020-87654321", "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complaint: %d", resp.StatusCode)
	}
	c1 := signIn(t, env, "city1")
	pending := listAndExport(t, c1, "/city/complaints?status=pending", "[data-testid=complaints] tbody tr", "td:nth-child(2)")
	sameSet(t, "/city/complaints?status=pending", pending.page, pending.names(t, "被举报机构"))
	if len(pending.rows) != 1 {
		t.Fatalf("pending complaints export: %v", pending.rows)
	}
	row := strings.Join(pending.rows[0], " ")
	if strings.Contains(row, "李四") || strings.Contains(row, "87654321") {
		t.Errorf("export shows the complainant unmasked: %v", pending.rows[0])
	}
	upheld := listAndExport(t, c1, "/city/complaints?status=upheld", "[data-testid=complaints] tbody tr", "td:nth-child(2)")
	if len(upheld.rows) != 0 {
		t.Errorf("upheld filter exported %v", upheld.rows)
	}
	_, audit := signIn(t, env, "auditadmin").Get("/admin/audit?action=" + url.QueryEscape("导出 Excel") + "&actor=city1")
	if parseHTML(t, audit).Find("[data-testid=audit-row]").Length() != 2 {
		t.Errorf("the two complaint exports are not both in the audit trail")
	}
}

// TestCertificateSignoffAndFilingExportsHaveTheFilteredRows covers the province's
// certificate, sign-off and filing lists.
func TestCertificateSignoffAndFilingExportsHaveTheFilteredRows(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	endNotice(t, env, activeNotice(t, env, app.ID)) // platform1 waits for sign-off
	p1 := signIn(t, env, "province1")

	certs := listAndExport(t, p1, "/certificates?q="+url.QueryEscape("粤-2026"), "[data-testid=certificates] tbody tr", "td:nth-child(2)")
	sameSet(t, "/certificates?q=粤-2026", certs.page, certs.names(t, "机构名称"))
	if len(certs.rows) == 0 {
		t.Fatal("no certificate exported")
	}
	if none := listAndExport(t, p1, "/certificates?q=no-such-serial", "[data-testid=certificates] tbody tr", "td:nth-child(2)"); len(none.rows) != 0 {
		t.Errorf("search for nothing exported %v", none.rows)
	}

	sign := listAndExport(t, p1, "/province/signoff", "[data-testid=signoff-queue] tbody tr", "td:first-child")
	sameSet(t, "/province/signoff", sign.page, sign.names(t, "机构名称"))
	if !slices.Contains(sign.names(t, "机构名称"), tianhe) {
		t.Errorf("sign-off export lacks %s: %v", tianhe, sign.rows)
	}

	filed := listAndExport(t, p1, "/province/filing?state=filed", "[data-testid=filing-queue] tbody tr", "td:first-child")
	if len(filed.rows) == 0 || len(filed.rows) != len(filed.page) {
		t.Fatalf("filed: page %v, export %v", filed.page, filed.rows)
	}
	for _, r := range filed.rows {
		if r[column(t, filed.header, "办理状态")] != models.StateFiled.Label() || r[column(t, filed.header, "备案编号")] == "" {
			t.Errorf("filed export row %v", r)
		}
	}
	if waiting := listAndExport(t, p1, "/province/filing?state=certified", "[data-testid=filing-queue] tbody tr", "td:first-child"); len(waiting.rows) != len(waiting.page) {
		t.Errorf("certified: page %d rows, export %d", len(waiting.page), len(waiting.rows))
	}
}
