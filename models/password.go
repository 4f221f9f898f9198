package models

import (
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is the bcrypt cost for new hashes; tests lower it to keep seeding fast.
var PasswordCost = 12

// HashPassword returns the bcrypt hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	return string(h), err
}

// dummy is compared against when the username does not exist or is disabled, so a failed
// login does the same bcrypt work whether or not the account exists (issue 8 §2.4). It is
// made at PasswordCost, the cost of every real hash, and remade if that cost changes.
var dummy struct {
	sync.Mutex
	cost int
	hash []byte
}

func dummyHash() []byte {
	dummy.Lock()
	defer dummy.Unlock()
	if dummy.hash == nil || dummy.cost != PasswordCost {
		h, err := bcrypt.GenerateFromPassword([]byte("no such user: timing equaliser"), PasswordCost)
		if err != nil {
			panic(err) // only an invalid cost fails, and PasswordCost is a constant of the build
		}
		dummy.cost, dummy.hash = PasswordCost, h
	}
	return dummy.hash
}

// comparedHash is the hash CheckPassword spends its work on: the account's own, or the
// dummy for an empty (unknown or disabled) one.
func comparedHash(hash string) []byte {
	if hash == "" {
		return dummyHash()
	}
	return []byte(hash)
}

// PasswordWork is the bcrypt cost CheckPassword(hash, …) pays, for the timing tests.
func PasswordWork(hash string) int {
	c, err := bcrypt.Cost(comparedHash(hash))
	if err != nil {
		return 0
	}
	return c
}

// CheckPassword reports whether pw matches hash; an empty hash still costs one compare at
// the cost of a real one.
func CheckPassword(hash, pw string) bool {
	ok := bcrypt.CompareHashAndPassword(comparedHash(hash), []byte(pw)) == nil
	return ok && hash != ""
}
