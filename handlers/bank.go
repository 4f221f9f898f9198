package handlers

import (
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/bank"
	"portal/views/pages/shared"
)

// BankStore is what the custody bank's pages need of the store.
type BankStore interface {
	CustodyBank(ctx context.Context, id int64) (*models.CustodyBank, error)
	BankRelationships(ctx context.Context, u *models.User) ([]store.BankRelationship, error)
	DecideRelationship(ctx context.Context, a store.Actor, institutionID int64, d models.RelationshipStatus, note string) error
	BankPlatforms(ctx context.Context, u *models.User, f store.BankPlatformFilter, p models.Page) ([]store.BankRelationship, int64, error)
	BankPlatform(ctx context.Context, u *models.User, institutionID int64) (*store.BankRelationship, error)
	SubmitBankStatement(ctx context.Context, a store.Actor, in store.StatementInput) (*store.BankStatementRow, error)
	BankStatementsOf(ctx context.Context, u *models.User, institutionID int64, limit int) ([]store.BankStatementRow, error)
	CompareLatestStatement(ctx context.Context, institutionID int64) (*store.BankStatementComparison, error)
}

// Bank serves the custody bank's pages (存管银行, issue 12 §3): the relationships to
// confirm, the platforms it sees, and the monthly statements by form and by XLSX.
type Bank struct {
	store     BankStore
	files     files.Store
	sessions  Sessions
	now       Clock
	maxUpload int64
}

// NewBank builds the bank's handlers.
func NewBank(s BankStore, fs files.Store, sess Sessions, now Clock, maxUpload int64) *Bank {
	return &Bank{store: s, files: fs, sessions: sess, now: now, maxUpload: maxUpload}
}

func (h *Bank) bankName(c echo.Context) (string, error) {
	u := CurrentUser(c)
	if u.CustodyBankID == nil {
		return "", models.Errorf(models.EForbidden, "本账户未绑定存管银行")
	}
	b, err := h.store.CustodyBank(c.Request().Context(), *u.CustodyBankID)
	if err != nil {
		return "", err
	}
	return b.Name, nil
}

func relationshipRow(r store.BankRelationship) bank.RelationshipRow {
	row := bank.RelationshipRow{ID: r.InstitutionID, Institution: r.InstitutionName, USCC: r.USCC, District: r.DistrictName,
		Status: r.Status.Label(), Note: r.Note, Pending: r.Status == models.RelationshipPending, Confirmed: r.Status == models.RelationshipConfirmed}
	if r.DecidedAt != nil {
		row.Decided = models.DateTimeCN(*r.DecidedAt)
		if r.DecidedName != "" {
			row.Decided += " " + r.DecidedName
		}
	}
	return row
}

func (h *Bank) renderRelationships(c echo.Context, status int, errRow int64, note string, errs components.FieldErrors) error {
	name, err := h.bankName(c)
	if err != nil {
		return err
	}
	rows, err := h.store.BankRelationships(c.Request().Context(), CurrentUser(c))
	if err != nil {
		return err
	}
	p := bank.RelationshipsPage{Bank: name, ErrRow: errRow, Note: note, Errors: errs}
	for _, r := range rows {
		p.Rows = append(p.Rows, relationshipRow(r))
	}
	return Render(c, status, bank.Relationships(p))
}

// Home is GET /bank: the relationships to confirm or decline.
func (h *Bank) Home(c echo.Context) error {
	return h.renderRelationships(c, http.StatusOK, 0, "", components.FieldErrors{})
}

// decisionForm is the bank's decision as posted.
type decisionForm struct {
	Decision string `form:"decision"`
	Note     string `form:"note"`
}

