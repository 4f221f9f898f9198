package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
)

// A complaint comes in while, in another transaction, the notice is being ended or
// revoked. Filing waits for the application and the notice, then finds the notice no
// longer running: it is refused and no complaint is recorded, so a notice never ends
// with a complaint nobody counted.
func TestComplaintWaitsForAConcurrentNoticeDecision(t *testing.T) {
	for _, tc := range []struct{ name, status, words string }{
		{"ended", models.NoticeEnded, "期满"},
		{"revoked", models.NoticeRevoked, "已撤销"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, db := storeAndDB(t)
			app := inNotice(t, st, t0)
			n := noticeOf(t, st, app.ID)
			err := whileLocked(t, db, app.ID, func() error {
				_, err := st.FileComplaint(context.Background(), store.Actor{IP: "10.0.0.9", Now: t0.Add(time.Hour)}, n.ID, complaint, nil)
				return err
			}, "UPDATE notices SET status = $1 WHERE application_id = $2", tc.status, app.ID)
			if models.ErrorCode(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), tc.words) {
				t.Fatalf("complaint on a notice %s meanwhile: %v; want conflict", tc.name, err)
			}
			var complaints int
			if err := db.QueryRow("SELECT count(*) FROM complaints WHERE notice_id = $1", n.ID).Scan(&complaints); err != nil {
				t.Fatal(err)
			}
			if complaints != 0 {
				t.Fatalf("%d complaints recorded on a notice %s meanwhile", complaints, tc.name)
			}
		})
	}
}
