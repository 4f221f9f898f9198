package handlers

import (
	"context"
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
)

// SelfAssessmentStore is what the self-assessment pages need of the store.
type SelfAssessmentStore interface {
	SelfAssessment(ctx context.Context, u *models.User, appID int64) (map[int]store.SAAnswer, error)
	SaveSelfAssessment(ctx context.Context, a store.Actor, appID int64, items []store.SAInput) error
	Evidence(ctx context.Context, u *models.User, appID int64, no int) (*store.SAAnswer, error)
	CustodyCheckFor(ctx context.Context, institutionID int64) (*models.CustodyCheck, error)
}

// evidenceKinds: evidence may be any configured kind.
var evidenceKinds = models.ParseKinds("pdf,ofd,jpeg,png,docx,xlsx")

// SelfAssessment shows the ten items: a form for the platform while it may still
// change them, read-only for everyone else.
func (h *Platform) SelfAssessment(c echo.Context) error {
	return h.renderSA(c, http.StatusOK, nil, nil, "")
}

// typed is what the platform sent for one item.
type typed struct{ answer, explanation string }

func (h *Platform) renderSA(c echo.Context, status int, sent map[int]typed, errs components.FieldErrors, notice string) error {
	appID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	ctx := c.Request().Context()
	v, err := h.store.Checklist(ctx, u, appID)
	if err != nil {
		return err
	}
	if !v.Type.SelfAssessment {
		return models.Errorf(models.ENotFound, "「%s」无需自评", v.Type.Name)
	}
	answers, err := h.store.SelfAssessment(ctx, u, appID)
	if err != nil {
		return err
	}
	// hard line 6 is decided by the custody bank list (plan 1 五(五), plan 6 三(三))
	custody, err := h.store.CustodyCheckFor(ctx, v.Institution.ID)
	if err != nil {
		return err
	}
	result := models.EvaluateSelfAssessmentWith(store.AnswerMap(answers), custody)
	p := platform.SAPage{AppID: appID, Institution: v.Institution.Name, Errors: errs, Notice: notice, MaxBytes: h.maxUpload,
		Editable: u.Role == models.RolePlatform && v.App.State.PlatformMayEdit(),
		Missing:  result.Missing}
	// The hard lines the institution file decides apply whatever the answers (outcome.go).
	file, err := h.store.InstitutionFile(ctx, u, v.Institution.ID)
	if err != nil {
		return err
	}
	for _, vio := range models.FileHardLines(*file) {
		p.Violations = append(p.Violations, vio.Message)
	}
	violated := map[int]bool{}
	for _, vio := range result.Violations {
		p.Violations = append(p.Violations, vio.Message)
		violated[vio.Item.No] = true
	}
	for _, it := range models.SelfAssessmentItems {
		a := answers[it.No]
		item := platform.SAItem{No: it.No, Title: it.Title, Rule: it.Rule, Consequence: it.Consequence, AllowNA: it.AllowNA,
			Answer: string(a.Answer), Explanation: a.Explanation, Violation: violated[it.No]}
		if it.No == models.CustodyItemNo {
			item.Decided = custody.Text()
		}
		if t, ok := sent[it.No]; ok {
			item.Answer, item.Explanation = t.answer, t.explanation
		}
		if a.EvidenceSHA256 != nil {
			item.Evidence = &platform.FileRow{Filename: a.EvidenceName, Size: platform.Size(a.EvidenceSize), SHA256: *a.EvidenceSHA256,
				URL: urls.Evidence(appID, it.No)}
		}
		p.Items = append(p.Items, item)
	}
	return Render(c, status, platform.SelfAssessment(p))
}

// checkSAItem checks one item as typed; hasEvidence says a file comes with it.
func checkSAItem(no int, t typed, hasEvidence bool) (answerErr, explanationErr string) {
	if t.answer != "" {
		if err := models.ValidateAnswer(no, models.Answer(t.answer)); err != nil {
			answerErr = models.ErrorMessage(err)
		}
		if strings.TrimSpace(t.explanation) == "" {
			explanationErr = "请说明自评依据和整改情况"
		}
	} else if strings.TrimSpace(t.explanation) != "" || hasEvidence {
		answerErr = "请选择自评结论：符合、不符合或不适用"
	}
	if msg := models.ExplanationTooLong(t.explanation); msg != "" {
		explanationErr = msg
	}
	return answerErr, explanationErr
}

