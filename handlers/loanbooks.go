package handlers

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/models/store/files"
	"portal/urls"
	"portal/views/components"
	"portal/views/layout"
	"portal/views/pages/platform"
)

// LoanBookStore is what the platform's loan-book pages need of the store.
type LoanBookStore interface {
	CreateLoanBookImport(ctx context.Context, a store.Actor, p models.Period, f store.FileRef) (*store.LoanBookImport, error)
	LoanBookImport(ctx context.Context, u *models.User, id int64) (*store.LoanBookImport, error)
	LoanBookImports(ctx context.Context, institutionID int64, p models.Page) ([]store.LoanBookImport, int64, error)
	LoanBookResult(ctx context.Context, importID int64, limit int) (*models.LoanBookResult, int64, error)
	LoanBookRefused(ctx context.Context, importID int64, afterRow int64, limit int) ([]models.RefusedRow, error)
	DeclaredFigures(ctx context.Context, institutionID int64, p models.Period) (models.MonthlyFigures, bool, error)
}

// LoanBooks serves the platform's loan books (借款明细): upload, progress, checks.
type LoanBooks struct {
	store    LoanBookStore
	files    files.Store
	sessions Sessions
	now      Clock
}

// NewLoanBooks builds the loan-book handlers.
func NewLoanBooks(s LoanBookStore, fs files.Store, sess Sessions, now Clock) *LoanBooks {
	return &LoanBooks{store: s, files: fs, sessions: sess, now: now}
}

// List is the upload form and the platform's imports.
func (h *LoanBooks) List(c echo.Context) error {
	return h.render(c, http.StatusOK, platform.LoanBooksPage{Period: models.PeriodOf(models.DateOf(h.now())).Prev().String()})
}

func (h *LoanBooks) render(c echo.Context, status int, p platform.LoanBooksPage) error {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	pg := pageFrom(c)
	rows, total, err := h.store.LoanBookImports(ctx, models.IDOrZero(u.InstitutionID), pg)
	if err != nil {
		return err
	}
	p.Imports, p.Pager = rows, pager(c, pg, total)
	p.Action = urls.WithCSRF(urls.LoanBooks, layout.ShellFrom(ctx).CSRF)
	if p.Errors == nil {
		p.Errors = components.FieldErrors{}
	}
	return Render(c, status, platform.LoanBooks(p))
}

// Upload takes the period and the book through the one upload intake, records the
// import with its job (River, web/jobs/import_loan_book.go); the page it leads to shows
// the progress.
func (h *LoanBooks) Upload(c echo.Context) error {
	p := platform.LoanBooksPage{Errors: components.FieldErrors{}}
	var ref *store.FileRef
	status := http.StatusUnprocessableEntity
	err := eachPart(c, func(name, value string) error {
		if name == "period" {
			p.Period = strings.TrimSpace(value)
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "file" || ref != nil {
			return nil
		}
		f, err := receivePart(c, h.files, part, models.MaxLoanBookBytes, models.LoanBookKinds)
		if err == nil {
			ref = &f
		}
		return err
	})
	if models.ErrorCode(err) == models.EInvalid {
		p.Errors["file"], status = models.ErrorMessage(err), uploadStatus(err)
	} else if err != nil {
		return err
	}
	period, perr := models.ParsePeriod(p.Period)
	if perr != nil {
		p.Errors["period"] = models.ErrorMessage(perr)
	} else if !period.MonthEnd().Before(models.DateOf(h.now())) {
		p.Errors["period"] = "报告期须为已结束的月份"
	}
	if ref == nil && p.Errors["file"] == "" {
		p.Errors["file"] = "请选择借款明细文件（CSV 或 XLSX）"
	}
	if p.Errors.Any() {
		return h.render(c, status, p)
	}
	imp, err := h.store.CreateLoanBookImport(c.Request().Context(), actor(c, h.now), period, *ref)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, h.sessions, urls.LoanBook(imp.ID), "已上传借款明细「"+ref.Name+"」，正在后台导入和测算")
}

