package web_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"portal/models"
	"portal/web"
)

// TestKeysInitAndRotate: the private key is 0600; rotation ends the old key that day,
// keeps it listed, deletes its private half, and what it signed before still verifies.
func TestKeysInitAndRotate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	day1 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	k, err := web.InitKeys(dir, "广东省", day1)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "current.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v mode %v; want 0600", err, st.Mode().Perm())
	}
	if _, err := web.InitKeys(dir, "广东省", day1); err == nil {
		t.Fatal("a second init overwrote the key")
	}
	cert := models.Certificate{Serial: "粤-2026-000007", Name: "广州示例网络借贷信息中介服务有限公司", USCC: "91440106MA59A1B2CE",
		IssueDate: models.DateOf(day1), Authority1: "广东省地方金融监督管理局", Authority2: "中国银行保险监督管理委员会广东监管局"}
	oldID, sig, err := k.Sign(models.CertificateSignedContent(cert))
	if err != nil {
		t.Fatal(err)
	}

	day2 := day1.AddDate(0, 0, 20)
	k2, err := web.RotateKeys(dir, day2)
	if err != nil {
		t.Fatal(err)
	}
	ring := k2.Ring()
	cur, _ := ring.Current()
	old, ok := ring.Key(oldID)
	if len(ring.Keys) != 2 || cur.ID == oldID || !ok || old.ValidTo != "2026-11-22" || old.ValidFrom != "2026-11-02" || cur.ValidFrom != "2026-11-22" {
		t.Fatalf("ring after rotation: %+v", ring.Keys)
	}
	loaded, err := web.LoadKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if kid, _, _ := loaded.Sign([]byte("x")); kid != cur.ID {
		t.Fatalf("after rotation the loaded key signs as %s, want %s", kid, cur.ID)
	}
	if r := models.VerifyCertificate(loaded.Ring(), cert, oldID, sig, nil); !r.OK {
		t.Fatalf("a certificate signed by the rotated-out key within its validity: %s", r.Reason)
	}
	if err := os.Chmod(filepath.Join(dir, "current.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := web.LoadKeys(dir); err == nil {
		t.Fatal("a world-readable private key was accepted")
	}
}
