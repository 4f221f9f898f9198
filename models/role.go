package models

// Role is what a user is allowed to do; it is stored as the English key.
type Role string

// The roles. The administration is split three ways (三员分立, GB/T 22239-2019
// §8.1.4.2 c/d): an account holds exactly one role, so no account is two of them.
const (
	RolePlatform Role = "platform"
	RoleDistrict Role = "district"
	RoleCity     Role = "city"
	RoleProvince Role = "province"
	// RoleSysAdmin manages accounts and reference data (divisions, calendar, windows, deadlines).
	RoleSysAdmin Role = "sysadmin"
	// RoleSecAdmin manages roles, locks, the password and 2FA policy, TOTP resets, API keys
	// and sessions.
	RoleSecAdmin Role = "secadmin"
	// RoleAuditAdmin reads the audit trail and verifies the chains; it changes nothing.
	RoleAuditAdmin Role = "auditadmin"
	// RoleBank is a custody bank's user (存管银行, issue 12 §3): an independent third party
	// bound to one bank of the list, who sees only the platforms that name that bank and
	// whose relationship it confirmed.
	RoleBank Role = "bank"
	// RoleAdmin is the system administrator's former name, kept for code written before
	// the split (migration 00080 turned every admin into a sysadmin).
	RoleAdmin = RoleSysAdmin
)

// AllRoles lists every role, in order of level.
var AllRoles = []Role{RolePlatform, RoleDistrict, RoleCity, RoleProvince, RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin, RoleBank}

// AdminRoles are the three administrators.
var AdminRoles = []Role{RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin}

// Label is the Chinese name shown in the UI.
func (r Role) Label() string {
	switch r {
	case RolePlatform:
		return "网贷机构经办人"
	case RoleDistrict:
		return "区金融工作部门"
	case RoleCity:
		return "市整改验收工作小组"
	case RoleProvince:
		return "省金融办"
	case RoleSysAdmin:
		return "系统管理员"
	case RoleSecAdmin:
		return "安全管理员"
	case RoleAuditAdmin:
		return "审计管理员"
	case RoleBank:
		return "存管银行"
	case "admin": // audit rows written before the split
		return "管理员（三员分立前）"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range AllRoles {
		if x == r {
			return true
		}
	}
	return false
}

// IsOfficer reports whether r is a district, city or province officer.
func (r Role) IsOfficer() bool {
	return r == RoleDistrict || r == RoleCity || r == RoleProvince
}

// IsAdmin reports whether r is one of the three administrators.
func (r Role) IsAdmin() bool {
	return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditAdmin
}

// IsStaff reports whether r is an officer or an administrator: the accounts for which
// two-factor sign-in can be required (GB/T 22239-2019 §8.1.4.1 d).
func (r Role) IsStaff() bool { return r.IsOfficer() || r.IsAdmin() }
