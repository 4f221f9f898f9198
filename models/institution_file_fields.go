package models

// FieldKind says how a field is typed, checked and shown.
type FieldKind string

const (
	KindText        FieldKind = "text"
	KindLongText    FieldKind = "longtext"
	KindMoney       FieldKind = "money"        // 元, two decimals, not negative
	KindSignedMoney FieldKind = "signed_money" // 元, may be negative (net assets)
	KindPercent     FieldKind = "percent"
	KindDate        FieldKind = "date"
	KindPhone       FieldKind = "phone"
	KindUSCC        FieldKind = "uscc"
	KindChoice      FieldKind = "choice"
	KindCount       FieldKind = "count" // a whole number, not negative
)

// FieldSpec describes one field of T: its form name, Chinese label, kind and whether it
// must be filled. Ref points at the field in a T, so parsing and formatting need no
// per-field code.
type FieldSpec[T any] struct {
	Name     string
	Label    string
	Hint     string
	Section  string
	Kind     FieldKind
	Required bool
	Positive bool // money that must be above zero
	Choices  []Choice
	Ref      func(*T) any
}

// Sections of the file form, in order.
const (
	SectionRegistration = "工商登记信息"
	SectionOwnership    = "实际控制人"
	SectionFiling       = "备案、许可与存管信息"
	SectionBusiness     = "网贷业务与整改情况"
)

// FileSections lists the scalar sections in order.
var FileSections = []string{SectionRegistration, SectionOwnership, SectionFiling, SectionBusiness}

type fileSpec = FieldSpec[InstitutionFile]

// FileFields are the scalar fields of the file.
var FileFields = []fileSpec{
	{Name: "name", Label: "公司全称", Section: SectionRegistration, Kind: KindText, Required: true, Ref: func(f *InstitutionFile) any { return &f.Name }},
	{Name: "short_names", Label: "公司简称", Hint: "多个简称以分号「；」分隔", Section: SectionRegistration, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.ShortNames }},
	{Name: "uscc", Label: "统一社会信用代码", Hint: "18 位，GB 32100-2015", Section: SectionRegistration, Kind: KindUSCC, Required: true, Ref: func(f *InstitutionFile) any { return &f.USCC }},
	{Name: "registered_capital", Label: "注册资本（元）", Section: SectionRegistration, Kind: KindMoney, Required: true, Positive: true, Ref: func(f *InstitutionFile) any { return &f.RegisteredCapital }},
	{Name: "paid_in_capital", Label: "实缴注册资本（元）", Hint: "以货币出资的实缴资本", Section: SectionRegistration, Kind: KindMoney, Required: true, Ref: func(f *InstitutionFile) any { return &f.PaidInCapital }},
	{Name: "registered_address", Label: "注册地址", Section: SectionRegistration, Kind: KindText, Required: true, Ref: func(f *InstitutionFile) any { return &f.RegisteredAddress }},
	{Name: "business_addresses", Label: "经营地址", Hint: "多个经营地以分号「；」分隔", Section: SectionRegistration, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.BusinessAddresses }},
	{Name: "founded_on", Label: "成立日期", Hint: "yyyy-mm-dd", Section: SectionRegistration, Kind: KindDate, Required: true, Ref: func(f *InstitutionFile) any { return &f.FoundedOn }},
	{Name: "term_end", Label: "经营期限至", Hint: "yyyy-mm-dd；长期经营的留空", Section: SectionRegistration, Kind: KindDate, Ref: func(f *InstitutionFile) any { return &f.TermEnd }},
	{Name: "business_status", Label: "经营状态", Section: SectionRegistration, Kind: KindChoice, Required: true, Choices: BusinessStatusChoices, Ref: func(f *InstitutionFile) any { return &f.BusinessStatus }},
	{Name: "status_note", Label: "停业原因", Hint: "经营状态为停业的须说明原因", Section: SectionRegistration, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.StatusNote }},
	{Name: "legal_representative", Label: "法定代表人", Section: SectionRegistration, Kind: KindText, Required: true, Ref: func(f *InstitutionFile) any { return &f.LegalRepresentative }},
	{Name: "contact_phone", Label: "联系电话", Hint: "区号-号码或手机号", Section: SectionRegistration, Kind: KindPhone, Required: true, Ref: func(f *InstitutionFile) any { return &f.ContactPhone }},
	{Name: "complaint_phone", Label: "投诉电话", Hint: "区号-号码或手机号", Section: SectionRegistration, Kind: KindPhone, Ref: func(f *InstitutionFile) any { return &f.ComplaintPhone }},
	{Name: "business_scope", Label: "经营范围", Section: SectionRegistration, Kind: KindLongText, Required: true, Ref: func(f *InstitutionFile) any { return &f.BusinessScope }},

	{Name: "actual_controller", Label: "实际控制人", Section: SectionOwnership, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.ActualController }},

	{Name: "filing_regulator", Label: "备案登记地方金融监管部门", Hint: "尚未备案的留空", Section: SectionFiling, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.FilingRegulator }},
	{Name: "filing_date", Label: "备案登记日期", Section: SectionFiling, Kind: KindDate, Ref: func(f *InstitutionFile) any { return &f.FilingDate }},
	{Name: "filing_number", Label: "备案登记编号", Section: SectionFiling, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.FilingNumber }},
	{Name: "telecom_licence", Label: "电信业务经营许可证号", Section: SectionFiling, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.TelecomLicence }},
	{Name: "custody_bank", Label: "资金存管银行", Hint: "银行全称", Section: SectionFiling, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.CustodyBank }},
	{Name: "psb_filing_number", Label: "公安机关网站备案编号", Section: SectionFiling, Kind: KindText, Ref: func(f *InstitutionFile) any { return &f.PSBFilingNumber }},

	{Name: "p2p_started_on", Label: "开始从事网贷业务日期", Section: SectionBusiness, Kind: KindDate, Required: true, Ref: func(f *InstitutionFile) any { return &f.P2PStartedOn }},
	{Name: "rectification_from_start", Label: "是否自始纳入网贷风险专项整治", Section: SectionBusiness, Kind: KindChoice, Required: true, Choices: YesNoChoices, Ref: func(f *InstitutionFile) any { return &f.RectificationFromStart }},
	{Name: "operating_class", Label: "经营类别", Hint: "《网络借贷信息中介机构有条件备案试点工作方案》二(一)", Section: SectionBusiness, Kind: KindChoice, Required: true, Choices: OperatingClassChoices, Ref: func(f *InstitutionFile) any { return &f.OperatingClass }},
	{Name: "outstanding_balance", Label: "上年末待收余额（元）", Hint: "上一年 12 月末的借贷余额；" + LargeScaleText + "及以上由省市联合验收", Section: SectionBusiness, Kind: KindMoney, Required: true, Ref: func(f *InstitutionFile) any { return &f.OutstandingBalance }},
	{Name: "risk_reserve", Label: "一般风险准备金余额（元）", Section: SectionBusiness, Kind: KindMoney, Ref: func(f *InstitutionFile) any { return &f.RiskReserve }},
	{Name: "compensation_ratio", Label: "出借人风险补偿金计提比例（%）", Hint: "按每一借款项目金额计提的比例", Section: SectionBusiness, Kind: KindPercent, Ref: func(f *InstitutionFile) any { return &f.CompensationRatio }},
	{Name: "classification", Label: "专项整治分类", Hint: "整治阶段监管部门确定的分类", Section: SectionBusiness, Kind: KindChoice, Choices: ClassificationChoices, Ref: func(f *InstitutionFile) any { return &f.Classification }},
}

