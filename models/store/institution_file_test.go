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

func TestSaveInstitutionFileKeepsHistory(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	f := completeFile(t, st, u)
	f.Branches = []models.Branch{{Name: "深圳分公司", Address: "深圳市南山区", Phone: "0755-12345678", StaffFormal: 12}}
	changes, err := st.SaveInstitutionFile(ctx, store.Actor{User: u, Now: t0}, *u.InstitutionID, f)
	if err != nil || len(changes) == 0 {
		t.Fatalf("first save: %d changes, %v", len(changes), err)
	}
	f.PaidInCapital = 70_000_000 * models.OneYuan
	f.Shareholders[0].Share = 90 * models.Percent
	f.Branches = nil
	changes, err = st.SaveInstitutionFile(ctx, store.Actor{User: u, Now: t0.Add(time.Hour)}, *u.InstitutionID, f)
	if err != nil || len(changes) != 3 {
		t.Fatalf("second save: %v, %v", changes, err)
	}
	// saving the same file again writes nothing
	if changes, err := st.SaveInstitutionFile(ctx, store.Actor{User: u, Now: t0.Add(2 * time.Hour)}, *u.InstitutionID, f); err != nil || len(changes) != 0 {
		t.Fatalf("unchanged save: %v, %v", changes, err)
	}

	back, err := st.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil || back.PaidInCapital != 70_000_000*models.OneYuan || len(back.Shareholders) != 1 || back.Shareholders[0].Share != 90*models.Percent || len(back.Branches) != 0 || back.FoundedOn != models.NewDate(2014, 5, 20) {
		t.Fatalf("stored file: %+v, %v", back, err)
	}
	district := user(t, st, "district1")
	recs, total, err := st.FileHistory(ctx, district, *u.InstitutionID, models.Page{})
	if err != nil || total != 2 || len(recs) != 2 {
		t.Fatalf("history: %d, %v", total, err)
	}
	latest := recs[0]
	if latest.ActorName != "天河示例经办人（platform1）" || !latest.At.Equal(t0.Add(time.Hour)) || len(latest.Fields) != 3 {
		t.Fatalf("latest change: %+v", latest)
	}
	want := []string{"实缴注册资本: 60,000,000.00 元 → 70,000,000.00 元", "股东「张三」 · 持股比例: 100.00% → 90.00%", "分支机构「深圳分公司」（删除）: "}
	for i, w := range want {
		got := latest.Fields[i].Field + ": " + latest.Fields[i].OldValue + " → " + latest.Fields[i].NewValue
		if !strings.HasPrefix(got, w) {
			t.Errorf("field %d: %q; want %q", i, got, w)
		}
	}
	// the history is append-only
	db, _ := st.SQLDB()
	if _, err := db.Exec("UPDATE institution_file_change_fields SET new_value = 'x'"); err == nil {
		t.Error("history rows could be edited")
	}
	// another district does not see it
	if _, _, err := st.FileHistory(ctx, user(t, st, "district2"), *u.InstitutionID, models.Page{}); models.ErrorCode(err) != models.ENotFound {
		t.Errorf("district2: %v", err)
	}
}

func TestSaveInstitutionFileRefusesAnotherInstitutionsCode(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	u := user(t, st, "platform1")
	f := completeFile(t, st, u)
	f.USCC = "91440104MA5CXK3D4K" // platform2's institution
	_, err := st.SaveInstitutionFile(context.Background(), store.Actor{User: u, Now: t0}, *u.InstitutionID, f)
	if field, ok := models.ErrorField(err); !ok || field != "uscc" || !strings.Contains(models.ErrorMessage(err), "已登记为其他机构") {
		t.Fatalf("duplicate code: %v", err)
	}
	// a platform cannot write another institution's file
	other := user(t, st, "platform2")
	if _, err := st.SaveInstitutionFile(context.Background(), store.Actor{User: u, Now: t0}, *other.InstitutionID, f); models.ErrorCode(err) != models.ENotFound {
		t.Fatalf("other institution: %v", err)
	}
}

func TestFileFrozenWhileUnderReview(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform1")
	app := readyApplication(t, st, u)
	if _, err := st.SubmitApplication(ctx, store.Actor{User: u, Now: t0}, app.ID, 0); err != nil {
		t.Fatal(err)
	}
	f := completeFile(t, st, u)
	f.LegalRepresentative = "李四"
	_, err := st.SaveInstitutionFile(ctx, store.Actor{User: u, Now: t0}, *u.InstitutionID, f)
	if models.ErrorCode(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), "区级审核") {
		t.Fatalf("save during review: %v", err)
	}
}

func TestDemoSeedFillsFilesAndWindow(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	ctx := context.Background()
	u := user(t, st, "platform3")
	f, err := st.InstitutionFile(ctx, u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	if errs := models.ValidateFile(*f, models.DateOf(t0)); len(errs) > 0 {
		t.Fatalf("platform3's demo file is incomplete: %v", errs)
	}
	if cs, err := models.EvaluateFilingConditions(f.FilingFacts()); err != nil || !cs.AllPass() {
		t.Fatalf("platform3's demo file should meet the filing conditions: %v %v", cs, err)
	}
	w, city, err := st.InstitutionWindow(ctx, *u.InstitutionID)
	if err != nil || w == nil || city != "广州市" || !w.Contains(models.DateOf(t0)) {
		t.Fatalf("demo window: %+v %s %v", w, city, err)
	}
	if err := st.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
}
