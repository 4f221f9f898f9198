package webtest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"portal/web/mail"
)

// Mailpit starts a real Mailpit for the test: the binary `make test` builds
// ($PORTAL_MAILPIT_BIN, or var/bin/mailpit of the module). The test fails, never skips,
// when it is missing.
func Mailpit(t testing.TB) *mail.Mailpit {
	t.Helper()
	bin := os.Getenv("PORTAL_MAILPIT_BIN")
	if bin == "" {
		if root, err := moduleRoot(); err == nil {
			bin = filepath.Join(root, "var", "bin", "mailpit")
		}
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Mailpit binary missing (%q): run `make mailpit` or `make test`, which build it first", bin)
	}
	mp, err := mail.StartMailpit(context.Background(), bin, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mp.Stop)
	return mp
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// MailpitMessage is one message as Mailpit's API lists it.
type MailpitMessage struct {
	ID        string
	MessageID string
	Subject   string
	To        []struct{ Address string }
}

// MailpitMessages lists what Mailpit received, newest first.
func MailpitMessages(t testing.TB, mp *mail.Mailpit) []MailpitMessage {
	t.Helper()
	var out struct{ Messages []MailpitMessage }
	getJSON(t, "http://"+mp.HTTPAddr+"/api/v1/messages", &out)
	return out.Messages
}

// MailpitText is the plain-text body of one message.
func MailpitText(t testing.TB, mp *mail.Mailpit, id string) string {
	t.Helper()
	var out struct{ Text string }
	getJSON(t, "http://"+mp.HTTPAddr+"/api/v1/message/"+id, &out)
	return out.Text
}

// WaitMailpit polls Mailpit until it holds n messages, for at most a minute (River
// works the queue in its own time; this waits for an event, it does not time one).
func WaitMailpit(t testing.TB, mp *mail.Mailpit, n int) []MailpitMessage {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		msgs := MailpitMessages(t, mp)
		if len(msgs) >= n || time.Now().After(deadline) {
			return msgs
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
