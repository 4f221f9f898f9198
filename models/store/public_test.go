package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// inNotice drives platform1's application through the review chain into public notice
// at now, the way the officers would.
func inNotice(t *testing.T, st *store.Store, now time.Time) *models.Application {
	t.Helper()
	ctx := context.Background()
	user := func(name string) store.Actor {
		u, err := st.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return store.Actor{User: u, Now: now}
	}
	p := user("platform1")
	app, err := st.CreateApplication(ctx, p, *p.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who string
		ev  models.Event
	}{{"platform1", models.EventSubmit}, {"district1", models.EventPass}, {"city1", models.EventPass}, {"city2", models.EventConfirm}} {
		if app, err = st.ApplyEvent(ctx, user(step.who), app.ID, step.ev, store.DecisionInput{Opinion: "同意"}, nil); err != nil {
			t.Fatalf("%s %s: %v", step.who, step.ev, err)
		}
	}
	return app
}

func actorOf(t *testing.T, st *store.Store, name string, now time.Time) store.Actor {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{User: u, Now: now, IP: "127.0.0.1"}
}

func noticeOf(t *testing.T, st *store.Store, appID int64) *store.NoticeRow {
	t.Helper()
	rows, _, err := st.ListNotices(context.Background(), store.NoticeFilter{}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ApplicationID == appID {
			return &r
		}
	}
	t.Fatalf("no notice for application %d", appID)
	return nil
}

var complaint = models.ComplaintInput{Type: "lender", Name: "王小明", Contact: "13812345678", Content: "该平台仍在以期限拆分方式销售产品，本人十月购买过。"}

func TestComplaintUpheldRevokesAndReaccepts(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	app := inNotice(t, st, t0)
	n := noticeOf(t, st, app.ID)
	if n.Status != models.NoticeActive || n.StartDate != models.DateOf(t0) || n.EndDate != models.DateOf(t0).AddDays(13) {
		t.Fatalf("notice %+v", n.PublicNotice)
	}
	v0, _ := st.PublicVersion(ctx)
	c, err := st.FileComplaint(ctx, store.Actor{IP: "10.0.0.9", Now: t0.Add(time.Hour)}, n.ID, complaint, []store.FileRef{{SHA256: "ab", Name: "a.pdf", Size: 3, ContentType: "application/pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.ComplaintByRef(ctx, c.Ref)
	if err != nil || got.Status != models.ComplaintPending || got.InstitutionName == "" {
		t.Fatalf("ComplaintByRef: %+v, %v", got, err)
	}
	// the notice cannot end while the complaint is pending
	if _, err := st.EndDueNotices(ctx, t0.Add(20*24*time.Hour)); err != nil || stateOf(t, st, app.ID) != models.StatePublicNotice {
		t.Fatalf("EndDueNotices with a pending complaint: %v", err)
	}
	// outside the jurisdiction it does not exist
	if _, err := st.VerifyComplaint(ctx, actorOf(t, st, "district2", t0), c.ID, models.ComplaintVerification{Upheld: true, Finding: "x"}); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("district2 verifying: %v; want not found", err)
	}
	if _, err := st.VerifyComplaint(ctx, actorOf(t, st, "city1", t0.Add(2*time.Hour)), c.ID,
		models.ComplaintVerification{Upheld: true, Finding: "经调取资金流水核实属实", PublicReason: "举报经核查属实，撤销初验合格意见"}); err != nil {
		t.Fatal(err)
	}
	if v1, _ := st.PublicVersion(ctx); v1 <= v0 {
		t.Fatalf("public version did not move: %d → %d", v0, v1)
	}
	n2, _ := st.NoticeByID(ctx, n.ID)
	if n2.Status != models.NoticeRevoked || n2.RevokedReason == "" || n2.RevokedAt == nil {
		t.Fatalf("notice after upheld complaint: %+v", n2.PublicNotice)
	}
	city1 := actorOf(t, st, "city1", t0)
	a2, _ := st.Application(ctx, city1.User, app.ID)
	if a2.State != models.StateCityReview {
		t.Fatalf("state after upheld complaint: %s; want city_review", a2.State)
	}
	hist, _ := st.History(ctx, app.ID)
	last2 := []models.Event{hist[len(hist)-2].Event, hist[len(hist)-1].Event}
	if last2[0] != models.EventRevoke || last2[1] != models.EventReaccept {
		t.Fatalf("history ends with %v; want revoke, reaccept", last2)
	}
	if _, err := st.VerifyComplaint(ctx, city1, c.ID, models.ComplaintVerification{Finding: "再次核查"}); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("verifying twice: %v; want conflict", err)
	}
	if _, err := st.FileComplaint(ctx, store.Actor{Now: t0}, n.ID, complaint, nil); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("complaint on a revoked notice: %v; want conflict", err)
	}
	rows, total, err := st.ListComplaints(ctx, city1.User, store.ComplaintFilter{Status: models.ComplaintUpheld}, models.Page{})
	if err != nil || total != 1 || rows[0].HandlerName == "" {
		t.Fatalf("ListComplaints: %d %v %v", total, rows, err)
	}
	files, _ := st.FilesOf(ctx, store.FilesComplaint, c.ID)
	if len(files) != 1 {
		t.Fatalf("complaint files: %v", files)
	}
}

