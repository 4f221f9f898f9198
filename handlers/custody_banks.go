package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/admin"
)

// CustodyBankStore is what the administrator's custody bank list needs.
type CustodyBankStore interface {
	CustodyBanks(ctx context.Context) ([]models.CustodyBank, error)
	CustodyBank(ctx context.Context, id int64) (*models.CustodyBank, error)
	SaveCustodyBank(ctx context.Context, a store.Actor, id int64, b models.CustodyBank) (*models.CustodyBank, error)
}

// CustodyBanks is the system administrator's list of evaluated custody banks (issue 12
// §3): reference data that decides hard line 6 of the self-assessment.
type CustodyBanks struct {
	store    CustodyBankStore
	sessions Sessions
	now      Clock
}

// NewCustodyBanks builds the list's handlers.
func NewCustodyBanks(s CustodyBankStore, sess Sessions, now Clock) *CustodyBanks {
	return &CustodyBanks{store: s, sessions: sess, now: now}
}

func (h *CustodyBanks) render(c echo.Context, status int, form admin.CustodyBankForm, errs components.FieldErrors) error {
	banks, err := h.store.CustodyBanks(c.Request().Context())
	if err != nil {
		return err
	}
	p := admin.CustodyBanksPage{Form: form, Errors: errs, Clause: models.CustodyClause}
	for _, b := range banks {
		p.Rows = append(p.Rows, admin.CustodyBankRow{ID: b.ID, Name: b.Name, Code: b.Code, Evaluation: b.EvaluationText(),
			Evaluated: b.Evaluated, Source: b.Source, Updated: models.DateTimeCN(b.UpdatedAt), Href: urls.AdminCustodyBank(b.ID)})
	}
	return Render(c, status, admin.CustodyBanks(p))
}

// List is GET /admin/custody-banks: the list and the form for a new bank.
func (h *CustodyBanks) List(c echo.Context) error {
	return h.render(c, http.StatusOK, admin.CustodyBankForm{}, components.FieldErrors{})
}

// Edit is GET /admin/custody-banks/:id: the list with the bank in the form.
func (h *CustodyBanks) Edit(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	b, err := h.store.CustodyBank(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := admin.CustodyBankForm{ID: b.ID, Name: b.Name, Code: b.Code, Evaluated: b.Evaluated, Batch: b.Batch, Source: b.Source}
	if b.EvaluatedOn != nil {
		f.EvaluatedOn = b.EvaluatedOn.String()
	}
	return h.render(c, http.StatusOK, f, components.FieldErrors{})
}

// custodyBankForm is the form as posted.
type custodyBankForm struct {
	Name        string `form:"name"`
	Code        string `form:"code"`
	Evaluated   string `form:"evaluated"`
	EvaluatedOn string `form:"evaluated_on"`
	Batch       string `form:"batch"`
	Source      string `form:"source"`
}

// Create is POST /admin/custody-banks.
func (h *CustodyBanks) Create(c echo.Context) error { return h.save(c, 0) }

// Update is POST /admin/custody-banks/:id.
func (h *CustodyBanks) Update(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.store.CustodyBank(c.Request().Context(), id); err != nil {
		return err
	}
	return h.save(c, id)
}

func (h *CustodyBanks) save(c echo.Context, id int64) error {
	var f custodyBankForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	typed := admin.CustodyBankForm{ID: id, Name: f.Name, Code: f.Code, Evaluated: f.Evaluated == "yes", EvaluatedOn: f.EvaluatedOn, Batch: f.Batch, Source: f.Source}
	b, errs := models.ParseCustodyBank(models.CustodyBankInput{Name: f.Name, Code: f.Code, Evaluated: typed.Evaluated,
		EvaluatedOn: f.EvaluatedOn, Batch: f.Batch, Source: f.Source})
	if len(errs) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, typed, components.FieldErrors(errs))
	}
	saved, err := h.store.SaveCustodyBank(c.Request().Context(), actor(c, h.now), id, b)
	if field, ok := models.ErrorField(err); ok {
		return h.render(c, http.StatusUnprocessableEntity, typed, components.FieldErrors{field: models.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.AdminCustodyBanks, "已保存存管银行「"+saved.Name+"」："+saved.EvaluationText())
}
