package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// scoresOf reads the whole stored ranking the user sees for the month, page by page.
func scoresOf(t *testing.T, st *store.Store, u *models.User, p models.Period) []store.ScoreRow {
	t.Helper()
	var out []store.ScoreRow
	for n := 1; ; n++ {
		rows, total, _, err := st.ScoreRanking(context.Background(), u, store.ScoreFilter{Period: p}, models.Page{Number: n, Size: 7})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
		if len(rows) == 0 || int64(len(out)) >= total {
			return out
		}
	}
}

// filedIn lists the filed institutions of the user's province with their city, by the
// test's own SQL.
func filedIn(t *testing.T, db *sql.DB, username string) map[int64]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT DISTINCT i.id, c.id FROM filings f JOIN applications a ON a.id = f.application_id AND a.state = 'filed'
		JOIN institutions i ON i.id = f.institution_id JOIN divisions d ON d.id = i.district_id JOIN divisions c ON c.id = d.parent_id
		WHERE c.parent_id = (SELECT division_id FROM users WHERE username = $1)`, username)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, city int64
		if err := rows.Scan(&id, &city); err != nil {
			t.Fatal(err)
		}
		out[id] = city
	}
	return out
}

// firstFiled is the demo's first filed institution of province1's province and its
// district officer.
func firstFiled(t *testing.T, st *store.Store, db *sql.DB) (int64, store.Actor) {
	t.Helper()
	var inst int64
	for id := range filedIn(t, db, "province1") {
		if inst == 0 || id < inst {
			inst = id
		}
	}
	if inst == 0 {
		t.Fatal("the demo has no filed institution in province1's province")
	}
	var clerk string
	if err := db.QueryRow(`SELECT username FROM users WHERE role = 'district' AND division_id = (SELECT district_id FROM institutions WHERE id = $1)
		ORDER BY id LIMIT 1`, inst).Scan(&clerk); err != nil {
		t.Fatal(err)
	}
	return inst, actorOf(t, st, clerk, t0)
}

// TestStoredScoresStayExact changes what a completeness score is computed from through
// the store's own writers (the file and its parts, a yearly document, a report version, a
// filing revoked) and by hand (an institution moved): after each step the stored ranking
// of every month built lists exactly the filed institutions, each with the score the
// institution's own page computes now, and ranks within its city by the test's count;
// the steps whose effect the seeds' weights fix move the score by exactly that.
func TestStoredScoresStayExact(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prov := user(t, st, "province1")
	months := []models.Period{{Year: 2026, Month: 10}, {Year: 2025, Month: 3}}
	totalOf := map[models.Period]map[int64]models.Points{}
	check := func(step string) {
		t.Helper()
		filed := filedIn(t, db, "province1")
		for _, p := range months {
			got := scoresOf(t, st, prov, p)
			totalOf[p] = map[int64]models.Points{}
			cities := map[int64]int64{}
			for _, r := range got {
				if _, ok := filed[r.InstitutionID]; !ok {
					t.Errorf("%s, %s: %s ranked, not filed in the province", step, p, r.Name)
					continue
				}
				live, err := st.DisclosureScore(ctx, prov, r.InstitutionID, p)
				if err != nil {
					t.Fatal(err)
				}
				if live.Total != r.Score.Total {
					t.Errorf("%s, %s: %s stored %s, computed now %s", step, p, r.Name, r.Score.Total, live.Total)
				}
				totalOf[p][r.InstitutionID] = r.Score.Total
				cities[r.InstitutionID] = filed[r.InstitutionID]
			}
			if len(got) != len(filed) {
				t.Errorf("%s, %s: %d ranked, %d filed", step, p, len(got), len(filed))
			}
			for _, r := range got {
				want := 1
				for id, tot := range totalOf[p] {
					if cities[id] == cities[r.InstitutionID] && tot > r.Score.Total {
						want++
					}
				}
				if r.Rank != want {
					t.Errorf("%s, %s: %s ranked %d, %d in its city score more", step, p, r.Name, r.Rank, want-1)
				}
			}
		}
	}
	check("demo data")
	inst, officer := firstFiled(t, st, db)
	before := func() map[models.Period]models.Points {
		out := map[models.Period]models.Points{}
		for _, p := range months {
			out[p] = totalOf[p][inst]
		}
		return out
	}
	moved := func(step string, was map[models.Period]models.Points, delta map[models.Period]models.Points) {
		t.Helper()
		for _, p := range months {
			if got := totalOf[p][inst] - was[p]; got != delta[p] {
				t.Errorf("%s, %s: the score moved by %s, the seeds' weights say %s", step, p, got, delta[p])
			}
		}
	}

	// the file: shareholders and people are 股东及实控人 5 and 治理及董监高 5 (seeds/002
	// 规范表), in every month
	f, err := st.InstitutionFile(ctx, officer.User, inst)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Shareholders) != 0 || len(f.People) != 0 {
		t.Fatalf("the demo's filed institution has %d shareholders, %d people", len(f.Shareholders), len(f.People))
	}
	bare := *f
	was := before()
	f.Shareholders = []models.Shareholder{{Name: "张三", Kind: "natural", Share: 100 * models.Percent}}
	f.People = []models.Person{{Name: "李四", Role: "executive", Title: "总经理"}}
	if _, err := st.SaveInstitutionFile(ctx, officer, inst, *f); err != nil {
		t.Fatal(err)
	}
	check("shareholders and people added")
	moved("shareholders and people added", was, map[models.Period]models.Points{months[0]: 1000, months[1]: 1000})
	was = before()
	if _, err := st.SaveInstitutionFile(ctx, officer, inst, bare); err != nil {
		t.Fatal(err)
	}
	check("shareholders and people removed")
	moved("shareholders and people removed", was, map[models.Period]models.Points{months[0]: -1000, months[1]: -1000})

	// a yearly document counts for the months of its year and the year after (the
	// documents of the year before the month's and since): an audit of 2024 counts for
	// 2025-03, not for 2026-10
	var hadAudit bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM disclosure_annual_docs WHERE institution_id = $1 AND kind = 'audit' AND year >= 2024)`, inst).Scan(&hadAudit); err != nil {
		t.Fatal(err)
	}
	was = before()
	if _, err := st.AddAnnualDoc(ctx, store.Actor{User: officer.User, Now: t0}, inst, 2024, models.DocAudit, fakeFile("审计报告.pdf")); err != nil {
		t.Fatal(err)
	}
	check("an audit report of 2024")
	want := models.Points(1000) // 财务信息 10
	if hadAudit {
		want = 0
	}
	moved("an audit report of 2024", was, map[models.Period]models.Points{months[0]: 0, months[1]: want})

	// a report of 2025-03 where there was none: 交易发生 10, 交易余额 10, 集中度 5, 逾期 10, 客户 5
	var reported bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM disclosure_reports WHERE institution_id = $1 AND period = 202503)`, inst).Scan(&reported); err != nil {
		t.Fatal(err)
	}
	if reported {
		t.Fatal("the demo's filed institution reported 2025-03 already")
	}
	was = before()
	if _, err := st.SubmitMonthlyReport(ctx, officer, store.ReportInput{InstitutionID: inst, Figures: sampleFigures(months[1]), Source: models.SourceForm}); err != nil {
		t.Fatal(err)
	}
	check("a report of 2025-03")
	moved("a report of 2025-03", was, map[models.Period]models.Points{months[0]: 0, months[1]: 4000})

	// a third month, built now, ranks the institutions as they stand
	months = append(months, models.Period{Year: 2026, Month: 9})
	check("a third month built")

	// moved by hand to another city's district: its rows follow (the trigger of 00122)
	if _, err := db.Exec(`UPDATE institutions SET district_id = (SELECT d.id FROM divisions d JOIN divisions c ON c.id = d.parent_id
		WHERE d.level = 'district' AND c.parent_id = (SELECT province_id FROM institutions WHERE id = $1)
		  AND c.id <> (SELECT city_id FROM institutions WHERE id = $1) ORDER BY d.id LIMIT 1) WHERE id = $1`, inst); err != nil {
		t.Fatal(err)
	}
	check("moved to another city")
	var city string
	for _, r := range scoresOf(t, st, prov, months[0]) {
		if r.InstitutionID == inst {
			city = r.City
		}
	}
	var wantCity string
	if err := db.QueryRow(`SELECT c.name FROM institutions i JOIN divisions c ON c.id = i.city_id WHERE i.id = $1`, inst).Scan(&wantCity); err != nil {
		t.Fatal(err)
	}
	if city != wantCity {
		t.Errorf("after the move the ranking shows the city %q, the institution is in %q", city, wantCity)
	}

	// the certificate revoked: the application leaves the filed state, the ranking drops it
	certs, _, err := st.ListCertificates(ctx, user(t, st, "admin"), "", models.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	revoked := false
	for _, c := range certs {
		if c.InstitutionID == inst {
			if err := st.RevokeCertificate(ctx, actorOf(t, st, "province1", t0), c.ID, "验收材料经查实存在虚假记载"); err != nil {
				t.Fatal(err)
			}
			revoked = true
		}
	}
	if !revoked {
		t.Fatal(fmt.Sprintf("no certificate of institution %d", inst))
	}
	check("certificate revoked")
	for _, r := range scoresOf(t, st, prov, months[0]) {
		if r.InstitutionID == inst {
			t.Errorf("institution %d still ranked after its certificate was revoked", inst)
		}
	}
}

// TestScoreMonthBuiltDuringWrites builds months of scores while the institution's file
// changes in other transactions, again and again: whichever commits first, every stored
// row ends equal to the score computed now, and neither waits for the other forever
// (buildScorePeriod waits for the refreshes that began before it recorded the month and
// keeps what later ones wrote; an earlier version that locked writers out deadlocked here).
func TestScoreMonthBuiltDuringWrites(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prov := user(t, st, "province1")
	inst, officer := firstFiled(t, st, db)
	f, err := st.InstitutionFile(ctx, officer.User, inst)
	if err != nil {
		t.Fatal(err)
	}
	bare, full := *f, *f
	full.Shareholders = []models.Shareholder{{Name: "张三", Kind: "natural", Share: 100 * models.Percent}}
	month := models.Period{Year: 2024, Month: 1}
	for i := range 12 {
		file := bare
		if i%2 == 0 {
			file = full
		}
		errs := make(chan error, 2)
		go func() {
			_, err := st.SaveInstitutionFile(ctx, officer, inst, file)
			errs <- err
		}()
		go func() {
			_, _, _, err := st.ScoreRanking(ctx, prov, store.ScoreFilter{Period: month}, models.Page{})
			errs <- err
		}()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.Query(`SELECT period, total FROM disclosure_scores WHERE institution_id = $1`, inst)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var period int
			var total int64
			if err := rows.Scan(&period, &total); err != nil {
				t.Fatal(err)
			}
			live, err := st.DisclosureScore(ctx, prov, inst, models.Period{Year: period / 100, Month: period % 100})
			if err != nil {
				t.Fatal(err)
			}
			if models.Points(total) != live.Total {
				t.Errorf("round %d, %d: stored %d, computed now %d", i, period, total, live.Total)
			}
			n++
		}
		rows.Close()
		if n != i+1 {
			t.Fatalf("round %d: %d months stored for the institution, %d built", i, n, i+1)
		}
		month = month.Next()
	}
}