// SaveSelfAssessment reads the multipart form item by item: answers and explanations,
// and each evidence file streamed to storage as it arrives. Items without errors are
// saved, with their evidence; items with errors are shown again as typed, their
// evidence not kept, so no stored file is ever left without its row.
func (h *Platform) SaveSelfAssessment(c echo.Context) error {
	appID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u := CurrentUser(c)
	ctx := c.Request().Context()
	v, err := h.store.Checklist(ctx, u, appID)
	if err != nil {
		h.drain(c)
		return err
	}
	if !v.Type.SelfAssessment {
		h.drain(c)
		return models.Errorf(models.ENotFound, "「%s」无需自评", v.Type.Name)
	}
	if !v.App.State.PlatformMayEdit() {
		h.drain(c)
		return models.Errorf(models.EConflict, "申请当前状态为「%s」，自评已随申请提交，不能修改。", v.App.State.Label())
	}
	sent := map[int]typed{}
	evidence := map[int]*store.FileRef{}
	errs := components.FieldErrors{}
	itemNo := func(name, prefix string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(name, prefix))
		if err != nil || !strings.HasPrefix(name, prefix) {
			return 0
		}
		if _, ok := models.SelfAssessmentItemByNo(n); !ok {
			return 0
		}
		return n
	}
	readErr := eachPart(c, func(name, value string) error {
		if n := itemNo(name, "answer_"); n > 0 {
			t := sent[n]
			t.answer = value
			sent[n] = t
		} else if n := itemNo(name, "explanation_"); n > 0 {
			t := sent[n]
			t.explanation = strings.TrimSpace(value)
			sent[n] = t
		}
		return nil
	}, func(name string, part *multipart.Part) error {
		n := itemNo(name, "evidence_")
		if n == 0 {
			return nil
		}
		if a, e := checkSAItem(n, sent[n], true); a != "" || e != "" {
			errs[platform.SAName("evidence", n)] = "本项填写有误，佐证文件未保存，请改正后重新选择"
			return nil
		}
		f, err := receivePart(c, h.files, part, h.maxUpload, evidenceKinds)
		if _, msg, ok := refused(err); ok {
			errs[platform.SAName("evidence", n)] = msg
			return nil
		}
		if err == nil {
			evidence[n] = &f
		}
		return err
	})
	if _, _, ok := refused(readErr); readErr != nil && !ok {
		return readErr
	}
	var inputs []store.SAInput
	for _, it := range models.SelfAssessmentItems {
		t := sent[it.No]
		a, e := checkSAItem(it.No, t, evidence[it.No] != nil)
		if a != "" || e != "" {
			if a != "" {
				errs[platform.SAName("answer", it.No)] = a
			}
			if e != "" {
				errs[platform.SAName("explanation", it.No)] = e
			}
			continue
		}
		if _, got := sent[it.No]; !got && evidence[it.No] == nil {
			continue // not on the form (a read-only item): leave as stored
		}
		inputs = append(inputs, store.SAInput{No: it.No, Answer: models.Answer(t.answer), Explanation: t.explanation, Evidence: evidence[it.No]})
	}
	if len(inputs) > 0 {
		if err := h.store.SaveSelfAssessment(ctx, actor(c, h.now), appID, inputs); err != nil {
			return err
		}
	}
	if readErr != nil {
		errs["_form"] = models.ErrorMessage(readErr)
	}
	if len(errs) > 0 {
		notice := ""
		if len(inputs) > 0 {
			notice = "其余各项已保存；标红的各项尚未保存，请修改后再次保存。"
		}
		return h.renderSA(c, http.StatusUnprocessableEntity, sent, errs, notice)
	}
	return h.uploadDone(c, urls.SelfAssessment(appID), "自评已保存")
}

// Evidence downloads an item's evidence file.
func (h *Platform) Evidence(c echo.Context) error {
	appID, err := idParam(c, "id")
	if err != nil {
		return err
	}
	no, err := strconv.Atoi(c.Param("no"))
	if err != nil {
		return models.Errorf(models.ENotFound, "页面不存在")
	}
	a, err := h.store.Evidence(c.Request().Context(), CurrentUser(c), appID, no)
	if err != nil {
		return err
	}
	return sendFile(c, h.files, download{SHA256: *a.EvidenceSHA256, Name: a.EvidenceName, ContentType: a.EvidenceKind.ContentType(), Modified: a.UpdatedAt})
}