// RowPart describes a repeated part of the file: shareholders, people, branches,
// channels. Identity names the field that tells rows apart in the history.
type RowPart[T any] struct {
	Key      string
	Label    string // one row, as in "股东"
	Title    string // the section, as in "股东"
	Identity string
	Fields   []FieldSpec[T]
	Rows     func(*InstitutionFile) *[]T
	// Check adds rules between a row's fields; raw gives the typed text of a field.
	Check func(row *T, raw func(field string) string) map[string]string
}

// MaxRows bounds each repeated part, so a form cannot grow without end.
const MaxRows = 50

var ShareholderPart = RowPart[Shareholder]{Key: "shareholders", Label: "股东", Title: "股东", Identity: "name",
	Rows: func(f *InstitutionFile) *[]Shareholder { return &f.Shareholders },
	Fields: []FieldSpec[Shareholder]{
		{Name: "name", Label: "股东全称或姓名", Kind: KindText, Required: true, Ref: func(s *Shareholder) any { return &s.Name }},
		{Name: "kind", Label: "股东类型", Kind: KindChoice, Required: true, Choices: ShareholderKindChoices, Ref: func(s *Shareholder) any { return &s.Kind }},
		{Name: "share", Label: "持股比例（%）", Kind: KindPercent, Required: true, Ref: func(s *Shareholder) any { return &s.Share }},
		{Name: "years_operating", Label: "连续经营年限（年）", Hint: "法人股东填写", Kind: KindCount, Ref: func(s *Shareholder) any { return &s.YearsOperating }},
		{Name: "profitable_years", Label: "最近连续盈利会计年度数", Hint: "法人股东填写", Kind: KindCount, Ref: func(s *Shareholder) any { return &s.ProfitableYears }},
		{Name: "net_assets", Label: "净资产（元）", Hint: "法人股东填写，年终分配后", Kind: KindSignedMoney, Ref: func(s *Shareholder) any { return &s.NetAssets }},
		{Name: "total_assets", Label: "总资产（元）", Hint: "法人股东填写", Kind: KindMoney, Ref: func(s *Shareholder) any { return &s.TotalAssets }},
		{Name: "equity_investments", Label: "权益性投资余额（元）", Hint: "法人股东填写", Kind: KindMoney, Ref: func(s *Shareholder) any { return &s.EquityInvestments }},
		{Name: "domestic_non_financial", Label: "是否境内非金融企业法人", Hint: "法人股东填写", Kind: KindChoice, Choices: YesNoChoices, Ref: func(s *Shareholder) any { return &s.DomesticNonFinancial }},
	},
	Check: func(s *Shareholder, raw func(string) string) map[string]string {
		out := map[string]string{}
		if s.Kind == "legal" {
			// seeds/001 二(五) judges corporate shareholders by these figures.
			for _, name := range LegalShareholderFields {
				if raw(name) == "" {
					out[name] = "法人股东须填写此项（《网络借贷信息中介机构有条件备案试点工作方案》二(五)）"
				}
			}
		}
		return out
	}}

