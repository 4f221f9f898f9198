//go:build chaos

// The longer fault runs of issue 8, 3.4, run by `make chaos` (go test -tags chaos): each
// is bounded in time and prints how many acknowledged writes were lost, which must be 0,
// and checks the decision chain.
package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/web/webtest"
)

// districtApplications adds n institutions in district1's district, each with an
// application in district review, claimed by district1 with the on-site check recorded:
// each then waits for one decision.
func districtApplications(t *testing.T, env *webtest.Env, d1 *webtest.Client, n int) []int64 {
	t.Helper()
	db, _ := env.Store.SQLDB()
	var ids []int64
	for i := 0; i < n; i++ {
		var instID, appID int64
		err := db.QueryRow(`INSERT INTO institutions (name, uscc, district_id, outstanding_balance)
			VALUES ($1, $2, (SELECT district_id FROM institutions WHERE uscc = '91440106MA59A1B2CE'), 100) RETURNING id`,
			fmt.Sprintf("压力测试机构%03d", i), models.MakeUSCC(fmt.Sprintf("9144010611111%04d", i))).Scan(&instID)
		if err != nil {
			t.Fatal(err)
		}
		err = db.QueryRow(`INSERT INTO applications (institution_id, state, version, state_since, created_at, updated_at, due_date, due_kind, due_label)
			VALUES ($1, 'district_review', 1, now(), now(), now(), '2026-12-30', 'working', '审核期限') RETURNING id`, instID).Scan(&appID)
		if err != nil {
			t.Fatal(err)
		}
		onsiteCheck(t, env, d1, appID)
		ids = append(ids, appID)
	}
	return ids
}

// passDecisions counts the district pass decisions recorded for app.
func passDecisions(t testing.TB, st *store.Store, appID int64) int {
	t.Helper()
	db, _ := st.SQLDB()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM decisions WHERE application_id = $1 AND event = 'pass' AND from_state = 'district_review'", appID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// passForm is a district pass of an application whose materials were never uploaded:
// the officer overrides the materials rule with a recorded reason.
func passForm(version string) url.Values {
	return url.Values{"pass_opinion": {"合格"}, "version": {version}, "pass_override": {"1"},
		"pass_override_reason": {"压力测试：申请材料已在现场核查中逐项线下核验，情况属实"}}
}

// rawSubmit posts a form from any goroutine: it reports errors instead of failing t.
func rawSubmit(c *webtest.Client, base, path, token string, form url.Values) (int, error) {
	form.Set("_csrf", token)
	resp, err := c.HTTP.PostForm(base+path, form)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func checkChain(t testing.TB, st *store.Store) int {
	t.Helper()
	brk, n, err := st.VerifyDecisionChain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if brk != nil {
		t.Fatalf("decision chain broken at decision %d: %s", brk.DecisionID, brk.Reason)
	}
	return n
}

func report(t testing.TB, name string, acked, lost int, chain int, extra string) {
	fmt.Printf("chaos %s: %d acknowledged writes, lost acknowledged writes: %d; decision chain intact over %d decisions%s\n", name, acked, lost, chain, extra)
	if lost != 0 {
		t.Errorf("%s: %d acknowledged writes lost", name, lost)
	}
}

// 50 applications, each decided twice at the same moment from the same page version
// (two tabs, a double click): exactly one of each pair is acknowledged and recorded, the
// other refused with 409, and the chain stays whole.
func TestChaosConcurrentDecisions(t *testing.T) {
	env := webtest.New(t)
	d1 := signIn(t, env, "district1")
	ids := districtApplications(t, env, d1, 50)
	versions := map[int64]string{}
	for _, id := range ids {
		versions[id] = pageVersion(t, d1, id)
	}
	token := d1.CSRF()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	acks, statuses := map[int64]int{}, map[int]int{}
	for _, id := range ids {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				code, err := rawSubmit(d1, env.Server.URL, appURL(id, "/district/pass"), token, passForm(versions[id]))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					statuses[-1]++
					return
				}
				statuses[code]++
				if code == http.StatusSeeOther {
					acks[id]++
				}
			}()
		}
	}
	close(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the concurrent decisions did not finish within 2 minutes")
	}
	lost, acked := 0, 0
	for _, id := range ids {
		n := passDecisions(t, env.Store, id)
		acked += acks[id]
		if acks[id] != 1 || n != 1 {
			t.Errorf("application %d: %d acknowledged, %d recorded; want exactly one of each", id, acks[id], n)
		}
		if n < acks[id] {
			lost += acks[id] - n
		}
	}
	if statuses[http.StatusSeeOther] != 50 || statuses[http.StatusConflict] != 50 {
		t.Errorf("statuses %v; want 50 × 303 and 50 × 409", statuses)
	}
	report(t, "50 concurrent decisions (100 requests)", acked, lost, checkChain(t, env.Store), fmt.Sprintf("; statuses %v", statuses))
}

