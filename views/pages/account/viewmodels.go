package account

import "portal/views/components"

// PasswordPage is the change-password form.
type PasswordPage struct {
	Forced  bool // the password must be changed before anything else
	Reset   bool // because an admin reset it; otherwise the account is new
	Expired bool // because it is older than the security policy allows
	MaxAge  int  // the policy's expiry in days (0: never)
	Errors  components.FieldErrors
}

// AccountPage is /account: the password's age, two-factor sign-in and the sessions.
type AccountPage struct {
	Username, DisplayName, Role string
	PasswordChanged             string // date and time
	PasswordExpires             string // "" when the policy never expires passwords
	WarnDays                    int    // the banner starts this many days before
	TOTPOn                      bool
	TOTPSince                   string
	TOTPRequired                bool // the account may not turn it off
	RecoveryLeft                int
	Sessions                    []SessionRow
	Mail                        SettingsPage
}

// SessionRow is one live session of the user.
type SessionRow struct {
	Ref, Device, Address, SignedIn, LastSeen string
	Current                                  bool
}

// TOTPPage is the enrolment page: the QR code, the secret to type by hand, the
// confirmation field; after a right code, the recovery codes shown once.
type TOTPPage struct {
	Enabled       bool   // already on: the page shows the state, not a new secret
	QR            string // data:image/png;base64,… of the otpauth:// address
	Secret        string // grouped in fours
	RawSecret     string
	Account       string
	Required      bool // staff must enrol before anything else
	Renewed       bool // the codes replace earlier ones; TOTP was on already
	RecoveryCodes []string
	Errors        components.FieldErrors
}