func TestNoticeEndSignoffScopeFilingRegister(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	app := inNotice(t, st, t0)
	n := noticeOf(t, st, app.ID)
	c, _ := st.FileComplaint(ctx, store.Actor{Now: t0}, n.ID, complaint, nil)
	if _, err := st.VerifyComplaint(ctx, actorOf(t, st, "city1", t0), c.ID, models.ComplaintVerification{Finding: "经核查与事实不符"}); err != nil {
		t.Fatal(err)
	}
	// last day of the notice: not yet
	if _, err := st.EndDueNotices(ctx, n.EndDate.Start().Add(20*time.Hour)); err != nil || stateOf(t, st, app.ID) != models.StatePublicNotice {
		t.Fatalf("notice ended on its last day (%v)", err)
	}
	after := n.EndDate.AddDays(1).Start().Add(time.Hour)
	if _, err := st.EndDueNotices(ctx, after); err != nil || stateOf(t, st, app.ID) != models.StateSignoff {
		t.Fatalf("notice not ended the day after its last day (%v)", err)
	}
	if ended, err := st.EndDueNotices(ctx, after); err != nil || ended != 0 { // idempotent
		t.Fatalf("second run ended %d, %v", ended, err)
	}
	prov := actorOf(t, st, "province1", after)
	queue, _, err := st.SignoffQueue(ctx, prov.User, models.Page{})
	queue = slices.DeleteFunc(queue, func(r store.SignoffRow) bool { return r.ApplicationID != app.ID })
	if err != nil || len(queue) != 1 {
		t.Fatalf("SignoffQueue lacks the application: %v", err)
	}
	if _, _, err := st.SignoffQueue(ctx, actorOf(t, st, "district2", after).User, models.Page{}); err != nil {
		t.Fatal(err)
	}
	cert, err := st.SignOff(ctx, prov, app.ID, queue[0].Version)
	if err != nil {
		t.Fatal(err)
	}
	// the demo data's filed institution holds the year's first number
	if !models.ValidSerial(cert.Serial) || cert.Serial == "粤-2026-000001" || cert.Fingerprint != models.CertificateFingerprint(*cert) {
		t.Fatalf("certificate %+v", cert)
	}
	if _, err := st.Verify(ctx, store.Actor{Now: after}, "粤-2026-999999", "test"); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("unknown serial: %v", err)
	}
	if got, err := st.Verify(ctx, store.Actor{Now: after}, cert.Serial, "test"); err != nil || got.Revoked() {
		t.Fatalf("Verify: %+v %v", got, err)
	}
	if n, _ := st.VerificationCount(ctx, "粤-2026-999999"); n != 1 {
		t.Fatalf("unknown serial look-ups logged: %d", n)
	}
	plat := actorOf(t, st, "platform1", after)
	if _, err := st.Certificate(ctx, actorOf(t, st, "platform2", after).User, cert.ID); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("another platform sees the certificate: %v", err)
	}
	ac, err := st.PlatformAfterCertificate(ctx, plat.User)
	if err != nil || ac == nil || ac.State != models.StateCertified || ac.ScopeDeadline.IsZero() {
		t.Fatalf("PlatformAfterCertificate: %+v %v", ac, err)
	}
	late := ac.ScopeDeadline.AddDays(1)
	plat.Now = late.Start().Add(10 * time.Hour)
	sc, err := st.RecordScopeChange(ctx, plat, app.ID, late, []store.FileRef{{SHA256: "cd", Name: "营业执照.pdf", Size: 9, ContentType: "application/pdf"}}, ac.Version)
	if err != nil || !sc.Late {
		t.Fatalf("late scope change: %+v %v", sc, err)
	}
	prov2 := actorOf(t, st, "province2", plat.Now)
	all, _, _ := st.FilingQueue(ctx, prov2.User, models.StateScopeChanged, models.Page{})
	var rows []store.AfterCertificate // the demo's platform8 waits for filing too
	for _, r := range all {
		if r.ApplicationID == app.ID {
			rows = append(rows, r)
		}
	}
	if len(rows) != 1 || !rows[0].Late {
		t.Fatalf("FilingQueue: %+v", all)
	}
	if err := st.RecordFiling(ctx, prov2, app.ID, "x", late, rows[0].Version); models.ErrorCode(err) != models.EInvalid {
		t.Fatalf("bad filing number: %v", err)
	} else if f, _ := models.ErrorField(err); f != "filing_number" {
		t.Fatalf("bad filing number refused beside %q", f)
	}
	if err := st.RecordFiling(ctx, prov2, app.ID, "粤网贷备〔2026〕001号", late.AddDays(3650), rows[0].Version); models.ErrorCode(err) != models.EInvalid {
		t.Fatalf("filing dated in ten years: %v", err)
	} else if f, _ := models.ErrorField(err); f != "filing_date" {
		t.Fatalf("a future filing date refused beside %q", f)
	}
	if err := st.RecordFiling(ctx, prov2, app.ID, "粤网贷备〔2026〕001号", late, rows[0].Version); err != nil {
		t.Fatal(err)
	}
	reg, total, err := st.Register(ctx, "天河", models.Page{})
	if err != nil || total != 1 || reg[0].FilingNumber != "粤网贷备〔2026〕001号" || reg[0].USCC == "" {
		t.Fatalf("Register: %+v %d %v", reg, total, err)
	}
	if err := st.RevokeCertificate(ctx, prov, cert.ID, "机构被查实提供虚假材料"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Verify(ctx, store.Actor{Now: after}, cert.Serial, ""); err != nil || !got.Revoked() || got.RevokedReason == "" {
		t.Fatalf("Verify after revoke: %+v %v", got, err)
	}
	if brk, _, _ := st.VerifyDecisionChain(ctx); brk != nil {
		t.Fatalf("decision chain broken: %+v", brk)
	}
}

