package web_test

import (
	"context"
	"testing"

	"portal/models"
	"portal/web/webtest"
)

// acceptMaterials accepts, as the district officer holding the case, every required
// material not yet accepted, through the store: the district's pass requires it.
func acceptMaterials(t testing.TB, env *webtest.Env, officer string, appID int64) {
	t.Helper()
	a := actAs(t, env, officer)
	v, err := env.Store.Checklist(context.Background(), a.User, appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		if it.Material.Required && it.State != models.MaterialAccepted {
			if err := env.Store.ReviewMaterialInDistrictReview(context.Background(), a, appID, it.Material.ID, models.ReviewAccepted, ""); err != nil {
				t.Fatalf("accepting %s: %v", it.Material.Name, err)
			}
		}
	}
}
