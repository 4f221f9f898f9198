package components

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"portal/models"
)

// render parses a component's HTML, so tests select elements instead of matching text.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestStateBadgeTone(t *testing.T) {
	for _, c := range []struct {
		state models.State
		class string // the tone class the badge must carry, "" for none
		label string
	}{
		{models.StateFailedFinal, "badge-danger", "最终不合格"},
		{models.StateCertificateRevoked, "badge-danger", ""},
		{models.StateCorrection, "badge-warn", ""},
		{models.StateObjectionReview, "badge-warn", ""},
		{models.StateCertified, "badge-ok", ""},
		{models.StatePublicNotice, "badge-ok", ""},
		{models.StateDistrictReview, "", ""},
	} {
		doc := render(t, StateBadge(c.state))
		b := doc.Find(`[data-testid="state"]`)
		if b.Length() != 1 {
			t.Fatalf("%s: %d badges", c.state, b.Length())
		}
		if !b.HasClass("badge") || b.AttrOr("data-state", "") != string(c.state) {
			t.Errorf("%s: class %q data-state %q", c.state, b.AttrOr("class", ""), b.AttrOr("data-state", ""))
		}
		for _, tone := range []string{"badge-danger", "badge-warn", "badge-ok"} {
			if b.HasClass(tone) != (tone == c.class) {
				t.Errorf("%s: class %q, want tone %q", c.state, b.AttrOr("class", ""), c.class)
			}
		}
		if got := strings.TrimSpace(b.Text()); got == "" || (c.label != "" && got != c.label) {
			t.Errorf("%s: label %q, want %q", c.state, got, c.label)
		}
	}
}

func TestDeadlineChip(t *testing.T) {
	doc := render(t, DeadlineChip(&Deadline{Label: "补正截止", Due: "2026-12-07", Text: "已逾期 2 天", Overdue: true,
		Status: models.ClockRunning, Paused: "累计暂停 5 天"}))
	chip := doc.Find(`[data-testid="deadline"]`)
	if chip.Length() != 1 || !chip.HasClass("deadline-overdue") || !chip.HasClass("deadline-running") || chip.AttrOr("data-status", "") != "running" {
		t.Fatalf("overdue chip: %d, class %q", chip.Length(), chip.AttrOr("class", ""))
	}
	if got := chip.Text(); got != "补正截止：2026-12-07（已逾期 2 天）" {
		t.Errorf("chip text %q", got)
	}
	if got := doc.Find(`[data-testid="deadline-paused"]`).Text(); got != "累计暂停 5 天" {
		t.Errorf("paused %q", got)
	}

	doc = render(t, DeadlineChip(&Deadline{Due: "2026-12-07", Text: "还剩 3 个工作日"}))
	chip = doc.Find(`[data-testid="deadline"]`)
	if chip.HasClass("deadline-overdue") || chip.Text() != "2026-12-07（还剩 3 个工作日）" || doc.Find(`[data-testid="deadline-paused"]`).Length() != 0 {
		t.Errorf("running chip: class %q text %q", chip.AttrOr("class", ""), chip.Text())
	}

	doc = render(t, DeadlineChip(nil))
	if doc.Find(`[data-testid="deadline"]`).Length() != 0 || strings.TrimSpace(doc.Find("span.muted").Text()) != "—" {
		t.Error("no deadline: want a dash and no chip")
	}
}

func TestFieldShowsItsErrorAndKeepsTheValue(t *testing.T) {
	doc := render(t, Field("username", "用户名", "text", "bad name", FieldErrors{"username": "用户名只能包含字母和数字"}, nil))
	field := doc.Find("div.field")
	if !field.HasClass("has-error") {
		t.Errorf("field class %q", field.AttrOr("class", ""))
	}
	in := doc.Find("input#f-username")
	if in.AttrOr("value", "") != "bad name" || in.AttrOr("aria-invalid", "-") == "-" {
		t.Errorf("input value %q aria-invalid %v", in.AttrOr("value", ""), in.AttrOr("aria-invalid", "-"))
	}
	if got := doc.Find(`[data-testid="error-username"]`).Text(); got != "用户名只能包含字母和数字" {
		t.Errorf("error %q", got)
	}
	if doc.Find(`label[for="f-username"]`).Text() != "用户名" {
		t.Error("label not tied to the input")
	}

	doc = render(t, Field("username", "用户名", "text", "ok", FieldErrors{"password": "太短"}, nil))
	if doc.Find("div.field").HasClass("has-error") || doc.Find(".field-error").Length() != 0 {
		t.Error("another field's error shown on username")
	}
}

func TestErrorSummaryCountsTheErrors(t *testing.T) {
	doc := render(t, ErrorSummary(FieldErrors{"a": "x", "_form": "申请已在其他页面提交"}))
	alert := doc.Find(`[role="alert"]`)
	if alert.Length() != 1 || !strings.Contains(alert.Text(), "2 处错误") || alert.Find("p").Text() != "申请已在其他页面提交" {
		t.Errorf("summary %q", alert.Text())
	}
	if render(t, ErrorSummary(nil)).Find(`[role="alert"]`).Length() != 0 {
		t.Error("summary without errors")
	}
}