// PostgreSQL killed with SIGKILL while officers decide and users sign in: every write
// acknowledged with 303 is there after the supervised restart, requests during the
// outage get 503 (never another 5xx), and the portal recovers without a restart.
func TestChaosDatabaseKilledUnderLoad(t *testing.T) {
	fe := newFaultEnv(t)
	env := fe.Env
	d1 := signIn(t, env, "district1")
	ids := districtApplications(t, env, d1, 120)
	token := d1.CSRF()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	work := make(chan int64, len(ids))
	for _, id := range ids {
		work <- id
	}
	var (
		mu        sync.Mutex
		ackedApp  = map[int64]bool{}
		sessions  []*webtest.Client
		statuses  = map[int]int{}
		ackCount  atomic.Int64
		killAt    = make(chan struct{})
		killOnce  sync.Once
		restarted atomic.Bool
	)
	note := func(code int) {
		mu.Lock()
		statuses[code]++
		mu.Unlock()
		if ackCount.Load() >= 30 {
			killOnce.Do(func() { close(killAt) })
		}
	}
	var wg sync.WaitGroup
	// Deciders: each application once; one that was not acknowledged is tried again.
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				var id int64
				select {
				case id = <-work:
				default:
					return
				}
				code, err := rawSubmit(d1, env.Server.URL, appURL(id, "/district/pass"), token, passForm("0"))
				if err != nil {
					code = -1
				}
				if code == http.StatusSeeOther {
					mu.Lock()
					ackedApp[id] = true
					mu.Unlock()
					ackCount.Add(1)
				} else if code == http.StatusServiceUnavailable || code == -1 { // not done: try again
					work <- id
					if !restarted.Load() {
						time.Sleep(20 * time.Millisecond) // pace the retries during the outage
					}
				}
				note(code)
			}
		}()
	}
	// Sign-ins: each acknowledged one is a session that must still work afterwards.
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25 && ctx.Err() == nil; i++ {
				c := fe.Client(t)
				tok := newCSRF(c, env)
				if tok == "" {
					note(-1)
					continue
				}
				code, err := rawSubmit(c, env.Server.URL, "/login", tok, url.Values{"username": {[]string{"city1", "city2", "province1"}[w]}, "password": {webtest.DemoPassword}})
				if err != nil {
					code = -1
				}
				if code == http.StatusSeeOther {
					mu.Lock()
					sessions = append(sessions, c)
					mu.Unlock()
					ackCount.Add(1)
				}
				note(code)
			}
		}()
	}
	select {
	case <-killAt:
	case <-ctx.Done():
		t.Fatal("load did not reach 30 acknowledged writes")
	}
	fe.killDatabase(t)
	// Let the load run into the dead database for a while, measured in requests.
	for before := total(&mu, statuses); total(&mu, statuses) < before+40 && ctx.Err() == nil; {
		time.Sleep(10 * time.Millisecond)
	}
	fe.allowRestart(t)
	restarted.Store(true)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the load did not finish within 4 minutes")
	}
	mu.Lock()
	defer mu.Unlock()
	for code, n := range statuses {
		// 303 done; 409 an earlier try committed before its answer was lost; 503 the outage
		if code != http.StatusSeeOther && code != http.StatusConflict && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d", n, code)
		}
	}
	if statuses[http.StatusServiceUnavailable] == 0 {
		t.Error("no request met the dead database: the kill came too late")
	}
	lost, acked := 0, 0
	for _, id := range ids {
		n := passDecisions(t, env.Store, id)
		if n > 1 {
			t.Errorf("application %d decided %d times", id, n)
		}
		if ackedApp[id] {
			acked++
			if n == 0 {
				lost++
			}
		}
	}
	for _, c := range sessions {
		acked++
		resp, body := c.Get("/inbox")
		if resp.StatusCode != http.StatusOK || parseHTML(t, body).Find("[data-testid=current-user]").Length() != 1 {
			lost++
		}
	}
	report(t, "PostgreSQL killed under load", acked, lost, checkChain(t, env.Store), fmt.Sprintf("; statuses %v", statuses))
}

