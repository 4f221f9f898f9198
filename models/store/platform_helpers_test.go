package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"portal/models"
	"portal/models/store"
)

// user loads a demo account.
func user(t *testing.T, st *store.Store, username string) *models.User {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// completeFile is a valid file for the demo institution of u.
func completeFile(t *testing.T, st *store.Store, u *models.User) models.InstitutionFile {
	t.Helper()
	f, err := st.InstitutionFile(context.Background(), u, *u.InstitutionID)
	if err != nil {
		t.Fatal(err)
	}
	f.RegisteredCapital, f.PaidInCapital = 80_000_000*models.OneYuan, 60_000_000*models.OneYuan
	f.RegisteredAddress, f.FoundedOn, f.BusinessStatus = "广州市天河区示例路 1 号", models.NewDate(2014, 5, 20), "open"
	f.LegalRepresentative, f.ContactPhone, f.BusinessScope = "张三", "020-87654321", "网络借贷信息中介服务"
	f.P2PStartedOn, f.RectificationFromStart, f.OperatingClass = models.NewDate(2015, 1, 10), "yes", string(models.ClassSingleProvince)
	f.Shareholders = []models.Shareholder{{Name: "张三", Kind: "natural", Share: 100 * models.Percent}}
	f.CustodyBank = "广州示例银行股份有限公司" // on the demo's list of evaluated banks: hard line 6 by data
	return *f
}

func fakeFile(name string) store.FileRef {
	sum := sha256.Sum256([]byte(name))
	return store.FileRef{SHA256: hex.EncodeToString(sum[:]), Size: 1024, Kind: models.KindPDF, Name: name}
}

// readyApplication opens a draft for u with the file, every material and the
// self-assessment complete.
func readyApplication(t *testing.T, st *store.Store, u *models.User) *models.Application {
	t.Helper()
	ctx := context.Background()
	a := store.Actor{User: u, Now: t0}
	if _, err := st.SaveInstitutionFile(ctx, a, *u.InstitutionID, completeFile(t, st, u)); err != nil {
		t.Fatal(err)
	}
	app, err := st.CreateApplication(ctx, a, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	uploadAll(t, st, u, app.ID, true)
	var items []store.SAInput
	for _, it := range models.SelfAssessmentItems {
		items = append(items, store.SAInput{No: it.No, Answer: models.AnswerYes, Explanation: "已逐项核查，符合要求"})
	}
	if err := st.SaveSelfAssessment(ctx, a, app.ID, items); err != nil {
		t.Fatal(err)
	}
	return app
}

// uploadAll uploads one file to every slot of every (required) material.
func uploadAll(t *testing.T, st *store.Store, u *models.User, appID int64, requiredOnly bool) {
	t.Helper()
	ctx := context.Background()
	v, err := st.Checklist(ctx, u, appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		if requiredOnly && !it.Material.Required {
			continue
		}
		for _, s := range it.Slots {
			name := fmt.Sprintf("%s-%d.pdf", it.Material.Code, s.No)
			if _, err := st.AddMaterialFile(ctx, store.Actor{User: u, Now: t0}, appID, it.Material.ID, s.No, fakeFile(name)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