// Show is one import: progress while it runs, then the figures beside the declared
// ones and the cap violations.
func (h *LoanBooks) Show(c echo.Context) error {
	imp, err := h.loadImport(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := platform.LoanBookPage{Import: *imp}
	if imp.State == store.ImportDone {
		res, nv, err := h.store.LoanBookResult(ctx, imp.ID, 200)
		if err != nil {
			return err
		}
		p.Result, p.Violations = res, nv
		if res != nil {
			declared, ok, err := h.store.DeclaredFigures(ctx, imp.InstitutionID, imp.Period)
			if err != nil {
				return err
			}
			p.HasDeclared = ok
			p.Rows, p.Diffs = FigureRows(declared, ok, res.Figures)
		}
	}
	return Render(c, http.StatusOK, platform.LoanBook(p))
}

// FigureRows lays the computed figures beside the declared ones, flagging every item
// models.CompareFiguresOn finds different; the items a month-end loan book cannot tell
// (lenders, reserves) are shown as not computed.
func FigureRows(declared models.MonthlyFigures, hasDeclared bool, computed models.MonthlyFigures) ([]platform.FigureRow, int) {
	differs := map[string]bool{}
	diffs := 0
	if hasDeclared {
		for _, d := range models.CompareFiguresOn(declared, computed, models.LoanBookFieldKeys) {
			differs[d.Field] = true
			diffs++
		}
	}
	inBook := map[string]bool{}
	for _, k := range models.LoanBookFieldKeys {
		inBook[k] = true
	}
	// The cumulative items are computed from the rows the book holds, which need not go
	// back to the platform's first loan: shown, not compared.
	cumulative := map[string]bool{"cumulative_amount": true, "cumulative_count": true, "cumulative_borrowers": true,
		"compensation_amount": true, "compensation_count": true}
	var rows []platform.FigureRow
	for _, f := range models.MonthlyFigureFields {
		r := platform.FigureRow{Label: f.Label, Clause: shortClause(f.Clause), Differs: differs[f.Key]}
		if hasDeclared {
			r.Declared = f.Format(f.Value(declared))
		} else {
			r.Declared = "未报送"
		}
		switch {
		case inBook[f.Key]:
			r.Computed = f.Format(f.Value(computed))
		case cumulative[f.Key]:
			r.Computed = f.Format(f.Value(computed))
			r.Note = "按明细所列借款计算，仅供参考，不比对"
		default:
			r.Computed = "—"
			r.Note = "借款明细不含此项，不比对"
		}
		rows = append(rows, r)
	}
	return rows, diffs
}

func (h *LoanBooks) loadImport(c echo.Context) (*store.LoanBookImport, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	return h.store.LoanBookImport(c.Request().Context(), CurrentUser(c), id)
}

var refusedColumns = []XLSXColumn{{"行号", 8}, {"借款编号", 24}, {"未导入原因", 70}}

// RefusedXLSX sends the rows the import refused, with the reason for each, streamed page
// by page from the store into the one XLSX helper.
func (h *LoanBooks) RefusedXLSX(c echo.Context) error {
	imp, err := h.loadImport(c)
	if err != nil {
		return err
	}
	x, err := NewXLSX("未导入行", refusedColumns)
	if err != nil {
		return err
	}
	var after int64
	for {
		rows, err := h.store.LoanBookRefused(c.Request().Context(), imp.ID, after, 2000)
		if err != nil {
			x.Close()
			return err
		}
		for _, r := range rows {
			if err := x.Row(r.Row, r.LoanID, r.Reason); err != nil {
				x.Close()
				return err
			}
			after = r.Row
		}
		if len(rows) < 2000 {
			break
		}
	}
	return x.Send(c, "借款明细未导入行-"+imp.Period.String(), h.now)
}

// TemplateCSV and TemplateXLSX are the empty books with the Chinese headers and one
// sample row.
func (h *LoanBooks) TemplateCSV(c echo.Context) error {
	var b bytes.Buffer
	if err := models.WriteLoanBookCSV(&b, models.LoanSlice([]models.Loan{models.LoanBookExample})); err != nil {
		return err
	}
	return sendTemplate(c, "借款明细模板.csv", models.KindCSV.ContentType(), b.Bytes())
}

func (h *LoanBooks) TemplateXLSX(c echo.Context) error {
	var b bytes.Buffer
	if err := models.WriteLoanBookXLSX(&b, models.LoanSlice([]models.Loan{models.LoanBookExample})); err != nil {
		return err
	}
	return sendTemplate(c, "借款明细模板.xlsx", xlsxContentType, b.Bytes())
}

func sendTemplate(c echo.Context, name, ctype string, body []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape(name))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, ctype, body)
}

// shortClause drops the guideline's title from a citation: "第八条(二)" of 《…》第八条(二).
func shortClause(c string) string {
	if i := strings.LastIndex(c, "》"); i >= 0 && i+len("》") < len(c) {
		return c[i+len("》"):]
	}
	return c
}
