package models

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordAgeOf(t *testing.T) {
	set := time.Date(2026, 9, 1, 10, 0, 0, 0, ChinaTime)
	day := 24 * time.Hour
	cases := []struct {
		name    string
		policy  PasswordPolicy
		now     time.Time
		expired bool
		warn    bool
		left    int
	}{
		{"fresh", DefaultPasswordPolicy, set.Add(time.Hour), false, false, 90},
		{"83 days: 7 left, the banner starts", DefaultPasswordPolicy, set.Add(83 * day), false, true, 7},
		{"82 days 23 h: a little over 7 days left, no banner", DefaultPasswordPolicy, set.Add(82*day + 23*time.Hour), false, false, 8},
		{"89 days 23 h: under a day, rounds up to 1", DefaultPasswordPolicy, set.Add(89*day + 23*time.Hour), false, true, 1},
		{"90 days to the second: expired", DefaultPasswordPolicy, set.Add(90 * day), true, false, 0},
		{"a year: expired", DefaultPasswordPolicy, set.Add(365 * day), true, false, 0},
		{"never expires", PasswordPolicy{MaxAgeDays: 0, WarnDays: 7}, set.Add(1000 * day), false, false, 0},
		{"30-day policy, no warning days", PasswordPolicy{MaxAgeDays: 30}, set.Add(29 * day), false, false, 1},
		{"set in the future (clock behind)", DefaultPasswordPolicy, set.Add(-10 * day), false, false, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.policy.AgeOf(set, c.now)
			if a.Expired != c.expired || a.Warn != c.warn || a.DaysLeft != c.left {
				t.Fatalf("AgeOf = %+v; want expired %v, warn %v, %d days left", a, c.expired, c.warn, c.left)
			}
		})
	}
	if a := DefaultPasswordPolicy.AgeOf(time.Time{}, set); a.Expired || !a.ExpiresAt.IsZero() {
		t.Fatalf("an unknown change date must not expire: %+v", a)
	}
}

func TestPasswordPolicyValidate(t *testing.T) {
	cases := []struct {
		p      PasswordPolicy
		fields string
	}{
		{DefaultPasswordPolicy, ""},
		{PasswordPolicy{MaxAgeDays: 0, WarnDays: 0}, ""},
		{PasswordPolicy{MaxAgeDays: 0, WarnDays: 30}, ""},
		{PasswordPolicy{MaxAgeDays: 366, WarnDays: 7}, "max_age_days"},
		{PasswordPolicy{MaxAgeDays: -1, WarnDays: 7}, "max_age_days"},
		{PasswordPolicy{MaxAgeDays: 90, WarnDays: 31}, "warn_days"},
		{PasswordPolicy{MaxAgeDays: 7, WarnDays: 7}, "warn_days"},
		{PasswordPolicy{MaxAgeDays: 90, WarnDays: -1}, "warn_days"},
	}
	for _, c := range cases {
		errs := c.p.Validate()
		var got []string
		for k := range errs {
			got = append(got, k)
		}
		if strings.Join(got, ",") != c.fields {
			t.Errorf("%+v: errors on %v; want %q", c.p, got, c.fields)
		}
	}
}

