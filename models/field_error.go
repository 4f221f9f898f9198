package models

import "errors"

// FieldError is a coded error that belongs beside one form field, such as a unified
// social credit code another institution already uses, found only when saving.
type FieldError struct {
	Field string
	Err   *Error
}

func (e *FieldError) Error() string { return e.Err.Message }

// Unwrap lets ErrorCode and ErrorMessage see the coded error.
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrorf builds a FieldError.
func FieldErrorf(field, code, format string, args ...any) error {
	return &FieldError{Field: field, Err: Errorf(code, format, args...)}
}

// ErrorField names the field err belongs to, if any.
func ErrorField(err error) (string, bool) {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field, true
	}
	return "", false
}