func total(mu *sync.Mutex, m map[int]int) int {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// newCSRF gets a CSRF cookie for c from the login page without failing from a goroutine.
func newCSRF(c *webtest.Client, env *webtest.Env) string {
	resp, err := c.HTTP.Get(env.Server.URL + "/login")
	if err != nil {
		return ""
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	u, _ := url.Parse(env.Server.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "portal_csrf" {
			return ck.Value
		}
	}
	return ""
}

// The portal process killed with SIGKILL in the middle of a large upload, then started
// again on the same ./var: its private PostgreSQL comes back, every upload acknowledged
// before is listed with its bytes intact, the interrupted one is not, and the chain holds.
func TestChaosPortalKilledMidUpload(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	root, err := os.MkdirTemp("", "portal-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	_ = os.Chmod(root, 0o755)
	bin := filepath.Join(root, "portal")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "portal/cmd/portal").CombinedOutput(); err != nil {
		t.Fatalf("building the portal: %v\n%s", err, out)
	}
	httpPort, _ := freePort(t)
	pgPort, _ := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve")
		cmd.Env = append(os.Environ(), "PORTAL_VAR_DIR="+filepath.Join(root, "var"), fmt.Sprintf("PORT=%d", httpPort),
			fmt.Sprintf("PG_PORT=%d", pgPort), "PORTAL_ENV=demo", "DATABASE_URL=")
		logf, _ := os.OpenFile(filepath.Join(root, "portal.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for ctx.Err() == nil {
			if resp, err := http.Get(base + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return cmd
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		log, _ := os.ReadFile(filepath.Join(root, "portal.log"))
		t.Fatalf("the portal did not come up:\n%s", log)
		return nil
	}
	portal := start()
	st := openPortalStore(t, ctx, root, pgPort)
	env := &webtest.Env{Server: &httptest.Server{URL: base}, Store: st, Clock: &webtest.Clock{}}
	env.Clock.Set(time.Now())
	appID := readyApplication(t, env, "platform1")
	p1 := signIn(t, env, "platform1")
	m := materials(t, env)["custody_agreement"]
	path := fmt.Sprintf("/platform/applications/%d/materials/%d/files?slot=1", appID, m.ID)
	var acked []string
	for i := range 8 {
		body := pdfBody(256<<10, fmt.Sprintf("acknowledged-%d", i))
		resp, text := postFile(t, env, p1, path, fmt.Sprintf("存管协议-%d.pdf", i), strings.NewReader(string(body)))
		if resp == nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %d: %v\n%s", i, resp, textOf(text))
		}
		acked = append(acked, sha(body))
	}
	st.Close()

	// The large upload: 24 MB are sent, then the portal is killed, then the client gives up.
	pr, pw := io.Pipe()
	big := pdfBody(24<<20, "interrupted") // of a larger file: the rest never comes; more than the sockets buffer
	sent := make(chan struct{})
	go func() {
		_, _ = pw.Write(big)
		close(sent)
	}()
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		resp, _ := postFile(t, env, p1, path, "中断的上传.pdf", pr)
		if resp != nil && resp.StatusCode == http.StatusSeeOther {
			t.Error("the interrupted upload was acknowledged")
		}
	}()
	<-sent
	if err := portal.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = portal.Wait()
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-reqDone
	tempsAfterKill := countTemps(root)
	if tempsAfterKill == 0 {
		t.Error("no temporary file after the kill: the upload was not under way")
	}

	portal = start() // the second run recovers the private PostgreSQL by itself
	defer func() { _ = portal.Process.Signal(os.Interrupt); _ = portal.Wait() }()
	st = openPortalStore(t, ctx, root, pgPort)
	defer st.Close()
	fs, err := files.NewLocal(filepath.Join(root, "var", "files"))
	if err != nil {
		t.Fatal(err)
	}
	db, _ := st.SQLDB()
	lost := 0
	for _, want := range acked {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM material_files WHERE application_id = $1 AND sha256 = $2", appID, want).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 || contentHash(ctx, fs, want) != want {
			lost++
		}
	}
	var interrupted int
	_ = db.QueryRowContext(ctx, "SELECT count(*) FROM material_files WHERE application_id = $1 AND filename = '中断的上传.pdf'", appID).Scan(&interrupted)
	if interrupted != 0 {
		t.Errorf("the interrupted upload left %d rows", interrupted)
	}
	// The restarted portal serves the signed-in platform as before.
	if resp, _ := p1.Get("/platform/applications"); resp.StatusCode != http.StatusOK {
		t.Errorf("application page after the restart: %d", resp.StatusCode)
	}
	report(t, "portal killed mid-upload", len(acked), lost, checkChain(t, st),
		fmt.Sprintf("; temporary upload files after the kill: %d, after the restart: %d", tempsAfterKill, countTemps(root)))
}

func countTemps(root string) int {
	m, _ := filepath.Glob(filepath.Join(root, "var", "files", "tmp", "upload-*"))
	return len(m)
}

func contentHash(ctx context.Context, fs *files.Local, sum string) string {
	r, err := fs.Open(ctx, sum)
	if err != nil {
		return ""
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// openPortalStore connects to the portal's private PostgreSQL with its password file.
func openPortalStore(t *testing.T, ctx context.Context, root string, pgPort int) *store.Store {
	t.Helper()
	pw, err := os.ReadFile(filepath.Join(root, "var", "pg", "password"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=portal sslmode=disable", pgPort, strings.TrimSpace(string(pw))))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func freePort(t *testing.T) (int, error) {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
