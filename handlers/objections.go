package handlers

import (
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/platform"
	"portal/views/pages/shared"
)

// ObjectionForm is the platform's objection form, open until the deadline.
func (h *Reviews) ObjectionForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := h.objectionPage(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, platform.Objection(*p))
}

func (h *Reviews) objectionPage(c echo.Context, id int64) (*platform.ObjectionPage, error) {
	page, err := h.page(c, id)
	if err != nil {
		return nil, err
	}
	if page.Failure == nil {
		return nil, models.Errorf(models.ENotFound, "本申请没有不合格告知")
	}
	return &platform.ObjectionPage{App: page.App, Failure: *page.Failure, CSRF: components.CSRFToken(c.Request().Context()),
		Objected: page.Objection != nil && page.App.State != models.StateFailed}, nil
}

// Object files the objection with its evidence files, streamed into the file store.
func (h *Reviews) Object(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var reasons string
	ver := 0
	errs := components.FieldErrors{}
	var evidence []store.FileRef
	err = eachPart(c, func(name, value string) error {
		switch name {
		case "reasons":
			reasons = strings.TrimSpace(value)
		case "version":
			ver, _ = strconv.Atoi(value)
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		if name != "evidence" || errs["evidence"] != "" {
			return nil
		}
		f, err := receivePart(c, h.files, part, models.MaxReviewFileSize, models.ReviewFileKinds)
		if _, msg, ok := refused(err); ok {
			errs["evidence"] = msg
			return nil
		}
		evidence = append(evidence, f)
		return err
	})
	if _, _, ok := refused(err); err != nil && !ok {
		return err
	}
	for field, msg := range (models.ObjectionForm{Reasons: reasons, Evidence: len(evidence)}).Validate() {
		if errs[field] == "" {
			errs[field] = msg
		}
	}
	if len(errs) == 0 {
		_, err = h.store.Object(c.Request().Context(), actor(c, h.now), id, reasons, evidence, ver)
		if err == nil {
			return redirectWithFlash(c, h.sessions, urls.Application(id), "异议已提交，等待复核")
		}
	}
	status, msg := http.StatusUnprocessableEntity, ""
	if err != nil {
		var ok bool
		if status, msg, ok = refused(err, models.EConflict); !ok {
			return err
		}
	}
	p, perr := h.objectionPage(c, id)
	if perr != nil {
		return perr
	}
	p.Reasons, p.Errs, p.Error = reasons, errs, msg
	return Render(c, status, platform.Objection(*p))
}

// ResolveObjection is the city's (small platform) or province's (large) finding on an
// objection: upheld, the application continues; rejected, it fails finally.
func (h *Reviews) ResolveObjection(ev models.Event) echo.HandlerFunc {
	form, success := "uphold", "异议成立，申请继续办理"
	if ev == models.EventReject {
		form, success = "reject", "异议不成立，验收结论为最终不合格"
	}
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		f, err := newOpinionForm(c, form+"_opinion")
		if err != nil {
			return err
		}
		_, err = h.store.ResolveObjection(c.Request().Context(), actor(c, h.now), id, ev, f.Text, f.version())
		return h.decided(c, decision{ID: id, Form: form, Field: f.Field, Values: f.values(), Err: err, Success: success})
	}
}

// exitForm is the exit classification of a failed application; models.ValidateExit
// checks it against the application's facts.
type exitForm struct {
	ExitClass        string `form:"exit_class"`
	InstitutionClass string `form:"institution_class"`
	Note             string `form:"exit_note"`
}

// Exit records the exit classification and the institution's classification.
func (h *Reviews) Exit(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var f exitForm
	if err := bindForm(c, &f); err != nil {
		return err
	}
	values := map[string]string{"exit_class": f.ExitClass, "institution_class": f.InstitutionClass, "exit_note": f.Note}
	e, cl := models.ExitClass(f.ExitClass), models.InstitutionClass(f.InstitutionClass)
	row, err := h.store.ApplicationRow(c.Request().Context(), CurrentUser(c), id)
	if err != nil {
		return err
	}
	facts := models.ExitFacts{State: row.State, Today: models.DateOf(h.now()), Note: f.Note}
	if fn, err := h.store.LatestFailureNotice(c.Request().Context(), id); err != nil {
		return err
	} else if fn != nil {
		facts.ObjectionDeadline = fn.ObjectionDeadline
	}
	if errs := models.ValidateExit(facts, e, cl); len(errs) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, id, shared.Form{Name: "exit", Values: values, Errs: errs}, "")
	}
	err = h.store.RecordExit(c.Request().Context(), actor(c, h.now), id, e, cl, f.Note)
	return h.decided(c, decision{ID: id, Form: "exit", Field: "exit_class", Values: values, Err: err, Success: "已登记退出分类：" + e.Label() + "，机构分类：" + cl.Label()})
}
