package models

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// The custody bank's statement as an XLSX template, laid out like the monthly report's
// (label, value, unit, key; the key in column E is what the parser goes by), so a bank
// fills in column B and uploads it through the one upload intake.

// StatementSheet is the template's sheet.
const StatementSheet = "存管对账单"

// StatementTemplate builds the template for a platform and month.
func StatementTemplate(bank, institution string, p Period) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", StatementSheet); err != nil {
		f.Close()
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		f.Close()
		return nil, err
	}
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(StatementSheet, cell, v)
		}
	}
	set("A1", "网贷资金存管月度对账单（"+bank+"）")
	set("A2", "月份（年-月）")
	set("B2", p.String())
	set("C2", "机构："+institution)
	set("E2", "period")
	for i, h := range []string{"项目", "金额", "单位", "说明", "字段代码（请勿修改）"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, templateFirstRow-1)
		set(cell, h)
	}
	for i, it := range BankStatementFields {
		r := strconv.Itoa(templateFirstRow + i)
		set("A"+r, it.Label)
		set("C"+r, "元，最多两位小数")
		set("D"+r, "月末余额；还款账户流水为当月发生额")
		set("E"+r, it.Key)
	}
	last := strconv.Itoa(templateFirstRow + len(BankStatementFields) - 1)
	if err == nil {
		err = f.SetCellStyle(StatementSheet, "B2", "B"+last, text)
	}
	for col, w := range map[string]float64{"A": 34, "B": 24, "C": 20, "D": 34, "E": 24} {
		if err == nil {
			err = f.SetColWidth(StatementSheet, col, col, w)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ParseStatementTemplate reads an uploaded statement into the values typed for each key
// and "period", for ParseBankStatement.
func ParseStatementTemplate(r io.Reader) (map[string]string, error) {
	known := map[string]bool{"period": true}
	for _, it := range BankStatementFields {
		known[it.Key] = true
	}
	out, err := readKeyedTemplate(r, StatementSheet, known)
	if err == nil && len(out) < 2 {
		return nil, Errorf(EInvalid, "上传的文件不是存管对账单模板（找不到字段代码列），请使用本系统下载的模板")
	}
	return out, err
}
