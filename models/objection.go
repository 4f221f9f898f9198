package models

import "time"

// ObjectionOpen reports whether the platform may still object to a failed acceptance:
// the application is failed and the objection window's clock is in time. A failure
// notice from before the clocks has no window; its deadline date counts instead.
func ObjectionOpen(s State, window *Clock, deadline Date, now time.Time) bool {
	if s != StateFailed {
		return false
	}
	if window == nil {
		return !DateOf(now).After(deadline)
	}
	return window.InTime(now)
}

// ObjectionForm is the platform's objection as it was sent: its reasons and how many
// evidence files came with it.
type ObjectionForm struct {
	Reasons  string
	Evidence int
}

// Validate applies the objection event's own guards (GuardOpinion, GuardEvidence) to the
// form, so the form refuses with the workflow's words, beside the fields "reasons" and
// "evidence".
func (f ObjectionForm) Validate() map[string]string {
	errs := map[string]string{}
	facts := Facts{Opinion: f.Reasons, Evidence: f.Evidence}
	for field, g := range map[string]Guard{"reasons": GuardOpinion, "evidence": GuardEvidence} {
		if err := g.check(facts, EventObject, Actor{}, Date{}); err != nil {
			errs[field] = ErrorMessage(err)
		}
	}
	return errs
}
