package pdf

import (
	"fmt"
	"time"
)

// OpinionData fills the P2P网贷机构整改验收申请意见表 (plan 6 四(二)): the
// district's opinion on an application, sealed by the district office.
type OpinionData struct {
	Institution     Institution
	ApplicationDate time.Time
	OutstandingFen  int64 // 待收余额（上年末）, in fen (分)
	Check           OnSiteCheck
	Passed          bool   // 审核结论: 合格 or 不合格
	Opinion         string // 审核意见, free text of any length
	Sign            SignOff
}

// OpinionTitle is the form's title as the acceptance plan names it.
const OpinionTitle = "P2P网贷机构整改验收申请意见表"

const opinionStatic = "申请日期待收余额（上年末）审核结论审核意见合格不合格"

// ReviewOpinion renders the 整改验收申请意见表 as PDF.
func (r *Renderer) ReviewOpinion(o OpinionData) ([]byte, error) {
	chosen, err := o.Check.validate()
	if err != nil {
		return nil, err
	}
	if o.ApplicationDate.IsZero() {
		return nil, fmt.Errorf("pdf: application date is required")
	}
	if o.OutstandingFen < 0 {
		return nil, fmt.Errorf("pdf: outstanding balance %d is negative", o.OutstandingFen)
	}
	if err := required("审核意见", o.Opinion); err != nil {
		return nil, err
	}
	apply, balance := DateCN(o.ApplicationDate), YuanWithYi(o.OutstandingFen)
	return r.form(formSpec{
		title:   OpinionTitle,
		subject: "整改验收申请意见表：" + o.Institution.Name,
		inst:    o.Institution,
		sign:    o.Sign,
		texts:   append(checkTexts(o.Check), opinionStatic, apply, balance, o.Opinion),
		rows: func(t *table) {
			t.row(cell{w: labelW, text: "申请日期", label: true}, cell{text: apply},
				cell{w: labelW, text: "待收余额（上年末）", label: true}, cell{w: valueW, text: balance})
			checkRows(t, o.Check, chosen)
			t.row(cell{w: labelW, text: "审核结论", label: true},
				cell{choices: []choice{{"合格", o.Passed}, {"不合格", !o.Passed}}})
			t.row(cell{w: labelW, text: "审核意见", label: true}, cell{text: o.Opinion})
		},
	})
}
