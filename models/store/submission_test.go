package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

func TestMaterialVersionsAndScope(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	app, err := st.CreateApplication(ctx, store.Actor{User: u, Now: t0}, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.Checklist(ctx, u, app.ID)
	report := v.Items[0].Material
	v1, err := st.AddMaterialFile(ctx, store.Actor{User: u, Now: t0}, app.ID, report.ID, 1, fakeFile("自评报告.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	v2, err := st.AddMaterialFile(ctx, store.Actor{User: u, Now: t0.Add(time.Minute)}, app.ID, report.ID, 1, fakeFile("自评报告-修订.pdf"))
	if err != nil || v1.Version != 1 || v2.Version != 2 || v2.UploaderName != u.DisplayName {
		t.Fatalf("versions %+v %+v %v", v1, v2, err)
	}
	v, _ = st.Checklist(ctx, u, app.ID)
	if s := v.Items[0].Slots[0]; len(s.Versions) != 2 || s.Current().Filename != "自评报告-修订.pdf" || v.Items[0].State != models.MaterialUploaded {
		t.Fatalf("slot %+v", s)
	}
	// the yearly report has three slots, the fourth does not exist
	if _, err := st.MaterialUploadTarget(ctx, u, app.ID, v.Items[2].Material.ID, 4); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("slot 4 of the yearly reports: %v", err)
	}
	// a material of another type is not part of this application
	_, micro, _ := st.ApplicationType(ctx, "internet_microloan")
	if _, err := st.MaterialUploadTarget(ctx, u, app.ID, micro[0].ID, 1); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("material of another type: %v", err)
	}
	for _, who := range []string{"platform2", "district2"} {
		if _, err := st.MaterialFile(ctx, user(t, st, who), v1.ID); models.ErrorCode(err) != models.ENotFound {
			t.Errorf("%s downloads: %v", who, err)
		}
		if _, err := st.AddMaterialFile(ctx, store.Actor{User: user(t, st, who), Now: t0}, app.ID, report.ID, 1, fakeFile("x.pdf")); models.ErrorCode(err) != models.ENotFound {
			t.Errorf("%s uploads: %v", who, err)
		}
	}
	for _, who := range []string{"platform1", "district1", "city1", "province1", "admin"} {
		if _, err := st.MaterialFile(ctx, user(t, st, who), v1.ID); err != nil {
			t.Errorf("%s may download: %v", who, err)
		}
	}
}

func TestSubmitChecksFreezesAndRoutes(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	a := store.Actor{User: u, Now: t0}
	app, err := st.CreateApplication(ctx, a, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SubmitApplication(ctx, a, app.ID, 0)
	msg := models.ErrorMessage(err)
	for _, w := range []string{"机构档案尚未填写完整", "必交材料「自评报告」尚未上传齐全", "自评尚未完成：第 1、2、3"} {
		if !strings.Contains(msg, w) {
			t.Errorf("refusal lacks %q:\n%s", w, msg)
		}
	}
	if strings.Contains(msg, "承诺函") {
		t.Error("the optional commitment letter blocked submission")
	}
	st.CreateApplication(ctx, a, *u.InstitutionID, models.ApplicationTypeP2P) // refused: one open
	app = readyApplicationFor(t, st, u, app.ID)
	// a hard line blocks, citing the rule
	if err := st.SaveSelfAssessment(ctx, a, app.ID, []store.SAInput{{No: 4, Answer: models.AnswerNo, Explanation: "存在超限额借款"}}); err != nil {
		t.Fatal(err)
	}
	_, err = st.SubmitApplication(ctx, a, app.ID, 0)
	if msg := models.ErrorMessage(err); !strings.Contains(msg, "第 4 项") || !strings.Contains(msg, "《网贷机构整改验收方案》五(三)") {
		t.Fatalf("hard line: %v", err)
	}
	st.SaveSelfAssessment(ctx, a, app.ID, []store.SAInput{{No: 4, Answer: models.AnswerYes, Explanation: "已化解完成"}})
	// a stale form is refused
	if _, err := st.SubmitApplication(ctx, a, app.ID, app.Version+7); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("stale version: %v", err)
	}
	got, err := st.SubmitApplication(ctx, a, app.ID, app.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != models.StateDistrictReview || got.Balance != 35_000_000_000 || got.SubmittedAt == nil {
		t.Fatalf("submitted: %+v", got)
	}
	v, _ := st.Checklist(ctx, u, app.ID)
	for _, it := range v.Items {
		for _, s := range it.Slots {
			if c := s.Current(); c != nil && c.FrozenAt == nil {
				t.Errorf("%s not frozen", it.Material.Name)
			}
		}
	}
	hist, _ := st.History(ctx, app.ID)
	if last := hist[len(hist)-1]; last.Event != models.EventSubmit || strings.Count(last.Attachments, "\n") != 8 || !strings.Contains(last.Attachments, "近三年年度审计报告（2025 年度）") {
		t.Fatalf("decision: %+v", last)
	}
	// frozen: no upload, no second submission
	if _, err := st.AddMaterialFile(ctx, a, app.ID, v.Items[0].Material.ID, 1, fakeFile("late.pdf")); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("upload after submission: %v", err)
	}
	if _, err := st.SubmitApplication(ctx, a, app.ID, 0); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("second submission: %v", err)
	}

	// the district returns one material and the application; the platform sees the comment,
	// re-uploads, and resubmits (no window check for a resubmission)
	d := user(t, st, "district1")
	da := store.Actor{User: d, Now: t0.Add(time.Hour)}
	if err := st.Claim(ctx, da, app.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.ReviewMaterialInDistrictReview(ctx, da, app.ID, v.Items[6].Material.ID, models.ReviewReturned, "协议缺少银行盖章页"); err != nil {
		t.Fatal(err)
	}
	cur, _ := st.Application(ctx, d, app.ID)
	if _, err := st.ApplyEvent(ctx, da, app.ID, models.EventReturn, store.DecisionInput{Opinion: "请补正存管协议", Version: cur.Version}, nil); err != nil {
		t.Fatal(err)
	}
	v, _ = st.Checklist(ctx, u, app.ID)
	if it := v.Items[6]; it.State != models.MaterialReturned || it.Review.ReviewComment != "协议缺少银行盖章页" {
		t.Fatalf("returned material: %+v", it)
	}
	later := store.Actor{User: u, Now: t0.Add(2 * time.Hour)}
	if _, err := st.SubmitApplication(ctx, later, app.ID, 0); !strings.Contains(models.ErrorMessage(err), "已被退回") {
		t.Fatalf("resubmit with a returned material: %v", err)
	}
	if _, err := st.AddMaterialFile(ctx, later, app.ID, v.Items[6].Material.ID, 1, fakeFile("存管协议-盖章.pdf")); err != nil {
		t.Fatal(err)
	}
	got, err = st.SubmitApplication(ctx, later, app.ID, 0)
	if err != nil || got.State != models.StateDistrictReview {
		t.Fatalf("resubmit: %+v %v", got, err)
	}
	hist, _ = st.History(ctx, app.ID)
	if hist[len(hist)-1].Event != models.EventResubmit {
		t.Fatalf("last event %s", hist[len(hist)-1].Event)
	}
	rows, total, err := st.SubmittedApplications(ctx, d, store.AppFilter{}, models.Page{})
	if err != nil || total != 1 || rows[0].InstitutionName == "" || rows[0].State != models.StateDistrictReview {
		t.Fatalf("district list: %+v %d %v", rows, total, err)
	}
	if _, total, _ := st.SubmittedApplications(ctx, user(t, st, "district2"), store.AppFilter{}, models.Page{}); total != 0 {
		t.Fatalf("district2 sees %d", total)
	}
}

// readyApplicationFor completes an existing draft.
func readyApplicationFor(t *testing.T, st *store.Store, u *models.User, appID int64) *models.Application {
	t.Helper()
	ctx := context.Background()
	a := store.Actor{User: u, Now: t0}
	if _, err := st.SaveInstitutionFile(ctx, a, *u.InstitutionID, completeFile(t, st, u)); err != nil {
		t.Fatal(err)
	}
	uploadAll(t, st, u, appID, true)
	var items []store.SAInput
	for _, it := range models.SelfAssessmentItems {
		items = append(items, store.SAInput{No: it.No, Answer: models.AnswerYes, Explanation: "符合"})
	}
	if err := st.SaveSelfAssessment(ctx, a, appID, items); err != nil {
		t.Fatal(err)
	}
	app, _ := st.Application(ctx, u, appID)
	return app
}
