package models

// Names of the texts that rules cite in messages, so every message names them alike.
// The seeds are compilations; these are the documents inside them.
const (
	citeAcceptancePlan = "《网贷机构整改验收方案》"            // seeds/004 plan 1
	citeAcceptanceImpl = "《网贷机构整改验收实施方案》"          // seeds/004 plan 6
	citeRectification  = "《P2P网络借贷风险专项整治工作实施方案》"   // seeds/004 plan 2
	citeFilingPilot    = "《网络借贷信息中介机构有条件备案试点工作方案》" // seeds/001
)