// LegalShareholderFields must be filled for a legal-person shareholder.
var LegalShareholderFields = []string{"years_operating", "profitable_years", "net_assets", "total_assets", "equity_investments", "domestic_non_financial"}

var PersonPart = RowPart[Person]{Key: "people", Label: "人员", Title: "董事、监事、高级管理人员", Identity: "name",
	Rows: func(f *InstitutionFile) *[]Person { return &f.People },
	Fields: []FieldSpec[Person]{
		{Name: "name", Label: "姓名", Kind: KindText, Required: true, Ref: func(p *Person) any { return &p.Name }},
		{Name: "role", Label: "类别", Kind: KindChoice, Required: true, Choices: PersonRoleChoices, Ref: func(p *Person) any { return &p.Role }},
		{Name: "title", Label: "职务", Hint: "如 董事长、总经理", Kind: KindText, Ref: func(p *Person) any { return &p.Title }},
	}}

var BranchPart = RowPart[Branch]{Key: "branches", Label: "分支机构", Title: "分支机构", Identity: "name",
	Rows: func(f *InstitutionFile) *[]Branch { return &f.Branches },
	Fields: []FieldSpec[Branch]{
		{Name: "name", Label: "分支机构全称", Kind: KindText, Required: true, Ref: func(b *Branch) any { return &b.Name }},
		{Name: "address", Label: "所在地", Kind: KindText, Required: true, Ref: func(b *Branch) any { return &b.Address }},
		{Name: "founded_on", Label: "成立日期", Kind: KindDate, Ref: func(b *Branch) any { return &b.FoundedOn }},
		{Name: "head", Label: "负责人", Kind: KindText, Ref: func(b *Branch) any { return &b.Head }},
		{Name: "phone", Label: "联系电话", Kind: KindPhone, Ref: func(b *Branch) any { return &b.Phone }},
		{Name: "complaint_phone", Label: "投诉电话", Kind: KindPhone, Ref: func(b *Branch) any { return &b.ComplaintPhone }},
		{Name: "staff_formal", Label: "正式员工（人）", Kind: KindCount, Ref: func(b *Branch) any { return &b.StaffFormal }},
		{Name: "staff_dispatched", Label: "派遣员工（人）", Kind: KindCount, Ref: func(b *Branch) any { return &b.StaffDispatched }},
		{Name: "staff_temporary", Label: "临时员工（人）", Kind: KindCount, Ref: func(b *Branch) any { return &b.StaffTemporary }},
	}}

var ChannelPart = RowPart[Channel]{Key: "channels", Label: "渠道", Title: "官方网站及互联网渠道", Identity: "name",
	Rows: func(f *InstitutionFile) *[]Channel { return &f.Channels },
	Fields: []FieldSpec[Channel]{
		{Name: "kind", Label: "渠道类型", Kind: KindChoice, Required: true, Choices: ChannelKindChoices, Ref: func(c *Channel) any { return &c.Kind }},
		{Name: "name", Label: "名称", Hint: "网站名称、APP 名称或账号名", Kind: KindText, Required: true, Ref: func(c *Channel) any { return &c.Name }},
		{Name: "address", Label: "网址或链接", Hint: "域名、下载链接或账号", Kind: KindText, Required: true, Ref: func(c *Channel) any { return &c.Address }},
		{Name: "ip", Label: "IP 地址", Kind: KindText, Ref: func(c *Channel) any { return &c.IP }},
	},
	Check: func(c *Channel, raw func(string) string) map[string]string {
		if ip := raw("ip"); ip != "" && !validIP(ip) {
			return map[string]string{"ip": "IP 地址「" + ip + "」格式不正确，应如 203.0.113.10"}
		}
		return nil
	}}
