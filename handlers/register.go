package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/views/pages/public"
)

// RegisterStore is what the public register needs of the store.
type RegisterStore interface {
	RegisterPage(ctx context.Context, query string, st models.RegisterStatus, at models.Seek) ([]models.RegisterEntry, models.PageInfo, error)
	RegisterAllFiltered(ctx context.Context, query string, st models.RegisterStatus) ([]models.RegisterEntry, error)
	EachRegister(ctx context.Context, query string, st models.RegisterStatus, fn func(models.RegisterEntry) error) error
}

// Register serves the public filing register and its exports.
type Register struct {
	store RegisterStore
	now   Clock
}

// NewRegister builds the register handlers.
func NewRegister(s RegisterStore, now Clock) *Register { return &Register{store: s, now: now} }

// List is /register, searchable and paginated.
func (h *Register) List(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	st := models.ParseRegisterStatus(c.QueryParam("status"))
	rows, info, err := h.store.RegisterPage(c.Request().Context(), q, st, seekFrom(c, ""))
	if err != nil {
		return err
	}
	page := public.RegisterPage{Query: q, Status: string(st), Rows: rows, Pager: seekPager(c, "", info)}
	ex := url.Values{}
	if q != "" {
		ex.Set("q", q)
	}
	if st != models.RegisterValid {
		ex.Set("status", string(st))
	}
	if len(ex) > 0 {
		page.Export = "?" + ex.Encode()
	}
	return Render(c, http.StatusOK, public.Register(page))
}

func (h *Register) filename(ext string) string {
	return urlPathEscape("网贷机构备案登记名录-" + models.DateOf(h.now()).String() + "." + ext)
}

// CSV is /register.csv: UTF-8 with a byte-order mark, so spreadsheet programs on
// Chinese Windows read the characters right.
func (h *Register) CSV(c echo.Context) error {
	st := models.ParseRegisterStatus(c.QueryParam("status"))
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	_ = w.Write(models.RegisterHeaderFor(st))
	err := h.store.EachRegister(c.Request().Context(), c.QueryParam("q"), st, func(r models.RegisterEntry) error {
		return w.Write(csvSafe(r.CellsFor(st)))
	})
	if err != nil {
		return err
	}
	w.Flush()
	c.Response().Header().Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+h.filename("csv"))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps a cell that starts like a formula from being run by a spreadsheet.
func csvSafe(cells []string) []string {
	for i, s := range cells {
		if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
			cells[i] = "'" + s
		}
	}
	return cells
}

// XLSX is /register.xlsx, written by the shared export writer from the store's
// iterator: every entry, one row held at a time.
func (h *Register) XLSX(c echo.Context) error {
	st := models.ParseRegisterStatus(c.QueryParam("status"))
	header := models.RegisterHeaderFor(st)
	cols := make([]XLSXColumn, len(header))
	for i, name := range header {
		cols[i] = XLSXColumn{Header: name, Width: 22}
	}
	cols[0].Width = 48
	x, err := NewXLSX("备案名录", cols)
	if err != nil {
		return err
	}
	err = h.store.EachRegister(c.Request().Context(), c.QueryParam("q"), st, func(r models.RegisterEntry) error {
		cells := r.CellsFor(st)
		row := make([]any, len(cells))
		for i, v := range cells {
			row[i] = v
		}
		return x.Row(row...)
	})
	if err != nil {
		x.Close()
		return err
	}
	return x.Send(c, "网贷机构备案登记名录", h.now)
}