func TestReusesPassword(t *testing.T) {
	old := PasswordCost
	PasswordCost = bcrypt.MinCost
	defer func() { PasswordCost = old }()
	pws := []string{"Newest#Pass2026", "Second#Pass2026", "Third##Pass2026", "Fourth#Pass2026", "Fifth##Pass2026", "Sixth##Pass2026"}
	var hashes []string // newest first
	for _, pw := range pws {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	cases := []struct {
		pw   string
		want bool
	}{
		{"Newest#Pass2026", true},
		{"Fifth##Pass2026", true},  // the fifth latest is still refused
		{"Sixth##Pass2026", false}, // the sixth is out of the window
		{"Brand#New#2026x", false},
		{"newest#pass2026", false}, // case matters
	}
	for _, c := range cases {
		if got := ReusesPassword(hashes, c.pw); got != c.want {
			t.Errorf("ReusesPassword(%q) = %v; want %v", c.pw, got, c.want)
		}
	}
	if ReusesPassword(nil, "Newest#Pass2026") || ReusesPassword([]string{""}, "") {
		t.Error("an empty history reuses nothing")
	}
}

func TestValidateAccount(t *testing.T) {
	divs := []Division{{ID: 1, Level: LevelProvince}, {ID: 2, Level: LevelCity}, {ID: 3, Level: LevelDistrict}}
	cases := []struct {
		name   string
		in     AccountInput
		fields string
	}{
		{"district officer", AccountInput{"tianhe2", "天河区审核员", RoleDistrict, 0, 3, 0}, ""},
		{"platform user", AccountInput{"plat.9", "经办人", RolePlatform, 7, 0, 0}, ""},
		{"security administrator", AccountInput{"sec_2", "安全管理员", RoleSecAdmin, 0, 0, 0}, ""},
		{"custody bank user", AccountInput{"bank9", "存管部经办人", RoleBank, 0, 0, 4}, ""},
		{"custody bank user without a bank", AccountInput{"bank8", "存管部经办人", RoleBank, 0, 0, 0}, "custody_bank_id"},
		{"short name", AccountInput{"ab", "x", RoleSysAdmin, 0, 0, 0}, "username"},
		{"Chinese username", AccountInput{"张三", "张三", RoleSysAdmin, 0, 0, 0}, "username"},
		{"33 characters", AccountInput{strings.Repeat("a", 33), "x", RoleSysAdmin, 0, 0, 0}, "username"},
		{"no display name", AccountInput{"abc", "  ", RoleSysAdmin, 0, 0, 0}, "display_name"},
		{"long display name", AccountInput{"abc", strings.Repeat("名", MaxDisplayNameLength+1), RoleSysAdmin, 0, 0, 0}, "display_name"},
		{"old admin role", AccountInput{"abc", "x", Role("admin"), 0, 0, 0}, "role"},
		{"platform without institution", AccountInput{"abc", "x", RolePlatform, 0, 3, 0}, "institution_id"},
		{"officer without division", AccountInput{"abc", "x", RoleCity, 0, 0, 0}, "division_id"},
		{"city officer on a district", AccountInput{"abc", "x", RoleCity, 0, 3, 0}, "division_id"},
		{"province officer on a missing division", AccountInput{"abc", "x", RoleProvince, 0, 99, 0}, "division_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := ValidateAccount(c.in, divs)
			var got []string
			for k := range errs {
				got = append(got, k)
			}
			if strings.Join(got, ",") != c.fields {
				t.Fatalf("errors on %v (%v); want %q", got, errs, c.fields)
			}
		})
	}
	inst, div := AccountInput{Role: RoleSysAdmin, InstitutionID: 7, DivisionID: 3}.Scope()
	if inst != nil || div != nil {
		t.Error("an administrator is bound to no institution or division")
	}
	if inst, div = (AccountInput{Role: RoleDistrict, InstitutionID: 7, DivisionID: 3}).Scope(); inst != nil || div == nil || *div != 3 {
		t.Error("a district officer is bound to its division only")
	}
}

func TestThreeAdministratorsAreDistinctRoles(t *testing.T) {
	seen := map[string]Role{}
	for _, r := range AdminRoles {
		if !r.Valid() || !r.IsAdmin() || !r.IsStaff() || r.IsOfficer() {
			t.Errorf("%s: valid %v admin %v staff %v officer %v", r, r.Valid(), r.IsAdmin(), r.IsStaff(), r.IsOfficer())
		}
		if other, dup := seen[r.Label()]; dup {
			t.Errorf("%s and %s share the label %s", r, other, r.Label())
		}
		seen[r.Label()] = r
	}
	if Role("admin").Valid() {
		t.Error("the role before the split is no longer valid")
	}
	if RolePlatform.IsStaff() {
		t.Error("platform users are not staff")
	}
	for _, c := range []struct {
		r          Role
		p          PasswordPolicy
		production bool
		want       bool
	}{
		{RoleDistrict, DefaultPasswordPolicy, false, false},
		{RoleDistrict, DefaultPasswordPolicy, true, true},
		{RoleAuditAdmin, PasswordPolicy{StaffTOTPRequired: true}, false, true},
		{RolePlatform, PasswordPolicy{StaffTOTPRequired: true}, true, false},
	} {
		if got := TOTPRequired(c.r, c.p, c.production); got != c.want {
			t.Errorf("TOTPRequired(%s, %+v, %v) = %v", c.r, c.p, c.production, got)
		}
	}
}

