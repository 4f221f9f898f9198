package store_test

import (
	"context"
	"strings"
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// A hard line the institution file decides blocks submission whatever the
// self-assessment says, and the founding day itself is not excluded (plan 1 五(一)).
func TestFileDerivedHardLineBlocksSubmission(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	a := store.Actor{User: u, Now: t0}
	app := readyApplication(t, st, u) // every self-assessment item answered 符合

	f := completeFile(t, st, u)
	f.FoundedOn, f.P2PStartedOn, f.RectificationFromStart = models.NewDate(2016, 3, 1), models.NewDate(2016, 8, 25), "no"
	if _, err := st.SaveInstitutionFile(ctx, a, *u.InstitutionID, f); err != nil {
		t.Fatal(err)
	}
	_, err := st.SubmitApplication(ctx, a, app.ID, 0)
	if models.ErrorCode(err) != models.EInvalid {
		t.Fatalf("submission with a file past the hard lines: %v; want EInvalid", err)
	}
	msg := models.ErrorMessage(err)
	for _, w := range []string{"开始从事网贷业务日期为 2016-08-25", "五(一)", "未自始纳入网贷风险专项整治", "五(二)"} {
		if !strings.Contains(msg, w) {
			t.Errorf("refusal lacks %q:\n%s", w, msg)
		}
	}
	if strings.Contains(msg, "成立日期为") {
		t.Errorf("founding in March 2016 was held against the platform:\n%s", msg)
	}
	if got, _ := st.Application(ctx, u, app.ID); got.State != models.StateDraft {
		t.Fatalf("refused application is %s", got.State)
	}

	// Founded and started on the day the Interim Measures were published: eligible.
	f.FoundedOn, f.P2PStartedOn, f.RectificationFromStart = models.NewDate(2016, 8, 24), models.NewDate(2016, 8, 24), "yes"
	if _, err := st.SaveInstitutionFile(ctx, a, *u.InstitutionID, f); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SubmitApplication(ctx, a, app.ID, 0); err != nil || got.State != models.StateDistrictReview {
		t.Fatalf("submission of an institution founded on 2016-08-24: %v", err)
	}
}

// platform5's demo institution is filed: a new acceptance application is refused with
// a coded error. Once the province revokes its certificate the application is
// certificate_revoked, the filing leaves the default register and shows, marked, under
// the revoked filter.
func TestFiledRefusesNewApplicationAndRevocationLeavesRegister(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	p5 := user(t, st, "platform5")
	_, err := st.CreateApplication(ctx, store.Actor{User: p5, Now: t0}, *p5.InstitutionID, models.ApplicationTypeP2P)
	if models.ErrorCode(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), "已完成备案登记") {
		t.Fatalf("new application while filed: %v; want EConflict naming the filing", err)
	}
	const name = "广州海珠示范互联网金融信息服务有限公司"
	certs, _, err := st.ListCertificates(ctx, user(t, st, "admin"), name, models.Page{})
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates of %s: %v %v", name, certs, err)
	}
	if err := st.RevokeCertificate(ctx, store.Actor{User: user(t, st, "province1"), Now: t0}, certs[0].ID, "验收材料经查实存在虚假记载"); err != nil {
		t.Fatal(err)
	}
	app, err := st.Application(ctx, p5, certs[0].ApplicationID)
	if err != nil || app.State != models.StateCertificateRevoked {
		t.Fatalf("application after revocation: %+v %v; want certificate_revoked", app, err)
	}
	hist, _ := st.History(ctx, app.ID)
	if last := hist[len(hist)-1]; last.Event != models.EventRevokeCertificate || last.FromState != models.StateFiled || !strings.Contains(last.Opinion, "虚假记载") {
		t.Fatalf("last decision %+v", last)
	}
	for _, tc := range []struct {
		st   models.RegisterStatus
		want bool
	}{{models.RegisterValid, false}, {models.RegisterRevoked, true}, {models.RegisterAll, true}} {
		rows, _, err := st.RegisterFiltered(ctx, "海珠", tc.st, models.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var found *models.RegisterEntry
		for i := range rows {
			if rows[i].Name == name {
				found = &rows[i]
			}
		}
		if (found != nil) != tc.want {
			t.Fatalf("register %q lists the revoked filing: %v; want %v", tc.st, found != nil, tc.want)
		}
		if found != nil && (!found.Revoked || found.RevokedDate() != models.DateOf(t0) || found.RevokedReason != "验收材料经查实存在虚假记载") {
			t.Fatalf("revoked entry %+v", found)
		}
	}
	all, _ := st.RegisterAll(ctx, "")
	for _, r := range all {
		if r.Name == name {
			t.Fatal("the export of the default register lists the revoked filing")
		}
	}
	rows, _, _ := st.FilingQueue(ctx, user(t, st, "province2"), "", models.Page{})
	for _, r := range rows {
		if r.InstitutionName == name {
			t.Fatal("the filing queue still lists the revoked filing by default")
		}
	}
	// The revocation closes the application: a new one may be opened.
	if _, err := st.CreateApplication(ctx, store.Actor{User: p5, Now: t0}, *p5.InstitutionID, models.ApplicationTypeP2P); err != nil {
		t.Fatalf("new application after the revocation: %v", err)
	}
}

// The demo data has an institution waiting at each later step, each driven through the
// real workflow: sign-off, the scope change (with its deadline), the filing.
func TestDemoWaitsAtEachLaterStep(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	admin := user(t, st, "admin")
	want := map[string]models.State{"platform6": models.StateSignoff, "platform7": models.StateCertified, "platform8": models.StateScopeChanged}
	for name, state := range want {
		u := user(t, st, name)
		app, err := st.OpenApplication(ctx, *u.InstitutionID, models.ApplicationTypeP2P)
		if err != nil || app == nil {
			t.Fatalf("%s has no open application: %v", name, err)
		}
		if app.State != state {
			t.Errorf("%s's application is %s; want %s", name, app.State, state)
		}
		hist, _ := st.History(ctx, app.ID)
		if len(hist) < 5 || hist[0].Event != models.EventSubmit {
			t.Errorf("%s's history %d rows; want the real workflow from submission", name, len(hist))
		}
	}
	sign, _, err := st.SignoffQueue(ctx, user(t, st, "province1"), models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range sign {
		found = found || r.InstitutionName == "广州海珠待审定示例网络借贷信息中介服务有限公司"
	}
	if !found {
		t.Error("the sign-off queue lacks platform6's institution")
	}
	p7 := user(t, st, "platform7")
	ac, err := st.PlatformAfterCertificate(ctx, p7)
	if err != nil || ac == nil || ac.ScopeDeadline.IsZero() || !ac.ChangeDate.IsZero() {
		t.Fatalf("platform7 after the certificate: %+v %v; want a scope deadline and no change yet", ac, err)
	}
	rows, _, _ := st.FilingQueue(ctx, admin, models.StateScopeChanged, models.Page{})
	found = false
	for _, r := range rows {
		found = found || r.InstitutionName == "广州海珠待备案示例网络借贷信息中介服务有限公司"
	}
	if !found {
		t.Error("the filing queue lacks platform8's institution waiting for filing")
	}
	if ok, _, err := st.VerifyDecisionChain(ctx); ok != nil || err != nil {
		t.Fatalf("the seeded decision chain breaks: %+v %v", ok, err)
	}
}
