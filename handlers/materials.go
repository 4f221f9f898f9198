package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
)

// MaterialStore is what the material pages and uploads need of the store.
type MaterialStore interface {
	Checklist(ctx context.Context, u *models.User, appID int64) (*store.ApplicationView, error)
	MaterialUploadTarget(ctx context.Context, u *models.User, appID, materialID int64, slot int) (*store.UploadTarget, error)
	AddMaterialFile(ctx context.Context, a store.Actor, appID, materialID int64, slot int, f store.FileRef) (*models.MaterialFile, error)
	MaterialFile(ctx context.Context, u *models.User, fileID int64) (*models.MaterialFile, error)
}

// Material shows one material with its files and versions; the platform uploads here.
func (h *Platform) Material(c echo.Context) error {
	return h.renderMaterial(c, http.StatusOK, nil)
}

func (h *Platform) renderMaterial(c echo.Context, status int, errs components.FieldErrors) error {
	appID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	mid, err := idParam(c, "mid")
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	v, err := h.store.Checklist(c.Request().Context(), u, appID)
	if err != nil {
		return err
	}
	var item *models.ChecklistItem
	for i := range v.Items {
		if v.Items[i].Material.ID == mid {
			item = &v.Items[i]
		}
	}
	if item == nil {
		return models.Errorf(models.ENotFound, "该申请没有这项材料")
	}
	m := item.Material
	p := platform.MaterialPage{AppID: appID, AppTitle: v.Type.Name, Institution: v.Institution.Name, Name: m.Name,
		Description: m.Description, Required: m.Required, Kinds: models.KindsLabel(m.Kinds()), MaxBytes: h.maxUpload,
		State: item.State, Comment: item.Review.ReviewComment, Errors: errs,
		Editable: u.Role == models.RolePlatform && v.App.State.PlatformMayEdit()}
	for _, s := range item.Slots {
		sv := platform.SlotView{No: s.No, Label: s.Label,
			UploadURL: urls.UploadMaterial(appID, mid, s.No)}
		for _, f := range s.Versions {
			sv.Versions = append(sv.Versions, fileRow(f))
		}
		if len(sv.Versions) > 0 {
			sv.Current = &sv.Versions[0]
		}
		p.Slots = append(p.Slots, sv)
	}
	return Render(c, status, platform.Material(p))
}

func fileRow(f models.MaterialFile) platform.FileRow {
	return platform.FileRow{Version: f.Version, Filename: f.Filename, Size: platform.Size(f.Size), Kind: f.Kind.Label(),
		SHA256: f.SHA256, Uploader: f.UploaderName, At: models.DateTimeCN(f.UploadedAt), Frozen: f.FrozenAt != nil,
		URL: urls.File(f.ID)}
}
