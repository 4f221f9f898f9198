// Package urls builds the portal's paths, the ones web/routes.go registers, so handlers,
// views and the store's notification links never assemble a path by hand.
package urls

import (
	"net/url"
	"strconv"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// WithCSRF adds the form's CSRF token to the query string, for multipart forms whose
// body the CSRF check must not read.
func WithCSRF(path, token string) string {
	sep := "?"
	for i := 0; i < len(path); i++ {
		if path[i] == '?' {
			sep = "&"
			break
		}
	}
	return path + sep + "_csrf=" + url.QueryEscape(token)
}

// Applications and everything under them.

func Application(app int64) string        { return "/applications/" + id(app) }
func Checklist(app int64) string          { return Application(app) + "/checklist" }
func Material(app, material int64) string { return Application(app) + "/materials/" + id(material) }
func SelfAssessment(app int64) string     { return Application(app) + "/self-assessment" }
func Evidence(app int64, no int) string   { return Application(app) + "/evidence/" + strconv.Itoa(no) }
func ReviewFile(app, file int64) string   { return Application(app) + "/review-files/" + id(file) }
func FailureNotice(app int64) string      { return Application(app) + "/failure-notice.pdf" }
func Objection(app int64) string          { return Application(app) + "/objection" }
func Onsite(app int64) string             { return Application(app) + "/onsite" }
func OnsitePapers(app int64) string       { return Onsite(app) + "/papers" }
func ReviewMaterial(app, material int64, verdict string) string {
	return Material(app, material) + "/" + verdict
}
func Opinion(app, opinion int64, doc string) string {
	return Application(app) + "/opinions/" + id(opinion) + "/" + doc + ".pdf"
}
func File(file int64) string               { return "/files/" + id(file) }
func PlatformApplication(app int64) string { return "/platform/applications/" + id(app) }
func Submit(app int64) string              { return PlatformApplication(app) + "/submit" }
func SaveSelfAssessment(app int64) string  { return PlatformApplication(app) + "/self-assessment" }
func UploadMaterial(app, material int64, slot int) string {
	return PlatformApplication(app) + "/materials/" + id(material) + "/files?slot=" + strconv.Itoa(slot)
}

// Institutions.

func Institution(inst int64) string            { return "/institutions/" + id(inst) }
func InstitutionFile(inst int64) string        { return Institution(inst) + "/file" }
func InstitutionFileHistory(inst int64) string { return InstitutionFile(inst) + "/history" }

// Notices, complaints, certificates and verification.

func Notice(notice int64) string           { return "/notices/" + id(notice) }
func NoticePDF(notice int64) string        { return Notice(notice) + "/notice.pdf" }
func NoticeComplaints(notice int64) string { return Notice(notice) + "/complaints" }
func NoticeMirror(notice int64) string     { return "/platform/notices/" + id(notice) + "/mirror" }
func Complaint(ref string) string          { return "/complaints/" + url.PathEscape(ref) }
func CityComplaint(c int64) string         { return "/city/complaints/" + id(c) }
func CityComplaintVerify(c int64) string   { return CityComplaint(c) + "/verify" }
func CityComplaintFile(c, file int64) string {
	return CityComplaint(c) + "/files/" + id(file)
}
func Certificate(cert int64) string    { return "/certificates/" + id(cert) }
func CertificatePDF(cert int64) string { return Certificate(cert) + "/pdf" }
func CertificateEvidence(cert, file int64) string {
	return Certificate(cert) + "/evidence/" + id(file)
}
func RevokeCertificate(cert int64) string { return "/province/certificates/" + id(cert) + "/revoke" }
func Verify(serial string) string         { return "/verify/" + url.PathEscape(serial) }
func SignOff(app int64) string            { return "/province/signoff/" + id(app) }
func RecordFiling(app int64) string       { return "/province/filing/" + id(app) }

// Accounts, notifications and reference data.

func InboxOpen(item int64) string                { return "/inbox/" + id(item) + "/open" }
func AdminUser(user int64, action string) string { return "/admin/users/" + id(user) + "/" + action }
func AdminUserReset(user int64) string           { return AdminUser(user, "reset") }
func AdminUserEmail(user int64) string           { return AdminUser(user, "email") }
func AdminUserSecurity(user int64) string        { return AdminUser(user, "security") }
func AdminUserSession(user int64, ref string) string {
	return AdminUser(user, "sessions/"+url.PathEscape(ref)+"/end")
}
func AccountSessionEnd(ref string) string { return "/account/sessions/" + url.PathEscape(ref) + "/end" }
func RetryJob(job int64) string           { return "/admin/jobs/" + id(job) + "/retry" }
func RevokeAPIKey(key int64) string       { return "/admin/api-keys/" + id(key) + "/revoke" }
func CalendarYear(year int) string        { return "/admin/calendar/" + strconv.Itoa(year) }

// The officers' dashboards and the lists their figures link to.

func Dashboard() string               { return "/dashboard" }
func DashboardXLSX() string           { return "/dashboard.xlsx" }
func DashboardDisclosure() string     { return "/dashboard/disclosure" }
func DashboardDisclosureXLSX() string { return "/dashboard/disclosure.xlsx" }
func PlatformDashboard() string       { return "/platform/dashboard" }
func Notices() string                 { return "/notices" }
func CityComplaints() string          { return "/city/complaints" }
func ProvinceComplaints() string      { return "/province/complaints" }

// Early warning (issue 12 §2).

func Warnings() string                    { return "/warnings" }
func WarningsXLSX() string                { return "/warnings.xlsx" }
func WarningSettings() string             { return "/warnings/settings" }
func WarningTask(task int64) string       { return "/warnings/" + id(task) }
func CloseWarningTask(task int64) string  { return WarningTask(task) + "/close" }
func WarningFile(task, file int64) string { return WarningTask(task) + "/files/" + id(file) }

// Disclosure supervision after filing (issue 11).

const (
	PlatformDisclosure     = "/platform/disclosure"
	PlatformMonthly        = PlatformDisclosure + "/monthly"
	PlatformMonthlyUpload  = PlatformMonthly + "/upload"
	PlatformEvents         = PlatformDisclosure + "/events"
	PlatformAnnualDocs     = PlatformDisclosure + "/annual"
	PlatformAPITokens      = PlatformDisclosure + "/tokens"
	DisclosureMonitor      = "/disclosure"
	DisclosureMonitorXLSX  = "/disclosure.xlsx"
	DisclosureScores       = "/disclosure/scores"
	DisclosureEvents       = "/disclosure/events"
	DisclosureRuleSettings = "/disclosure/rules"
	APIPlatformMonthly     = "/api/v1/platform/monthly-reports"
)

func PlatformMonthlyForm(period string) string {
	return PlatformMonthly + "/new?period=" + url.QueryEscape(period)
}
func PlatformMonthlyTemplate(period string) string {
	return PlatformMonthly + "/template.xlsx?period=" + url.QueryEscape(period)
}
func PlatformMonthlyVersions(period string) string {
	return PlatformMonthly + "/" + url.PathEscape(period)
}
func PlatformEvent(ev int64) string           { return PlatformEvents + "/" + id(ev) }
func RevokePlatformAPIToken(t int64) string   { return PlatformAPITokens + "/" + id(t) + "/revoke" }
func InstitutionDisclosure(inst int64) string { return Institution(inst) + "/disclosure" }
func InstitutionIndicators(inst int64, period string) string {
	return InstitutionDisclosure(inst) + "/" + url.PathEscape(period)
}
func InstitutionScore(inst int64) string { return InstitutionDisclosure(inst) + "/score" }
func PublicDisclosure(inst int64) string { return "/register/" + id(inst) + "/disclosure" }

// Loan books (借款明细) and the checks computed from them (issue 11).

const (
	LoanBooks           = "/platform/loanbooks"
	LoanBookTemplateCSV = "/platform/loanbooks/template.csv"
	LoanBookTemplateXLS = "/platform/loanbooks/template.xlsx"
	DisclosureMismatch  = "/disclosure/mismatches"
	DisclosureCaps      = "/disclosure/cap-violations"
)

func LoanBook(imp int64) string        { return LoanBooks + "/" + id(imp) }
func LoanBookRefused(imp int64) string { return LoanBook(imp) + "/refused.xlsx" }

// Custody banks (存管银行, issue 12 §3): the bank's pages and the administrator's list.

const (
	BankHome          = "/bank"
	BankPlatforms     = "/bank/platforms"
	BankPlatformsXLSX = "/bank/platforms.xlsx"
	BankTemplate      = "/bank/statements/template.xlsx"
	AdminCustodyBanks = "/admin/custody-banks"
	APIBankStatements = "/api/v1/bank/statements"
)

func BankRelationship(inst int64) string      { return "/bank/relationships/" + id(inst) }
func BankPlatform(inst int64) string          { return BankPlatforms + "/" + id(inst) }
func BankStatements(inst int64) string        { return BankPlatform(inst) + "/statements" }
func BankStatementUpload(inst int64) string   { return BankStatements(inst) + "/upload" }
func BankStatementTemplate(inst int64) string { return BankTemplate + "?institution=" + id(inst) }
func AdminCustodyBank(bank int64) string      { return AdminCustodyBanks + "/" + id(bank) }

const BankTokens = "/bank/tokens"

func RevokeBankToken(t int64) string { return BankTokens + "/" + id(t) + "/revoke" }
