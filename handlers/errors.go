package handlers

import (
	"net/http"

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
