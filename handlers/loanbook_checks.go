package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/views/pages/disclosure"
)

// LoanBookCheckStore is what the officers' loan-book lists need of the store.
type LoanBookCheckStore interface {
	MismatchList(ctx context.Context, u *models.User, f store.LoanBookCheckFilter, p models.Page) ([]store.MismatchRow, int64, error)
	EachMismatch(ctx context.Context, u *models.User, f store.LoanBookCheckFilter, fn func(store.MismatchRow) error) error
	CapViolationList(ctx context.Context, u *models.User, f store.LoanBookCheckFilter, p models.Page) ([]store.CapViolationRow, int64, error)
	EachCapViolation(ctx context.Context, u *models.User, f store.LoanBookCheckFilter, fn func(store.CapViolationRow) error) error
	Divisions(ctx context.Context) ([]models.Division, error)
	AuditRecorder
}

// LoanBookChecks serves the officers' lists: 申报与测算不一致 and the cap violations.
type LoanBookChecks struct {
	store LoanBookCheckStore
	now   Clock
}

// NewLoanBookChecks builds the officers' loan-book lists.
func NewLoanBookChecks(s LoanBookCheckStore, now Clock) *LoanBookChecks {
	return &LoanBookChecks{store: s, now: now}
}

func (h *LoanBookChecks) filter(c echo.Context, placeholder string) (store.LoanBookCheckFilter, disclosure.ChecksFilter, error) {
	f := store.LoanBookCheckFilter{Query: c.QueryParam("q")}
	if s := c.QueryParam("period"); s != "" {
		if p, err := models.ParsePeriod(s); err == nil {
			f.Period = p
		}
	}
	f.DistrictID, _ = strconv.ParseInt(c.QueryParam("district"), 10, 64)
	all, err := h.store.Divisions(c.Request().Context())
	if err != nil {
		return f, disclosure.ChecksFilter{}, err
	}
	return f, disclosure.ChecksFilter{Query: f.Query, Period: c.QueryParam("period"), DistrictID: c.QueryParam("district"),
		Districts: districtOptions(all, CurrentUser(c)), Placeholder: placeholder}, nil
}

// Mismatches is the list 申报与测算不一致 of the officer's jurisdiction: the periods whose
// declared figures differ from the loan book's by the pure rule (models.CompareFiguresOn
// over models.LoanBookFieldKeys), compared when the later of the two was written (00109).
func (h *LoanBookChecks) Mismatches(c echo.Context) error {
	f, fv, err := h.filter(c, "机构名称或统一社会信用代码")
	if err != nil {
		return err
	}
	p := pageFrom(c)
	rows, total, err := h.store.MismatchList(c.Request().Context(), CurrentUser(c), f, p)
	if err != nil {
		return err
	}
	page := disclosure.MismatchesPage{Filter: fv, Pager: pager(c, p, total), Export: exportOf(c, c.Path())}
	for _, r := range rows {
		page.Rows = append(page.Rows, disclosure.MismatchRow{Institution: r.InstitutionName, District: r.DistrictName,
			Period: r.Period.String(), Fields: r.Fields})
	}
	return Render(c, http.StatusOK, disclosure.Mismatches(page))
}

var mismatchColumns = []XLSXColumn{{"机构名称", 44}, {"所属区", 10}, {"报告期", 10}, {"不一致项目", 90}}

// MismatchesXLSX exports the list with the page's filters, one row per differing item,
// streamed from the store.
func (h *LoanBookChecks) MismatchesXLSX(c echo.Context) error {
	f, _, err := h.filter(c, "")
	if err != nil {
		return err
	}
	x, err := NewXLSX("申报与测算不一致", mismatchColumns)
	if err != nil {
		return err
	}
	err = h.store.EachMismatch(c.Request().Context(), CurrentUser(c), f, func(r store.MismatchRow) error {
		for _, t := range r.Fields {
			if err := x.Row(r.InstitutionName, r.DistrictName, r.Period.String(), t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "申报与测算不一致")
}

func capRow(r store.CapViolationRow) disclosure.CapRow {
	return disclosure.CapRow{Institution: r.InstitutionName, District: r.DistrictName, Period: r.Period.String(), Borrower: r.BorrowerID,
		Type: r.Type.Label(), Total: r.Total.String(), Cap: r.Cap.String(), Loans: r.Loans}
}

// Caps is the list of borrowers above their cap in the officer's jurisdiction.
func (h *LoanBookChecks) Caps(c echo.Context) error {
	f, fv, err := h.filter(c, "机构名称、信用代码或借款人编号")
	if err != nil {
		return err
	}
	p := pageFrom(c)
	rows, total, err := h.store.CapViolationList(c.Request().Context(), CurrentUser(c), f, p)
	if err != nil {
		return err
	}
	page := disclosure.CapsPage{Filter: fv, Pager: pager(c, p, total), Export: exportOf(c, c.Path())}
	for _, r := range rows {
		page.Rows = append(page.Rows, capRow(r))
	}
	return Render(c, http.StatusOK, disclosure.Caps(page))
}

var capColumns = []XLSXColumn{{"机构名称", 44}, {"所属区", 10}, {"报告期", 10}, {"借款人编号", 20}, {"类型", 10},
	{"借款余额合计（元）", 20}, {"上限（元）", 16}, {"笔数", 8}}

// CapsXLSX exports the cap violations with the page's filters, streamed from the store.
func (h *LoanBookChecks) CapsXLSX(c echo.Context) error {
	f, _, err := h.filter(c, "")
	if err != nil {
		return err
	}
	x, err := NewXLSX("借款余额超限", capColumns)
	if err != nil {
		return err
	}
	err = h.store.EachCapViolation(c.Request().Context(), CurrentUser(c), f, func(r store.CapViolationRow) error {
		return x.Row(r.InstitutionName, r.DistrictName, r.Period.String(), r.BorrowerID, r.Type.Label(), r.Total.Yuan(), r.Cap.Yuan(), r.Loans)
	})
	if err != nil {
		x.Close()
		return err
	}
	return exportList(c, h.store, h.now, x, "单一借款人借款余额超限")
}
