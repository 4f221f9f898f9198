package web_test

import (
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// TestScaleLoaderKeepsTheCountersExact: the benchmark's loader writes institutions,
// applications, notices, certificates and filings with set-based statements (hundreds of
// rows a statement); the kept counters of migrations 00096 and 00097 equal the COUNTs of
// the loaded rows, so the benchmark measures lists whose counts are right.
func TestScaleLoaderKeepsTheCountersExact(t *testing.T) {
	env := webtest.New(t)
	loadScale(t, env, 400)
	db, err := env.Store.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	for what, q := range map[string]string{
		"applications": `SELECT count(*) FROM (
			SELECT district_id, city_id, province_id, state, balance >= $1 AS large, count(*) AS n FROM applications GROUP BY 1, 2, 3, 4, 5) a
			FULL JOIN (SELECT * FROM application_counts WHERE n <> 0) c USING (district_id, city_id, province_id, state, large)
			WHERE a.n IS DISTINCT FROM c.n AND $1::bigint > 0`,
		"institutions": `SELECT count(*) FROM (
			SELECT i.district_id, c.id AS city_id, c.parent_id AS province_id, count(*) AS n FROM institutions i
			  JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id GROUP BY 1, 2, 3) a
			FULL JOIN (SELECT * FROM institution_counts WHERE n <> 0) c USING (district_id, city_id, province_id)
			WHERE a.n IS DISTINCT FROM c.n AND $1::bigint > 0`,
		"notices": `SELECT count(*) FROM (SELECT status, count(*) AS n FROM notices GROUP BY 1) a
			FULL JOIN (SELECT * FROM notice_counts WHERE n <> 0) c USING (status)
			WHERE a.n IS DISTINCT FROM c.n AND $1::bigint > 0`,
		"register": `SELECT count(*) FROM (
			SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked') AS revoked, count(*) AS n
			  FROM filings f GROUP BY 1) a
			FULL JOIN (SELECT * FROM register_counts WHERE n <> 0) c USING (revoked)
			WHERE a.n IS DISTINCT FROM c.n AND $1::bigint > 0`,
	} {
		var wrong int
		if err := db.QueryRow(q, int64(models.LargeScaleThreshold)).Scan(&wrong); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if wrong != 0 {
			t.Errorf("%s: %d counters differ from the COUNT of the loaded rows", what, wrong)
		}
	}
	var loaded int
	if err := db.QueryRow(`SELECT COALESCE(sum(n), 0) FROM institution_counts`).Scan(&loaded); err != nil || loaded < 400 {
		t.Fatalf("institution counters sum to %d (%v); want the demo's and the 400 loaded", loaded, err)
	}
}
