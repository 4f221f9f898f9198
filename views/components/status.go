package components

import "portal/models"

// StateTone is how a state's badge stands out: "danger" for the ends that refuse,
// "warn" where someone must act, "ok" for the good ends, "" for review in progress.
func StateTone(s models.State) string {
	switch s {
	case models.StateAbandoned, models.StateFailed, models.StateFailedFinal, models.StateRevoked, models.StateCertificateRevoked:
		return "danger"
	case models.StateDraft, models.StateCorrection, models.StateCityConfirm, models.StateObjectionReview, models.StateSignoff:
		return "warn"
	case models.StatePublicNotice, models.StateCertified, models.StateScopeChanged, models.StateFiled:
		return "ok"
	}
	return ""
}
