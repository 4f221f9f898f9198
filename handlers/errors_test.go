package handlers

import (
	"errors"
	"fmt"
	"testing"

	"portal/models"
)

func TestStatusOfCodedErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{models.Errorf(models.EInvalid, "x"), 422},
		{fmt.Errorf("wrapped: %w", models.Errorf(models.EConflict, "x")), 409},
		{models.FieldErrorf("f", models.EInvalid, "x"), 422},
		{models.Errorf(models.ENotFound, "x"), 404},
		{models.Errorf(models.EForbidden, "x"), 403},
		{models.Errorf(models.ELocked, "x"), 423},
		{models.Errorf(models.EUnauthorized, "x"), 401},
		{models.Errorf(models.ETooLarge, "x"), 413},
		{models.Errorf(models.EStorage, "x"), 507},
		{models.Errorf(models.EInternal, "x"), 500},
		{errors.New("plain"), 500},
	} {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
