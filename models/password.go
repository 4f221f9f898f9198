package models

import "golang.org/x/crypto/bcrypt"

// PasswordCost is the bcrypt cost for new hashes; tests lower it to keep seeding fast.
var PasswordCost = 12

// HashPassword returns the bcrypt hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	return string(h), err
}

// dummyHash is compared against when the username does not exist, so a failed login
// takes the same time whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such user: timing equaliser"), bcrypt.DefaultCost)

// CheckPassword reports whether pw matches hash; an empty hash still costs one compare.
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