func TestMirrorURLOnlyByOwnPlatform(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	app := inNotice(t, st, t0)
	n := noticeOf(t, st, app.ID)
	if err := st.SetMirrorURL(ctx, actorOf(t, st, "platform2", t0), n.ID, "https://x.example/a"); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("another platform: %v", err)
	}
	if err := st.SetMirrorURL(ctx, actorOf(t, st, "platform1", t0), n.ID, "https://tianhe.example/notice"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.NoticeByID(ctx, n.ID)
	if got.MirrorURL != "https://tianhe.example/notice" {
		t.Fatalf("mirror %q", got.MirrorURL)
	}
	steps, err := st.NoticeSteps(ctx, &got.PublicNotice)
	if err != nil || len(steps) != 4 || steps[3].Event != models.EventConfirm {
		t.Fatalf("NoticeSteps: %+v %v", steps, err)
	}
}

func TestDemoPublicDataThroughTheWorkflow(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	if err := st.SeedDemo(ctx); err != nil { // idempotent: a second run adds nothing
		t.Fatal(err)
	}
	current, total, err := st.ListNotices(ctx, store.NoticeFilter{Status: "current", Query: "海珠"}, models.Page{})
	if err != nil || total != 1 || current[0].Status != models.NoticeActive {
		t.Fatalf("demo notice: %+v %d %v", current, total, err)
	}
	reg, total, err := st.Register(ctx, "", models.Page{})
	if err != nil || total != 1 || reg[0].USCC == "" {
		t.Fatalf("demo register: %+v %d %v", reg, total, err)
	}
	hist, err := st.History(ctx, current[0].ApplicationID)
	if err != nil || len(hist) != 4 {
		t.Fatalf("demo notice history: %d rows, %v", len(hist), err)
	}
	// 4 + 8 rows for the public side's two; 5 + 6 + 7 for the end of the path's three
	if brk, n, _ := st.VerifyDecisionChain(ctx); brk != nil || n != 4+8+5+6+7 {
		t.Fatalf("chain: %+v over %d rows", brk, n)
	}
}

func stateOf(t *testing.T, st *store.Store, appID int64) models.State {
	t.Helper()
	admin, err := st.UserByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	app, err := st.Application(context.Background(), admin, appID)
	if err != nil {
		t.Fatal(err)
	}
	return app.State
}

// After a joint review, the province officer who passed it may not sign it off too.
func TestSignoffFourEyesAfterJointReview(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p := actorOf(t, st, "platform3", t0)
	app, err := st.CreateApplication(ctx, p, *p.User.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who string
		ev  models.Event
	}{{"platform3", models.EventSubmit}, {"district1", models.EventPass}, {"province1", models.EventPass}} {
		if app, err = st.ApplyEvent(ctx, actorOf(t, st, step.who, t0), app.ID, step.ev, store.DecisionInput{Opinion: "同意"}, nil); err != nil {
			t.Fatalf("%s %s: %v", step.who, step.ev, err)
		}
	}
	n := noticeOf(t, st, app.ID)
	after := n.EndDate.AddDays(1).Start().Add(time.Hour)
	if _, err := st.EndDueNotices(ctx, after); err != nil || stateOf(t, st, app.ID) != models.StateSignoff {
		t.Fatalf("notice not ended (%v)", err)
	}
	version := app.Version + 1 // the notice-end decision
	_, err = st.SignOff(ctx, actorOf(t, st, "province1", after), app.ID, version)
	if models.ErrorCode(err) != models.EForbidden || models.ErrorMessage(err) != models.SignoffFourEyesMessage {
		t.Fatalf("joint reviewer signing off: %v; want the four-eyes refusal", err)
	}
	if _, err := st.SignOff(ctx, actorOf(t, st, "province2", after), app.ID, version); err != nil {
		t.Fatalf("another province officer signing off: %v", err)
	}
}
