package models

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The web layer maps each code to one HTTP status and page; nothing
// else in the program decides a status.
const (
	EInvalid      = "invalid"      // bad input: 422
	ENotFound     = "not_found"    // missing or outside jurisdiction: 404
	EForbidden    = "forbidden"    // role may not do this: 403
	EConflict     = "conflict"     // state changed under the user: 409
	EUnauthorized = "unauthorized" // not logged in: redirect to login
	ELocked       = "locked"       // account locked
	EInternal     = "internal"
	EStorage      = "storage"   // the server's file storage failed (disk full, I/O error): 507
	ETooLarge     = "too_large" // a request body over the route's limit: 413
)

// Error is a domain error with a code and a message for the user, in Chinese.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds a coded error. Messages quote what was typed; bytes of it that are not
// UTF-8 show as U+FFFD, so a message is always text a page can show.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: strings.ToValidUTF8(fmt.Sprintf(format, args...), "\uFFFD")}
}

// ErrorCode returns the code of err, EInternal for uncoded errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err; uncoded errors get a generic one
// so internals never reach the page.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后重试"
}
