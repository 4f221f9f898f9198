package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

// A complaint's attachment goes to the city officer only while it still matches the
// SHA-256 recorded when it came in: a damaged copy is refused, not sent, like every other
// download.
func TestComplaintAttachmentDownloadChecksItsHash(t *testing.T) {
	env := webtest.New(t)
	app := platform1InNotice(t, env)
	n := activeNotice(t, env, app.ID)
	file := []byte("%PDF-1.4 complaint evidence, page one of the receipt")
	if resp, _ := postComplaint(t, env, env.Client(t), n.ID, "020-87654321", "收据.pdf", file); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complaint: %d", resp.StatusCode)
	}
	city := actAs(t, env, "city1")
	rows, _, err := env.Store.ListComplaints(context.Background(), city.User, store.ComplaintFilter{}, models.Page{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("complaints %v %v", rows, err)
	}
	refs, err := env.Store.FilesOf(context.Background(), store.FilesComplaint, rows[0].ID)
	if err != nil || len(refs) != 1 {
		t.Fatalf("attachments %v %v", refs, err)
	}
	url := fmt.Sprintf("/city/complaints/%d/files/%d", rows[0].ID, refs[0].ID)
	c := login(t, env, "city1")
	resp, body := c.Get(url)
	if resp.StatusCode != http.StatusOK || body != string(file) || resp.Header.Get("X-Content-SHA256") != sha(file) ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("download: %d, %d bytes, %q", resp.StatusCode, len(body), resp.Header.Get("X-Content-SHA256"))
	}

	path := env.Web.FilesDir() + "/" + sha(file)[:2] + "/" + sha(file)[2:4] + "/" + sha(file)
	damaged := append([]byte{}, file...)
	damaged[10] ^= 0xFF
	if err := os.WriteFile(path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	resp, body = c.Get(url)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "校验失败") || strings.Contains(body, "receipt") {
		t.Fatalf("damaged attachment: %d\n%s", resp.StatusCode, body)
	}
}
