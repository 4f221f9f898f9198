package models

// The institution file (一户一档, SPEC §2): the fields of seeds/003 §7 and attachment
// 2.1–2.2, kept by the platform and read by its officers. Every field is described once
// here, as data: the form, its validation, the read-only page and the change history are
// all derived from these lists, so a field is added in one place.

// Choice is one allowed value of a select field: the stored key and its Chinese label.
type Choice struct {
	Value, Label string
}

// ChoiceLabel is the label of value among choices, or value itself when unknown.
func ChoiceLabel(choices []Choice, value string) string {
	for _, c := range choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

var (
	// BusinessStatusChoices: 经营状态 (seeds/003 attachment 2.2.1).
	BusinessStatusChoices = []Choice{{"open", "开业"}, {"suspended", "停业"}, {"deregistered", "注销"}, {"revoked", "吊销"}}
	YesNoChoices          = []Choice{{"yes", "是"}, {"no", "否"}}
	// OperatingClassChoices: seeds/001 二(一).
	OperatingClassChoices = []Choice{{string(ClassSingleProvince), ClassSingleProvince.Label()}, {string(ClassNational), ClassNational.Label()}}
	// ClassificationChoices: seeds/004 plan 2 三(二).
	ClassificationChoices  = []Choice{{"compliant", "合规类"}, {"rectifying", "整改类"}, {"banned", "取缔类"}}
	ShareholderKindChoices = []Choice{{"natural", "自然人"}, {"legal", "法人或其他组织"}}
	PersonRoleChoices      = []Choice{{"director", "董事"}, {"supervisor", "监事"}, {"executive", "高级管理人员"}}
	ChannelKindChoices     = []Choice{{"website", "官方网站"}, {"app", "APP"}, {"wechat", "微信公众号"}, {"weibo", "微博"}}
)

// InstitutionFile is the whole file of one institution. Money is in 分, ratios in basis
// points, dates civil dates; the zero Date is "not filled".
type InstitutionFile struct {
	ID         int64 `gorm:"<-:false"`
	DistrictID int64 `gorm:"<-:false"`

	Name                string
	ShortNames          string
	USCC                string `gorm:"column:uscc"`
	RegisteredCapital   Money
	PaidInCapital       Money
	RegisteredAddress   string
	BusinessAddresses   string
	FoundedOn           Date
	TermEnd             Date // 经营期限至; zero: 长期
	BusinessStatus      string
	StatusNote          string
	LegalRepresentative string
	ActualController    string
	BusinessScope       string
	ContactPhone        string
	ComplaintPhone      string

	FilingRegulator string
	FilingDate      Date
	FilingNumber    string
	TelecomLicence  string
	CustodyBank     string
	PSBFilingNumber string `gorm:"column:psb_filing_number"`

	P2PStartedOn           Date `gorm:"column:p2p_started_on"`
	RectificationFromStart string
	OperatingClass         string
	OutstandingBalance     Money
	RiskReserve            Money
	CompensationRatio      Ratio
	Classification         string

	Shareholders []Shareholder `gorm:"-"`
	People       []Person      `gorm:"-"`
	Branches     []Branch      `gorm:"-"`
	Channels     []Channel     `gorm:"-"`
}

// TableName: the file's scalar fields are columns of institutions.
func (InstitutionFile) TableName() string { return "institutions" }

// Shareholder is one shareholder (seeds/003 attachment 2.2.2); a legal person also
// carries the facts seeds/001 二(五) asks of corporate shareholders.
type Shareholder struct {
	Name                 string
	Kind                 string
	Share                Ratio
	YearsOperating       int
	ProfitableYears      int
	NetAssets            Money
	TotalAssets          Money
	EquityInvestments    Money
	DomesticNonFinancial string
}

// Person is a director, supervisor or senior manager.
type Person struct {
	Name  string
	Role  string
	Title string
}

// Branch is one branch office (seeds/003 attachment 2.2.4).
type Branch struct {
	Name            string
	Address         string
	FoundedOn       Date
	Head            string
	Phone           string
	ComplaintPhone  string
	StaffFormal     int
	StaffDispatched int
	StaffTemporary  int
}

// Channel is one official internet channel (seeds/003 attachment 2.2.5).
type Channel struct {
	Kind    string
	Name    string
	Address string
	IP      string `gorm:"column:ip"`
}

// FilingFacts are the figures of the seeds/001 conditions, taken from the file.
func (f InstitutionFile) FilingFacts() FilingFacts {
	facts := FilingFacts{Class: OperatingClass(f.OperatingClass), PaidInCapital: f.PaidInCapital, RiskReserve: f.RiskReserve,
		OutstandingBalance: f.OutstandingBalance, CompensationRatio: f.CompensationRatio}
	for _, s := range f.Shareholders {
		if s.Kind == "legal" {
			facts.CorporateShareholders = append(facts.CorporateShareholders, CorporateShareholder{Name: s.Name,
				YearsOperating: s.YearsOperating, ProfitableYears: s.ProfitableYears, NetAssets: s.NetAssets,
				TotalAssets: s.TotalAssets, EquityInvestments: s.EquityInvestments, DomesticNonFinancial: s.DomesticNonFinancial == "yes"})
		}
	}
	return facts
}

// FileLockedIn reports whether the file is frozen because an application of the
// institution is being reviewed in state s: what the officers are checking must not
// change under them. A send-back (补正) opens it again.
func FileLockedIn(s State) bool {
	switch s {
	case StateDistrictReview, StateCityReview, StateJointReview, StateCityConfirm, StatePublicNotice,
		StateSignoff, StateRevoked, StateObjectionReview:
		return true
	}
	return false
}
