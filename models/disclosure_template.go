package models

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The monthly report's XLSX template: one sheet, the period at the top, one row per item
// of MonthlyItems (label, value, unit, clause, key). The portal writes it; the platform
// fills in the value column and uploads it through the one upload intake; the parser
// reads it back into the typed values the form shows, so the form's validation and
// messages apply unchanged.

const (
	TemplateSheet    = "月度数据"
	templateKeyCol   = 5 // E: the item key, which the parser goes by
	templateValueCol = 2 // B: the value the platform types
	templateFirstRow = 4
	// The parser reads at most this many rows and this much of a cell; a template has
	// fewer than 30 rows.
	templateMaxRows  = 200
	templateMaxCell  = 4000
	templateUnzipMax = 16 << 20 // bytes unpacked, against zip bombs
	templateXMLMax   = 4 << 20
)

// MonthlyTemplate builds the template for a period, with values filled in (nil: blank).
func MonthlyTemplate(institution string, p Period, values map[string]string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		f.Close()
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": what is typed stays text
	if err != nil {
		f.Close()
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(TemplateSheet, cell, v)
		}
	}
	set("A1", "网络借贷信息中介机构月度信息披露数据报送模板（《网络借贷信息中介机构业务活动信息披露指引》第八条）")
	set("A2", "报告期（年-月）")
	set("B2", p.String())
	set("C2", "机构："+institution)
	set("E2", "period")
	for i, h := range []string{"项目", "填报值", "单位", "依据", "字段代码（请勿修改）"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, templateFirstRow-1)
		set(cell, h)
	}
	for i, it := range MonthlyItems {
		r := strconv.Itoa(templateFirstRow + i)
		label := it.Label
		if it.Optional {
			label += "（如有）"
		}
		set("A"+r, label)
		set("B"+r, values[it.Key])
		unit := it.Unit()
		if it.Kind == FigureShare {
			unit = "%（填百分数，如 8.5 表示 8.5%）"
		}
		set("C"+r, unit)
		set("D"+r, it.Citation)
		set("E"+r, it.Key)
	}
	last := strconv.Itoa(templateFirstRow + len(MonthlyItems) - 1)
	if err == nil {
		err = f.SetCellStyle(TemplateSheet, "B2", "B"+last, text)
	}
	if err == nil {
		err = f.SetCellStyle(TemplateSheet, "A3", "E3", bold)
	}
	for col, w := range map[string]float64{"A": 34, "B": 24, "C": 30, "D": 20, "E": 24} {
		if err == nil {
			err = f.SetColWidth(TemplateSheet, col, col, w)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ParseMonthlyTemplate reads an uploaded template into the values typed for each item key
// and "period". Rows are found by their key (column E), so a row moved or a label edited
// still reads; a key that is not an item is ignored. A file that is not the template
// (no sheet of that name, no item keys) is refused with a message saying so.
func ParseMonthlyTemplate(r io.Reader) (map[string]string, error) {
	known := map[string]bool{"period": true}
	for _, it := range MonthlyItems {
		known[it.Key] = true
	}
	out, err := readKeyedTemplate(r, TemplateSheet, known)
	if err == nil && len(out) < 2 {
		return nil, Errorf(EInvalid, "上传的文件不是月度数据报送模板（找不到字段代码列），请使用本系统下载的模板")
	}
	return out, err
}

// readKeyedTemplate reads the value column of the sheet's rows whose key column holds one
// of the known keys: the portal's templates (the monthly report, the custody bank's
// statement). It refuses, in Chinese, a file that is not XLSX, lacks the sheet, or is too
// large.
func readKeyedTemplate(r io.Reader, sheet string, known map[string]bool) (map[string]string, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: templateUnzipMax, UnzipXMLSizeLimit: templateXMLMax})
	if err != nil {
		return nil, Errorf(EInvalid, "无法读取上传的 Excel 文件，请使用本系统下载的模板（XLSX 格式）")
	}
	defer f.Close()
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, Errorf(EInvalid, "上传的文件中没有“%s”工作表，请使用本系统下载的模板", sheet)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, Errorf(EInvalid, "无法读取“%s”工作表，请使用本系统下载的模板", sheet)
	}
	defer rows.Close()
	out := map[string]string{}
	for n := 0; rows.Next(); n++ {
		if n >= templateMaxRows {
			return nil, Errorf(EInvalid, "模板行数超过 %d 行，请使用本系统下载的模板", templateMaxRows)
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, Errorf(EInvalid, "无法读取模板第 %d 行，请使用本系统下载的模板", n+1)
		}
		if len(cols) < templateKeyCol {
			continue
		}
		key := strings.TrimSpace(cols[templateKeyCol-1])
		if !known[key] {
			continue
		}
		v := cols[templateValueCol-1]
		if len(v) > templateMaxCell*4 || utf8.RuneCountInString(v) > templateMaxCell {
			return nil, Errorf(EInvalid, "模板第 %d 行的内容过长", n+1)
		}
		out[key] = templateValue(strings.ToValidUTF8(v, "\uFFFD"))
	}
	if err := rows.Error(); err != nil {
		return nil, Errorf(EInvalid, "无法读取“%s”工作表，请使用本系统下载的模板", sheet)
	}
	return out, nil
}

// templateValue undoes what a spreadsheet does to a number typed into a cell that lost its
// text format: 1.2E+8 is written out in full.
func templateValue(v string) string {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, "eE") {
		if x, err := strconv.ParseFloat(v, 64); err == nil && x >= 0 && x < 1e17 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return v
}
