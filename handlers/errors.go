package handlers

import (
	"net/http"
	"slices"

	"portal/models"
)

// codeStatus is the HTTP status of each error code.
var codeStatus = map[string]int{
	models.EInvalid:      http.StatusUnprocessableEntity,
	models.ENotFound:     http.StatusNotFound,
	models.EForbidden:    http.StatusForbidden,
	models.EConflict:     http.StatusConflict,
	models.ELocked:       http.StatusLocked,
	models.EUnauthorized: http.StatusUnauthorized,
	models.ETooLarge:     http.StatusRequestEntityTooLarge,
	models.EStorage:      http.StatusInsufficientStorage,
}

// Status maps an error to its HTTP status by its code: the one mapping, used by web's
// error pages and by handlers that answer a refusal with the form again. An error without
// a known code is a 500.
func Status(err error) int {
	if s, ok := codeStatus[models.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// refused reports whether err refuses what the user sent, so that a form handler shows
// its form again instead of the error page: an EInvalid always, and the other codes the
// form shows beside the input (a conflict, a forbidden step) when listed in also. status
// is the code's status from the one mapping; msg is the Chinese message. A nil err, or a
// code not listed, is not a refusal: the handler returns err to the error page.
func refused(err error, also ...string) (status int, msg string, ok bool) {
	if err == nil {
		return 0, "", false
	}
	if code := models.ErrorCode(err); code != models.EInvalid && !slices.Contains(also, code) {
		return 0, "", false
	}
	return Status(err), models.ErrorMessage(err), true
}