// Decide is POST /bank/relationships/:id: confirm or decline, with a record.
func (h *Bank) Decide(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f decisionForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	d := models.RelationshipStatus(f.Decision)
	err = h.store.DecideRelationship(c.Request().Context(), actor(c, h.now), id, d, f.Note)
	if field, ok := models.ErrorField(err); ok {
		return h.renderRelationships(c, http.StatusUnprocessableEntity, id, f.Note, components.FieldErrors{field: models.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.BankHome, d.Label())
}

func bankPlatformFilter(c echo.Context) store.BankPlatformFilter {
	return store.BankPlatformFilter{Query: c.QueryParam("q")}
}

// Platforms is GET /bank/platforms: the platforms the bank sees.
func (h *Bank) Platforms(c echo.Context) error {
	name, err := h.bankName(c)
	if err != nil {
		return err
	}
	f, pg := bankPlatformFilter(c), pageFrom(c)
	rows, total, err := h.store.BankPlatforms(c.Request().Context(), CurrentUser(c), f, pg)
	if err != nil {
		return err
	}
	p := bank.PlatformsPage{Bank: name, Query: f.Query, Pager: pager(c, pg, total), Export: exportHref(urls.BankPlatformsXLSX, c.QueryParams())}
	for _, r := range rows {
		p.Rows = append(p.Rows, relationshipRow(r))
	}
	return Render(c, http.StatusOK, bank.Platforms(p))
}

// PlatformsXLSX is GET /bank/platforms.xlsx, with the list's filter.
func (h *Bank) PlatformsXLSX(c echo.Context) error {
	x, err := NewXLSX("存管机构", []XLSXColumn{{"机构", 40}, {"统一社会信用代码", 22}, {"区(县)", 12}, {"确认时间", 24}})
	if err != nil {
		return err
	}
	defer x.Close()
	for page := 1; ; page++ {
		rows, _, err := h.store.BankPlatforms(c.Request().Context(), CurrentUser(c), bankPlatformFilter(c), models.Page{Number: page, Size: 500})
		if err != nil {
			return err
		}
		for _, r := range rows {
			row := relationshipRow(r)
			if err := x.Row(row.Institution, row.USCC, row.District, row.Decided); err != nil {
				return err
			}
		}
		if len(rows) < 500 {
			break
		}
	}
	return x.Send(c, "存管机构", h.now)
}

// statementRows are the history as the shared table shows it.
func statementRows(rows []store.BankStatementRow) []shared.StatementRow {
	var out []shared.StatementRow
	for _, r := range rows {
		out = append(out, shared.StatementRow{Period: r.PeriodText(), Version: r.Version, Bank: r.BankName, Source: r.Source.Label(),
			LenderFunds: r.LenderFunds.String(), RepaymentFlows: r.RepaymentFlows.String(), RiskReserve: r.RiskReserve.String(),
			Compensation: r.CompensationBalance.String(), Submitted: models.DateTimeCN(r.SubmittedAt) + " " + r.SubmittedName, Note: r.Note})
	}
	return out
}

// bankComparison is the latest statement's comparison as the shared block shows it.
func bankComparison(c *store.BankStatementComparison) *shared.BankComparison {
	if c == nil {
		return nil
	}
	v := &shared.BankComparison{Period: c.Statement.PeriodText(), Version: strconv.Itoa(c.Statement.Version),
		Tolerance: c.Tolerance.String() + " 元", Declared: c.Declared, Clause: models.CustodyClause}
	for _, f := range c.Flags {
		v.Flags = append(v.Flags, f.Text())
	}
	return v
}

func (h *Bank) renderPlatform(c echo.Context, status int, values map[string]string, errs components.FieldErrors) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := CurrentUser(c)
	rel, err := h.store.BankPlatform(ctx, u, id)
	if err != nil {
		return err
	}
	name, err := h.bankName(c)
	if err != nil {
		return err
	}
	hist, err := h.store.BankStatementsOf(ctx, u, id, 36)
	if err != nil {
		return err
	}
	cmp, err := h.store.CompareLatestStatement(ctx, id)
	if err != nil {
		return err
	}
	if values == nil {
		values = map[string]string{"period": models.PeriodOf(models.DateOf(h.now())).Prev().String()}
	}
	p := bank.PlatformPage{Bank: name, Inst: relationshipRow(*rel), Values: values, Errors: errs, Statements: statementRows(hist),
		Check: bankComparison(cmp), MaxBytes: h.maxUpload}
	for _, f := range models.BankStatementFields {
		p.Fields = append(p.Fields, components.Option{Value: f.Key, Label: f.Label})
	}
	return Render(c, status, bank.Platform(p))
}

// Platform is GET /bank/platforms/:id: one platform the bank sees (404 for any other).
func (h *Bank) Platform(c echo.Context) error {
	return h.renderPlatform(c, http.StatusOK, nil, components.FieldErrors{})
}

// statementForm is a statement as posted.
type statementForm struct {
	Period              string `form:"period"`
	LenderFunds         string `form:"lender_funds"`
	RepaymentFlows      string `form:"repayment_flows"`
	RiskReserve         string `form:"risk_reserve"`
	CompensationBalance string `form:"compensation_balance"`
	Note                string `form:"note"`
}

func (f statementForm) typed() map[string]string {
	return map[string]string{"period": f.Period, "lender_funds": f.LenderFunds, "repayment_flows": f.RepaymentFlows,
		"risk_reserve": f.RiskReserve, "compensation_balance": f.CompensationBalance, "note": f.Note}
}

// submit parses the typed values and stores the statement; the field errors come back
// for the form to show again with what was typed.
func (h *Bank) submit(c echo.Context, instID int64, typed map[string]string, source models.ReportSource, sha string) (*store.BankStatementRow, map[string]string, error) {
	st, errs := models.ParseBankStatement(typed)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	row, err := h.store.SubmitBankStatement(c.Request().Context(), actor(c, h.now),
		store.StatementInput{InstitutionID: instID, Statement: st, Source: source, UploadSHA256: sha, Note: typed["note"]})
	if field, ok := models.ErrorField(err); ok {
		return nil, map[string]string{field: models.ErrorMessage(err)}, nil
	}
	return row, nil, err
}

// SubmitStatement is POST /bank/platforms/:id/statements: the form.
func (h *Bank) SubmitStatement(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.store.BankPlatform(c.Request().Context(), CurrentUser(c), id); err != nil {
		return err
	}
	var f statementForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	row, errs, err := h.submit(c, id, f.typed(), models.SourceForm, "")
	if err != nil {
		return err
	}
	if errs != nil {
		return h.renderPlatform(c, http.StatusUnprocessableEntity, f.typed(), components.FieldErrors(errs))
	}
	return redirectWithFlash(c, h.sessions, urls.BankPlatform(id), fmt.Sprintf("已报送 %s 对账单（第 %d 版）", row.PeriodText(), row.Version))
}

// UploadStatement is POST /bank/platforms/:id/statements/upload: a filled-in template
// through the one upload intake (receivePart), read and stored as the form would be.
func (h *Bank) UploadStatement(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.BankPlatform(ctx, CurrentUser(c), id); err != nil {
		return err
	}
	var sum string
	err = eachPart(c, func(string, string) error { return nil }, func(field string, part *multipart.Part) error {
		if field != "file" || sum != "" {
			return nil
		}
		ref, err := receivePart(c, h.files, part, h.maxUpload, []models.FileKind{models.KindXLSX})
		sum = ref.SHA256
		return err
	})
	if err == nil && sum == "" {
		err = models.Errorf(models.EInvalid, "请选择填好的 Excel 对账单")
	}
	var typed map[string]string
	if err == nil {
		typed, err = h.readStatement(ctx, sum)
	}
	if err != nil {
		if code := models.ErrorCode(err); code != models.EInvalid && code != models.EStorage {
			return err
		}
		return h.renderPlatform(c, uploadStatus(err), nil, components.FieldErrors{"file": models.ErrorMessage(err)})
	}
	row, errs, err := h.submit(c, id, typed, models.SourceXLSX, sum)
	if err != nil {
		return err
	}
	if errs != nil {
		return h.renderPlatform(c, http.StatusUnprocessableEntity, typed, components.FieldErrors(errs))
	}
	return redirectWithFlash(c, h.sessions, urls.BankPlatform(id), fmt.Sprintf("已从 Excel 报送 %s 对账单（第 %d 版）", row.PeriodText(), row.Version))
}

func (h *Bank) readStatement(ctx context.Context, sum string) (map[string]string, error) {
	rc, err := h.files.Open(ctx, sum)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return models.ParseStatementTemplate(rc)
}

// Template is GET /bank/statements/template.xlsx?institution=&period=: the statement
// template for a platform the bank sees.
func (h *Bank) Template(c echo.Context) error {
	id, err := strconv.ParseInt(c.QueryParam("institution"), 10, 64)
	if err != nil || id <= 0 {
		return models.Errorf(models.ENotFound, "请从机构页面下载对账单模板")
	}
	rel, err := h.store.BankPlatform(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	name, err := h.bankName(c)
	if err != nil {
		return err
	}
	p, err := models.ParsePeriod(c.QueryParam("period"))
	if err != nil {
		p = models.PeriodOf(models.DateOf(h.now())).Prev()
	}
	f, err := models.StatementTemplate(name, rel.InstitutionName, p)
	if err != nil {
		return err
	}
	defer f.Close()
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, xlsxContentType)
	hd.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape("存管对账单模板-"+p.String()+".xlsx"))
	hd.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)
	_, err = f.WriteTo(c.Response())
	return err
}
