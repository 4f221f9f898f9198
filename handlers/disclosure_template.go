package handlers

import (
	"context"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/components"
)

// Template sends the monthly report's XLSX template for ?period= (seeds/003 §8): labels
// in Chinese, one row per item, the period at the top.
func (h *Disclosure) Template(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	p, err := models.ParsePeriod(c.QueryParam("period"))
	if err != nil {
		p = h.duePeriod()
	}
	f, err := models.MonthlyTemplate(inst.Name, p, nil)
	if err != nil {
		return err
	}
	defer f.Close()
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, xlsxContentType)
	hd.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape("月度信息披露报送模板-"+p.String()+".xlsx"))
	hd.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	_, err = f.WriteTo(c.Response())
	return err
}

// UploadTemplate takes a filled-in template through the one upload intake (receivePart),
// reads it and shows the values in the form: for confirmation, or with the errors beside
// the items. Nothing is recorded until the platform confirms.
func (h *Disclosure) UploadTemplate(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	ctx := c.Request().Context()
	var name, sum string
	err = eachPart(c, func(string, string) error { return nil }, func(field string, part *multipart.Part) error {
		if field != "file" || sum != "" {
			return nil
		}
		ref, err := receivePart(c, h.files, part, h.maxUpload, []models.FileKind{models.KindXLSX})
		name, sum = ref.Name, ref.SHA256
		return err
	})
	if err == nil && sum == "" {
		err = models.Errorf(models.EInvalid, "请选择填好的 Excel 报送模板")
	}
	var typed map[string]string
	if err == nil {
		typed, err = h.readTemplate(ctx, sum)
	}
	if err != nil {
		if code := models.ErrorCode(err); code != models.EInvalid && code != models.EStorage {
			return err
		}
		return h.renderHome(c, uploadStatus(err), components.FieldErrors{"file": models.ErrorMessage(err)})
	}
	typed["upload_sha256"] = sum
	f, errs := models.ParseMonthlyFigures(typed)
	if len(errs) == 0 {
		fes, err := h.store.CheckReport(ctx, inst.ID, f)
		if err != nil {
			return err
		}
		for _, fe := range fes {
			key := fe.Field
			if _, ok := models.FigureItemByKey(key); !ok {
				key = "_form"
			}
			errs[key] = fe.Err.Message
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.renderForm(c, status, inst, typed, components.FieldErrors(errs), name)
}

func (h *Disclosure) readTemplate(ctx context.Context, sum string) (map[string]string, error) {
	rc, err := h.files.Open(ctx, sum)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return models.ParseMonthlyTemplate(rc)
}
