package web_test

import (
	"strings"
	"testing"

	"portal/web/webtest"
)

// TestExportStatementsDoNotGrowWithRows: /institutions.xlsx sends as many statements for
// the demo's institutions as after 450 more (one streamed read, not a count and a page
// per 200 rows), none with OFFSET, and the workbook holds every one of them.
func TestExportStatementsDoNotGrowWithRows(t *testing.T) {
	env := webtest.New(t)
	city := signIn(t, env, "city1")
	city.Get("/institutions") // the session's first use
	before, _ := requestStatements(t, env, city, "/institutions.xlsx")
	demo := len(readXLSX(t, city, "/institutions.xlsx")) - 1
	db, _ := env.Store.SQLDB()
	if _, err := db.Exec(`INSERT INTO institutions (name, uscc, district_id)
		SELECT '导出测试机构' || g, 'E' || lpad(g::text, 17, '0'), (SELECT id FROM divisions WHERE name = '天河区')
		FROM generate_series(1, 450) g`); err != nil {
		t.Fatal(err)
	}
	after, _ := requestStatements(t, env, city, "/institutions.xlsx")
	if len(after) != len(before) {
		t.Errorf("%d statements for %d institutions, %d for %d more:\n%s", len(before), demo, len(after), 450, strings.Join(after, "\n"))
	}
	for _, q := range after {
		if strings.Contains(q, "OFFSET") {
			t.Errorf("an export read with OFFSET: %s", q)
		}
	}
	rows := readXLSX(t, city, "/institutions.xlsx")
	added := 0
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[0], "导出测试机构") {
			added++
		}
	}
	if len(rows)-1 != demo+450 || added != 450 {
		t.Fatalf("the workbook has %d rows (%d added); want %d (450)", len(rows)-1, added, demo+450)
	}
}
