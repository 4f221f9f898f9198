package handlers

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/disclosure"
)

// AnnualStore is what the yearly documents need of the store.
type AnnualStore interface {
	AddAnnualDoc(ctx context.Context, a store.Actor, instID int64, year int, kind models.AnnualDocKind, f store.FileRef) (*store.AnnualDoc, error)
	AnnualDocs(ctx context.Context, instID int64) ([]store.AnnualDoc, error)
	AnnualDocDue(ctx context.Context, instID int64, kind models.AnnualDocKind, year int) (models.Date, error)
}

// annualKinds are the document kinds the upload accepts: the portal's document types.
var annualKinds = []models.FileKind{models.KindPDF, models.KindOFD, models.KindDOCX, models.KindXLSX}

func annualKindOptions() []components.Option {
	var out []components.Option
	for _, k := range models.AnnualDocKinds {
		out = append(out, components.Option{Value: string(k), Label: k.Label()})
	}
	return out
}

// Annual is GET /platform/disclosure/annual.
func (h *Disclosure) Annual(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	return h.renderAnnual(c, http.StatusOK, inst.ID, strconv.Itoa(models.DateOf(h.now()).Year), string(models.DocBasic), nil)
}

func (h *Disclosure) renderAnnual(c echo.Context, status int, instID int64, year, kind string, errs components.FieldErrors) error {
	ctx := c.Request().Context()
	docs, err := h.store.AnnualDocs(ctx, instID)
	if err != nil {
		return err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return err
	}
	today := models.DateOf(h.now())
	page := disclosure.AnnualPage{Kinds: annualKindOptions(), Year: year, Kind: kind, Errors: errs}
	have := map[string]bool{}
	for _, d := range docs {
		have[fmt.Sprintf("%s:%d", d.Kind, d.Year)] = true
		due := models.DateOf(d.DueAt.Add(-1))
		dl := &components.Deadline{Label: "截止", Due: due.String(), Text: "按时", Overdue: d.Late()}
		if d.Late() {
			dl.Text = "逾期上传"
		}
		page.Rows = append(page.Rows, disclosure.AnnualDocRow{Year: d.Year, Kind: d.Kind.Label(), FileName: d.FileName,
			Uploaded: models.DateTimeCN(d.UploadedAt), Deadline: dl, Late: d.Late()})
	}
	for _, k := range []models.AnnualDocKind{models.DocBasic, models.DocAudit} {
		due, err := h.store.AnnualDocDue(ctx, instID, k, today.Year)
		if err != nil {
			return err
		}
		page.Obligations = append(page.Obligations, disclosure.Obligation{What: fmt.Sprintf("%d 年%s", today.Year, k.Label()),
			Done: have[fmt.Sprintf("%s:%d", k, today.Year)], Deadline: components.MakeDeadline(cal, "截止", models.DeadlineNatural, &due, today)})
	}
	return Render(c, status, disclosure.Annual(page))
}

// UploadAnnual takes one yearly document through the one upload intake (receivePart).
func (h *Disclosure) UploadAnnual(c echo.Context) error {
	inst, err := h.filedInstitution(c)
	if err != nil {
		return h.refuse(c, err)
	}
	var year, kind string
	var ref *store.FileRef
	err = eachPart(c, func(name, value string) error {
		switch name {
		case "year":
			year = strings.TrimSpace(value)
		case "kind":
			kind = value
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "file" || ref != nil {
			return nil
		}
		f, err := receivePart(c, h.files, part, h.maxUpload, annualKinds)
		if err == nil {
			ref = &f
		}
		return err
	})
	if err == nil && ref == nil {
		err = models.FieldErrorf("file", models.EInvalid, "请选择要上传的文件")
	}
	errs := components.FieldErrors{}
	y, yerr := strconv.Atoi(year)
	if err == nil {
		if yerr != nil {
			err = models.FieldErrorf("year", models.EInvalid, "请填写报送年度，例如 %d", models.DateOf(h.now()).Year)
		} else {
			var d *store.AnnualDoc
			d, err = h.store.AddAnnualDoc(c.Request().Context(), actor(c, h.now), inst.ID, y, models.AnnualDocKind(kind), *ref)
			if err == nil {
				return redirectWithFlash(c, h.sessions, urls.PlatformAnnualDocs, fmt.Sprintf("已上传 %d 年%s：%s", d.Year, d.Kind.Label(), d.FileName))
			}
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Request().Body, 2*h.maxUpload))
	if code := models.ErrorCode(err); code != models.EInvalid && code != models.EStorage {
		return err
	}
	field, ok := models.ErrorField(err)
	if !ok {
		field = "file"
	}
	errs[field] = models.ErrorMessage(err)
	return h.renderAnnual(c, uploadStatus(err), inst.ID, year, kind, errs)
}