func TestTOTPAndRecoveryCodes(t *testing.T) {
	// RFC 6238 appendix B, SHA-1: the key "12345678901234567890"; T = 1111111109 gives 07081804.
	rfc := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	at := time.Unix(1111111109, 0)
	if code, err := TOTPCode(rfc, at); err != nil || code != "081804" {
		t.Fatalf("TOTPCode = %q, %v; want 081804", code, err)
	}
	for _, c := range []struct {
		code string
		at   time.Time
		want bool
	}{
		{"081804", at, true},
		{"081 804", at, true},
		{"081804", at.Add(30 * time.Second), true},  // one step of drift
		{"081804", at.Add(-30 * time.Second), true}, // either way
		{"081804", at.Add(90 * time.Second), false},
		{"081805", at, false},
		{"", at, false},
		{"0818040", at, false},
	} {
		if got := CheckTOTP(rfc, c.code, c.at); got != c.want {
			t.Errorf("CheckTOTP(%q at %v) = %v; want %v", c.code, c.at.Unix(), got, c.want)
		}
	}
	if CheckTOTP("", "081804", at) {
		t.Error("no secret, no sign-in")
	}
	// RFC 6238 appendix B gives T = 0x00000000023523EC (37037036) for 1111111109: the
	// code's step, whichever step of the drift window it is checked in.
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		if step, ok := TOTPStep(rfc, "081804", at.Add(d)); !ok || step != 37037036 {
			t.Errorf("TOTPStep at %+v = %d, %v; want 37037036", d, step, ok)
		}
	}
	if _, ok := TOTPStep(rfc, "081805", at); ok {
		t.Error("a wrong code has no step")
	}
	if TOTPFresh(37037036, 37037036) || TOTPFresh(37037035, 37037036) || !TOTPFresh(37037037, 37037036) || !TOTPFresh(1, 0) {
		t.Error("a step is fresh only when later than the last one spent")
	}
	codes, err := NewRecoveryCodes(nil)
	if err != nil || len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes, %v", len(codes), err)
	}
	uniq := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || !LooksLikeRecoveryCode(c) || LooksLikeRecoveryCode("123456") {
			t.Fatalf("code %q is not of the form xxxxx-xxxxx", c)
		}
		uniq[c] = true
	}
	if len(uniq) != RecoveryCodeCount {
		t.Fatal("recovery codes repeat")
	}
	h1, _ := HashRecoveryCode(codes[0], nil)
	h2, _ := HashRecoveryCode(codes[0], nil)
	if h1 == h2 {
		t.Error("the same code hashed twice must differ by its salt")
	}
	if strings.Contains(h1, codes[0]) || !CheckRecoveryCode(h1, codes[0]) || !CheckRecoveryCode(h2, strings.ToUpper(codes[0])) {
		t.Error("a stored code must match itself (any case) and not contain it")
	}
	if CheckRecoveryCode(h1, codes[1]) || CheckRecoveryCode("garbage", codes[0]) || CheckRecoveryCode("zz$00", codes[0]) {
		t.Error("a wrong code or a malformed hash matched")
	}
	if !strings.HasPrefix(TOTPURL(DemoTOTPSecret, "secadmin"), "otpauth://totp/") || !strings.Contains(TOTPURL(DemoTOTPSecret, "secadmin"), "secret="+DemoTOTPSecret) {
		t.Error(TOTPURL(DemoTOTPSecret, "secadmin"))
	}
}

func TestDeviceLabel(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36":               "Chrome · Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/604.1": "Safari · iPhone",
		"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0":                                                    "Firefox · Linux",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0":                                     "Edge · Windows",
		"Go-http-client/1.1": "Go 程序",
		"":                   "未知设备",
	} {
		if got := DeviceLabel(ua); got != want {
			t.Errorf("DeviceLabel(%q) = %q; want %q", ua, got, want)
		}
	}
}
