package models

// Role is what a user is allowed to do; it is stored as the English key.
type Role string

const (
	RolePlatform Role = "platform"
	RoleDistrict Role = "district"
	RoleCity     Role = "city"
	RoleProvince Role = "province"
	RoleAdmin    Role = "admin"
)

// AllRoles lists every role, in order of level.
var AllRoles = []Role{RolePlatform, RoleDistrict, RoleCity, RoleProvince, RoleAdmin}

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
	case RoleAdmin:
		return "系统管理员"
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
