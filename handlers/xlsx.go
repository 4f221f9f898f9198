package handlers

import (
	"archive/zip"
	"io"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"portal/models"
)

// xlsxContentType is the media type of an Office Open XML workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// XLSXColumn is one column of an export: its header and width in characters.
type XLSXColumn struct {
	Header string
	Width  float64
}

// XLSX writes one sheet of an export with excelize's stream writer: rows go to a
// temporary file as they come, so a long list is never held in memory as cells. Every
// value is written as text or a number, never as a formula, so a typed "=…" stays text.
type XLSX struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	row int
}

// NewXLSX starts a workbook with one sheet, its column widths and a bold, frozen header.
func NewXLSX(sheet string, cols []XLSXColumn) (*XLSX, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, c := range cols {
		if c.Width > 0 {
			if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	x := &XLSX{f: f, sw: sw, row: 1}
	if err := sw.SetRow("A1", head); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// Row appends one row; strings stay strings, numbers stay numbers.
func (x *XLSX) Row(cells ...any) error {
	x.row++
	name, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(name, cells)
}

// Rows is how many data rows have been written.
func (x *XLSX) Rows() int { return x.row - 1 }

// Close frees the workbook's temporary files; Send calls it.
func (x *XLSX) Close() { x.f.Close() }

// Send finishes the sheet and writes the workbook as an attachment named name.xlsx.
// The name carries the day of the export in Beijing time.
func (x *XLSX) Send(c echo.Context, name string, now Clock) error {
	defer x.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	file := name + "-" + models.DateOf(now()).String() + ".xlsx"
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, xlsxContentType)
	h.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+urlPathEscape(file))
	if h.Get("Cache-Control") == "" { // the public register's cache sets its own
		h.Set("Cache-Control", "private, no-store")
	}
	c.Response().WriteHeader(http.StatusOK)
	return x.write(c.Response())
}

// WriteFile finishes the sheet and writes the workbook to w, then frees it.
func (x *XLSX) WriteFile(w io.Writer) error {
	defer x.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.write(w)
}

// write zips the finished workbook to w. excelize's WriteTo zips the whole workbook
// into a buffer first; its zip writer hook lets the archive go straight to w instead,
// the sheet copied from the stream writer's temporary file (or its buffer, below
// 16 MB) entry by entry. The buffer WriteTo is handed stays empty.
func (x *XLSX) write(w io.Writer) error {
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	_, err := x.f.WriteTo(io.Discard)
	return err
}

// exportPageSize is how many rows eachPage reads from the store at a time.
const exportPageSize = 200

// eachPage calls list for page 1, 2, … until every row counted by its total has been
// read. It walks the list by numbered pages (a count and an OFFSET page per 200 rows),
// so its cost grows faster than the rows: the disclosure exports still use it; every
// other export reads a store iterator (EachX), which a new export should do too.
func eachPage(list func(p models.Page) (n int, total int64, err error)) error {
	for n := 1; ; n++ {
		got, total, err := list(models.Page{Number: n, Size: exportPageSize})
		if err != nil {
			return err
		}
		if got == 0 || int64(n*exportPageSize) >= total {
			return nil
		}
	}
}

// exportHref is the export link of a list page: path with the page's filters, without
// the page number.
func exportHref(path string, q url.Values) string {
	v := url.Values{}
	for k, vals := range q {
		if k != "page" {
			v[k] = vals
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
