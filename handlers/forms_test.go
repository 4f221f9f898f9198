package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"portal/models"
)

func formContext(contentType, body string) echo.Context {
	req := httptest.NewRequest(http.MethodPost, "/x?version=7", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set(echo.HeaderContentType, contentType)
	}
	return echo.New().NewContext(req, httptest.NewRecorder())
}

func TestBindFormKeepsValuesAsTyped(t *testing.T) {
	var f onsiteForm
	c := formContext(echo.MIMEApplicationForm, "check_date=2026-02-30&methods=%E8%B5%84%E9%87%91%E6%B5%81%E6%B0%B4&methods=x&participants=+%E4%B8%A4%E4%BA%BA+")
	if err := bindForm(c, &f); err != nil {
		t.Fatal(err)
	}
	if f.CheckDate != "2026-02-30" || len(f.Methods) != 2 || f.Methods[0] != "资金流水" || f.Participants != "两人" {
		t.Fatalf("bound %+v", f)
	}

	// the version comes from the query as FormValue reads it; nonsense is 0, not an error
	var r returnForm
	c = formContext(echo.MIMEApplicationForm, "return_days=%E4%B8%89%E5%8D%81&return_opinion=x")
	if err := bindForm(c, &r); err != nil || r.Days != "三十" || r.version() != 7 {
		t.Fatalf("bound %+v, %v", r, err)
	}
	// a field tagged trim:"no" keeps its blanks: the calendar's lines as the admin typed them
	var cal calendarForm
	c = formContext(echo.MIMEApplicationForm, "year=+2031+&lines=2031-01-01+%E6%94%BE%E5%81%87+%E5%85%83%E6%97%A6%0A")
	if err := bindForm(c, &cal); err != nil || cal.Year != "2031" || cal.Lines != "2031-01-01 放假 元旦\n" {
		t.Fatalf("bound %+v, %v", cal, err)
	}
	for _, v := range []string{"abc", "-3", "99999999999999999999999"} {
		if n := (Versioned{v}).version(); n != 0 {
			t.Errorf("version %q = %d; want 0", v, n)
		}
	}
}

func TestBindFormOfABodyThatIsNoFormOrBroken(t *testing.T) {
	// not a form: as if nothing was typed, the form's validation then refuses it
	for _, ct := range []string{"", "application/json", "text/plain"} {
		var f calendarForm
		if err := bindForm(formContext(ct, `{"year":"2031"}`), &f); err != nil || f != (calendarForm{}) {
			t.Errorf("%q body: %+v, %v; want an empty form", ct, f, err)
		}
	}
	// a multipart body cut short is a refusal of the input (422), never a 500
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("source", "国办发明电")
	cut := buf.String() // no closing boundary
	var f calendarForm
	err := bindForm(formContext(w.FormDataContentType(), cut), &f)
	if models.ErrorCode(err) != models.EInvalid || Status(err) != http.StatusUnprocessableEntity {
		t.Fatalf("a cut multipart body: %v (%d); want a 422 refusal", err, Status(err))
	}
}

func TestRefusedIsInvalidAndTheCodesAFormShows(t *testing.T) {
	conflict := fmt.Errorf("wrapped: %w", models.Errorf(models.EConflict, "已被他人处理"))
	for _, c := range []struct {
		err        error
		also       []string
		wantOK     bool
		wantStatus int
	}{
		{nil, nil, false, 0},
		{models.Errorf(models.EInvalid, "x"), nil, true, 422},
		{models.FieldErrorf("f", models.EInvalid, "x"), nil, true, 422},
		{conflict, nil, false, 0},
		{conflict, []string{models.EConflict}, true, 409},
		{models.Errorf(models.EStorage, "x"), []string{models.EConflict}, false, 0},
		{models.Errorf(models.EStorage, "x"), []string{models.EStorage}, true, 507},
		{errors.New("db down"), []string{models.EConflict}, false, 0},
	} {
		status, msg, ok := refused(c.err, c.also...)
		if ok != c.wantOK || status != c.wantStatus || (ok && msg != models.ErrorMessage(c.err)) {
			t.Errorf("refused(%v, %v) = %d, %q, %v; want %d, %v", c.err, c.also, status, msg, ok, c.wantStatus, c.wantOK)
		}
	}
}
