package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"portal/models"
	"portal/models/store"
	"portal/urls"
	"portal/views/components"
	"portal/views/pages/shared"
	"portal/views/pdf"
)

// page gathers the application page: a fixed set of queries whatever the history's
// length, none sent twice. The timeline shows one keyset page of decisions, the latest
// ones unless ?before=<decision id> asks for older ones (any other value is ignored).
func (h *Reviews) page(c echo.Context, id int64) (*shared.ApplicationPage, error) {
	ctx := c.Request().Context()
	u := CurrentUser(c)
	row, err := h.store.ApplicationRow(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cal, err := h.store.LoadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	today := models.DateOf(h.now())
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	tl, err := h.store.TimelineBefore(ctx, id, max(before, 0), store.TimelinePageSize)
	if err != nil {
		return nil, err
	}
	p := &shared.ApplicationPage{Role: u.Role, UserID: u.ID, App: header(row),
		Deadline:   components.ClockDeadline(&row.Clock, cal, h.now()),
		Allowed:    reviewEvents(models.AllowedEventsFor(models.Facts{State: row.State, Balance: row.Balance}, u.Role)),
		IsAssignee: row.AssigneeID != nil && *row.AssigneeID == u.ID}
	for _, e := range tl.Entries {
		p.Timeline = append(p.Timeline, timelineItem(e))
	}
	if tl.Older != 0 {
		p.TimelineOlder = urls.Application(id) + "?before=" + strconv.FormatInt(tl.Older, 10) + "#timeline"
	}
	if before > 0 {
		p.TimelineLatest = urls.Application(id) + "#timeline"
	}
	if last := tl.Latest; last != nil {
		if row.State == models.StateDistrictReview && last.Event == models.EventDisagree {
			p.CityReasons = last.Opinion
		}
		if row.State == models.StateCityConfirm {
			p.PrevOfficer = last.ActorDisplay
			p.SelfRefused = last.ActorID != nil && *last.ActorID == u.ID
		}
	}
	clocks, err := h.addClocks(c, p, cal)
	if err != nil {
		return nil, err
	}
	inst, err := h.addMaterials(c, p, row)
	if err != nil {
		return nil, err
	}
	files := &caseFiles{load: func() ([]store.ReviewFile, error) { return h.store.AllReviewFiles(ctx, id) }}
	if u.Role != models.RolePlatform {
		if err := h.addReviewRecords(c, p, row, inst, files); err != nil {
			return nil, err
		}
	}
	return p, h.addFailure(c, p, row, cal, clocks, today, files)
}

// caseFiles reads the application's working papers and objection evidence once, when
// the page first needs either.
type caseFiles struct {
	load func() ([]store.ReviewFile, error)
	all  []store.ReviewFile
	err  error
	done bool
}

// of returns the files of one kind, oldest first.
func (f *caseFiles) of(kind string) ([]store.ReviewFile, error) {
	if !f.done {
		f.all, f.err = f.load()
		f.done = true
	}
	var out []store.ReviewFile
	for _, r := range f.all {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out, f.err
}

// addMaterials lists the checklist with each material's current files and review, and,
// for the district reviewing a resubmission, what changed since the last round: one
// load of the checklist for both. It returns the institution the checklist loaded.
func (h *Reviews) addMaterials(c echo.Context, p *shared.ApplicationPage, row *store.QueueRow) (*models.Institution, error) {
	ctx := c.Request().Context()
	round := p.Role == models.RoleDistrict && row.State == models.StateDistrictReview
	v, r, err := h.store.CaseMaterials(ctx, CurrentUser(c), row.ID, round)
	if err != nil {
		return nil, err
	}
	for _, it := range v.Items {
		m := shared.MaterialRow{ID: it.Material.ID, Code: it.Material.Code, Name: it.Material.Name, Required: it.Material.Required,
			State: it.State}
		if it.State == models.MaterialReturned || it.State == models.MaterialAccepted {
			m.Comment, m.Reviewer = it.Review.ReviewComment, it.Review.ReviewerName
		}
		for _, s := range it.Slots {
			if f := s.Current(); f != nil {
				label := s.Label
				if len(it.Slots) == 1 {
					label = ""
				}
				m.Files = append(m.Files, shared.MaterialLink{Label: label, Filename: f.Filename, Version: f.Version,
					URL: urls.File(f.ID)})
			}
		}
		p.Materials = append(p.Materials, m)
	}
	p.ReviewMats = round && p.IsAssignee
	if p.ReviewMats {
		p.PendingMaterials = models.PendingText(models.PendingRequired(v.Items))
	}
	if r != nil {
		p.Round = &shared.Round{Prev: models.DateTimeCN(r.Prev), Last: models.DateTimeCN(r.Last), Fields: r.Fields}
		for _, m := range r.Materials {
			name := m.Material
			if m.Slot != "" {
				name += "（" + m.Slot + "）"
			}
			p.Round.Materials = append(p.Round.Materials, shared.RoundMaterial{Material: name, Old: fileText(m.Old), New: fileText(m.New)})
		}
	}
	return &v.Institution, nil
}

// addClocks lists every deadline of the application with what happened to it, and the
// city's campaign end for officers.
func (h *Reviews) addClocks(c echo.Context, p *shared.ApplicationPage, cal *models.Calendar) ([]models.Clock, error) {
	ctx := c.Request().Context()
	clocks, err := h.store.Clocks(ctx, p.App.ID)
	if err != nil {
		return nil, err
	}
	now := h.now()
	names := map[int64]string{}
	for i := range clocks {
		ck := &clocks[i]
		row := shared.ClockRow{ClockView: ck.View(cal, now), Started: models.DateTimeCN(ck.StartedAt)}
		if ck.EndedAt != nil {
			row.Ended = models.DateTimeCN(*ck.EndedAt)
		}
		names[ck.ID] = row.Name
		p.Clocks = append(p.Clocks, row)
	}
	log, err := h.store.ClockHistory(ctx, p.App.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range log {
		p.ClockLog = append(p.ClockLog, shared.ClockChange{At: models.DateTimeCN(e.At), Actor: e.ActorName, Clock: names[e.ClockID],
			What: clockChangeText(e), Note: e.Note})
	}
	if p.Role != models.RolePlatform {
		end, err := h.store.CampaignEndFor(ctx, CurrentUser(c))
		if err != nil {
			return nil, err
		}
		if !end.IsZero() {
			p.CampaignEnd = end.String() + "（" + campaignLeft(end, models.DateOf(now)) + "）"
		}
	}
	return clocks, nil
}

// clockChangeText says what one clock record did, old → new due date.
func clockChangeText(e store.ClockHistoryRow) string {
	due := func(d *models.Date, pending int) string {
		switch {
		case d != nil:
			return d.String()
		case pending != 0:
			return models.PendingCalendarText(pending)
		}
		return "—"
	}
	switch e.Kind {
	case "start":
		return "开始计算，截止 " + due(e.NewDue, e.NewPending)
	case "pause":
		return "暂停计算"
	case "resume":
		return "恢复计算，截止 " + due(e.NewDue, e.NewPending)
	case "end":
		return "结束"
	case "recompute":
		return "重新计算：" + due(e.OldDue, e.OldPending) + " → " + due(e.NewDue, e.NewPending)
	}
	return e.Kind
}

// reviewEvents keeps the events this page has forms for; the notice's revocation and
// the certificate's steps have their own pages.
func reviewEvents(evs []models.Event) []models.Event {
	var out []models.Event
	for _, ev := range evs {
		switch ev {
		case models.EventReturn, models.EventResubmit, models.EventPass, models.EventFail, models.EventDisagree,
			models.EventConfirm, models.EventSignoff, models.EventObject, models.EventUphold, models.EventReject:
			out = append(out, ev)
		}
	}
	return out
}

func header(r *store.QueueRow) shared.Header {
	h := shared.Header{ID: r.ID, Version: r.Version, State: r.State, Institution: r.InstitutionName, USCC: r.USCC,
		District: r.DistrictName, Balance: r.Balance, Large: models.IsLargeScale(r.Balance), Assignee: r.AssigneeName,
		Classification: r.Classification.Label()}
	if r.SubmittedAt != nil {
		h.SubmittedAt = models.DateTimeCN(*r.SubmittedAt)
	}
	if r.ExitClass != "" {
		h.ExitClass = r.ExitClass.Label()
	}
	return h
}

func timelineItem(e store.TimelineEntry) shared.TimelineItem {
	it := shared.TimelineItem{ID: e.ID, At: models.DateTimeCN(e.At), Actor: e.ActorDisplay, Role: models.Role(e.Role).Label(),
		Event: models.StepLabel(e.Event, e.FromState), Record: e.Event.IsRecord(), From: e.FromState.Label(), To: e.ToState.Label(), Opinion: e.Opinion, Hash: e.Hash[:16] + "…"}
	if e.Role == "system" {
		it.Role = "系统"
	}
	for _, ref := range strings.Split(e.Attachments, "\n") {
		if _, name, ok := strings.Cut(ref, " "); ok {
			it.Attachments = append(it.Attachments, name)
		}
	}
	return it
}

// addReviewRecords adds what officers see: the on-site check, the district documents,
// the officers to assign to, and the exit classification.
func (h *Reviews) addReviewRecords(c echo.Context, p *shared.ApplicationPage, row *store.QueueRow, inst *models.Institution, files *caseFiles) error {
	ctx := c.Request().Context()
	chk, err := h.store.OnsiteCheck(ctx, row.ID)
	if err != nil {
		return err
	}
	papers, err := files.of(store.FileWorkingPaper)
	if err != nil {
		return err
	}
	if chk != nil {
		p.Check = &shared.Check{Date: chk.CheckDate.String(), Methods: chk.MethodList(), Participants: chk.Participants,
			ThirdParties: chk.ThirdParties, Findings: chk.Findings, Papers: reviewFileViews(papers)}
	}
	ops, err := h.store.ReviewOpinions(ctx, row.ID)
	if err != nil {
		return err
	}
	for _, o := range ops {
		p.Opinions = append(p.Opinions, shared.OpinionDoc{Passed: o.Passed, IssuedOn: o.IssuedOn.String(), Officer: o.OfficerName,
			OpinionURL: urls.Opinion(row.ID, o.ID, "opinion"), CheckURL: urls.Opinion(row.ID, o.ID, "check")})
	}
	if p.Role == models.RoleDistrict {
		officers, err := h.store.DistrictOfficers(ctx, inst.DistrictID)
		if err != nil {
			return err
		}
		for _, o := range officers {
			p.Officers = append(p.Officers, components.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.DisplayName})
		}
	}
	exits, err := h.store.ExitRecords(ctx, row.ID)
	for _, e := range exits {
		p.Exits = append(p.Exits, shared.ExitEntry{ExitClass: e.ExitClass.Label(), InstitutionClass: e.InstitutionClass.Label(),
			Note: e.Note, By: e.RecordedName, On: e.RecordedAt.String()})
	}
	return err
}

// addFailure adds the latest failure notice while the application is on the failure
// path, the objection filed against it, and whether the exit may be recorded.
func (h *Reviews) addFailure(c echo.Context, p *shared.ApplicationPage, row *store.QueueRow, cal *models.Calendar, clocks []models.Clock, today models.Date, files *caseFiles) error {
	switch row.State {
	case models.StateFailed, models.StateObjectionReview, models.StateFailedFinal:
	default:
		return nil
	}
	ctx := c.Request().Context()
	fn, err := h.store.LatestFailureNotice(ctx, row.ID)
	if err != nil || fn == nil {
		return err
	}
	// the objection window's clock: running while failed, met once an objection was
	// filed, so a final failure never reads "还剩 5 个工作日"
	var window *models.Clock
	for i := range clocks {
		if fn.ClockID != nil && clocks[i].ID == *fn.ClockID {
			window = &clocks[i]
		}
	}
	dl := fn.ObjectionDeadline
	p.Failure = &shared.Failure{Problems: fn.ProblemList(), Remarks: fn.Remarks, Authority: fn.Authority,
		NotifiedOn: fn.NotifiedOn.String(), Deadline: components.ClockDeadline(window, cal, h.now())}
	if window == nil { // a notice from before the clocks
		p.Failure.Deadline = components.MakeDeadline(cal, "异议截止", models.DeadlineWorking, &dl, today)
	}
	p.Failure.Open = models.ObjectionOpen(row.State, window, dl, h.now())
	p.ExitOpen = models.ExitOpen(models.ExitFacts{State: row.State, ObjectionDeadline: dl, Today: today})
	o, err := h.store.ObjectionTo(ctx, fn.ID)
	if err != nil || o == nil {
		return err
	}
	all, err := files.of(store.FileEvidence)
	var evidence []store.ReviewFile
	for _, f := range all {
		if f.ObjectionID != nil && *f.ObjectionID == o.ID {
			evidence = append(evidence, f)
		}
	}
	p.Objection = &shared.Objection{Reasons: o.Reasons, At: models.DateTimeCN(o.SubmittedAt), Outcome: o.Outcome, Evidence: reviewFileViews(evidence)}
	return err
}

func reviewFileViews(fs []store.ReviewFile) []shared.File {
	out := make([]shared.File, len(fs))
	for i, f := range fs {
		out[i] = shared.File{Name: f.Name, SHA256: f.SHA256, Size: shared.SizeText(f.Size), Type: f.ContentType,
			At: models.DateTimeCN(f.UploadedAt)}
		if f.Stored {
			out[i].URL = urls.ReviewFile(f.ApplicationID, f.ID)
		}
	}
	return out
}

// OpinionPDF serves one of a district decision's two documents, rendered from the
// snapshot taken with the decision: the 整改验收申请意见表 ("opinion") or the
// 区(县)核查确认表 ("check"), sealed by the district's office.
func (h *Reviews) OpinionPDF(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		oid, err := idParam(c, "oid")
		if err != nil {
			return err
		}
		op, err := h.store.ReviewOpinion(c.Request().Context(), CurrentUser(c), id, oid)
		if err != nil {
			return err
		}
		inst := pdf.Institution{Name: op.InstitutionName, USCC: op.USCC, District: op.DistrictName}
		check := pdf.OnSiteCheck{Date: op.CheckDate.Start(), Participants: op.Participants, Findings: op.Findings,
			Methods: strings.Split(op.Methods, "\n")}
		sign := pdf.SignOff{Officer: op.OfficerName, Authority: pdf.Authority{Name: op.Authority}, Date: op.IssuedOn.Start()}
		sign.Stamp = documentStamp(h.keys, kind, fmt.Sprintf("%s-%d", kind, op.ID), op.IssuedOn, *op)
		var doc []byte
		name := pdf.OpinionTitle
		if kind == "check" {
			name = pdf.CheckTitle
			doc, err = pdf.CheckConfirmation(pdf.CheckData{Institution: inst, Check: check, ThirdParties: op.ThirdParties,
				Confirmed: op.Passed, Conclusion: op.Opinion, Sign: sign})
		} else {
			doc, err = pdf.ReviewOpinion(pdf.OpinionData{Institution: inst, ApplicationDate: op.AppliedOn.Start(),
				OutstandingFen: int64(op.Balance), Check: check, Passed: op.Passed, Opinion: op.Opinion, Sign: sign})
		}
		if err != nil {
			return err
		}
		file := url.PathEscape(name + "-" + op.InstitutionName + ".pdf")
		c.Response().Header().Set("Content-Disposition", "inline; filename*=UTF-8''"+file)
		return c.Blob(http.StatusOK, "application/pdf", doc)
	}
}

// ReviewFile sends a working paper or a piece of evidence, after re-checking its hash.
func (h *Reviews) ReviewFile(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	fid, err := idParam(c, "fid")
	if err != nil {
		return err
	}
	f, err := h.store.ReviewFileFor(c.Request().Context(), CurrentUser(c), id, fid)
	if err != nil {
		return err
	}
	return sendFile(c, h.files, download{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, Modified: f.UploadedAt})
}
