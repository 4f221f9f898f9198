package pdf

// CheckData fills the P2P网贷整改验收工作区（县）核查确认表 (plan 6 四(二)):
// the district confirms its on-site check of an institution.
type CheckData struct {
	Institution  Institution
	Check        OnSiteCheck
	ThirdParties string // 第三方中介机构 (律师事务所、会计师事务所) taking part
	Confirmed    bool   // 业务真实、数据准确、合法合规，同意在本辖区经营
	Conclusion   string // 核查结论, free text
	Sign         SignOff
}

// CheckTitle is the form's title as the acceptance plan names it.
const CheckTitle = "P2P网贷整改验收工作区（县）核查确认表"

// The two conclusions the plan allows a district to reach.
const (
	ConclusionAgree    = "业务真实、数据准确、合法合规，同意在本辖区经营"
	ConclusionDisagree = "不同意在本辖区经营，按退出机制和流程引导平稳有序退出"
)

const checkFormStatic = "第三方中介机构核查结论无"

// CheckConfirmation renders the 区（县）核查确认表 as PDF.
func (r *Renderer) CheckConfirmation(c CheckData) ([]byte, error) {
	chosen, err := c.Check.validate()
	if err != nil {
		return nil, err
	}
	third := c.ThirdParties
	if third == "" {
		third = "无"
	}
	return r.form(formSpec{
		title:   CheckTitle,
		subject: "区（县）核查确认表：" + c.Institution.Name,
		inst:    c.Institution,
		sign:    c.Sign,
		texts:   append(checkTexts(c.Check), checkFormStatic, third, ConclusionAgree, ConclusionDisagree, c.Conclusion),
		rows: func(t *table) {
			checkRows(t, c.Check, chosen)
			t.row(cell{w: labelW, text: "第三方中介机构", label: true}, cell{text: third})
			t.row(cell{w: labelW, text: "核查结论", label: true}, cell{text: c.Conclusion,
				choices: []choice{{ConclusionAgree, c.Confirmed}, {ConclusionDisagree, !c.Confirmed}}})
		},
	})
}
