package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"portal/models"
	"portal/web/webtest"
)

// TestVerifyLookupsAreCountedWithBoundedGrowth: every anonymous look-up of /verify/:serial
// is counted, but one client adds at most one row per serial and hour, and at most
// VerificationSerialsPerClient+1 rows an hour however many serials it tries (issue 8 §2.9).
func TestVerifyLookupsAreCountedWithBoundedGrowth(t *testing.T) {
	env := webtest.New(t)
	db, _ := env.Store.SQLDB()
	var serial string
	if err := db.QueryRow("SELECT serial FROM certificates ORDER BY id LIMIT 1").Scan(&serial); err != nil {
		t.Fatal(err)
	}
	rows := func(ip string) (n int) {
		if err := db.QueryRow("SELECT count(*) FROM verifications WHERE ip = $1", ip).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before, _ := env.Store.VerificationCount(t.Context(), serial)
	a, b := env.ClientFrom(t, "127.0.0.2"), env.ClientFrom(t, "127.0.0.3")
	for i := 0; i < 40; i++ {
		if resp, _ := a.Get("/verify/" + url.PathEscape(serial)); resp.StatusCode != http.StatusOK {
			t.Fatalf("look-up %d: %d", i, resp.StatusCode)
		}
	}
	b.Get("/verify/" + url.PathEscape(serial))
	if n := rows("127.0.0.2"); n != 1 {
		t.Errorf("40 look-ups of one serial from one client: %d rows; want 1", n)
	}
	if n, _ := env.Store.VerificationCount(t.Context(), serial); n != before+41 {
		t.Errorf("look-ups counted: %d; want %d", n, before+41)
	}
	// A client walking through serials is itemised up to the bound, then counted together.
	for i := 0; i < 3*models.VerificationSerialsPerClient; i++ {
		if resp, _ := a.Get(fmt.Sprintf("/verify/%s", url.PathEscape(fmt.Sprintf("粤-2026-%06d", 900000+i)))); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown serial: %d", resp.StatusCode)
		}
	}
	if n := rows("127.0.0.2"); n > models.VerificationSerialsPerClient+1 {
		t.Errorf("one client trying %d serials: %d rows; want at most %d", 3*models.VerificationSerialsPerClient, n, models.VerificationSerialsPerClient+1)
	}
	var total int
	if err := db.QueryRow("SELECT sum(hits) FROM verifications WHERE ip = '127.0.0.2'").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 40+3*models.VerificationSerialsPerClient {
		t.Errorf("client's look-ups counted: %d; want %d", total, 40+3*models.VerificationSerialsPerClient)
	}
	// The next hour starts a new row: the record keeps when look-ups happened.
	env.Clock.Advance(time.Hour)
	a.Get("/verify/" + url.PathEscape(serial))
	var windows int
	if err := db.QueryRow("SELECT count(*) FROM verifications WHERE ip = '127.0.0.2' AND serial = $1", serial).Scan(&windows); err != nil {
		t.Fatal(err)
	}
	if windows != 2 {
		t.Errorf("look-ups in two hours: %d rows; want 2", windows)
	}
}
