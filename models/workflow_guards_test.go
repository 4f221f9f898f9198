package models

import (
	"strings"
	"testing"
	"time"
)

func TestGuards(t *testing.T) {
	platformUser := Actor{UserID: 1, Role: RolePlatform}
	cityUser := Actor{UserID: 1, Role: RoleCity}
	sys := Actor{System: true}
	tests := []struct {
		name   string
		from   State
		ev     Event
		actor  Actor
		change func(*Facts)
		now    time.Time
		want   string // substring of the EInvalid message; "" when allowed
	}{
		{"objection on the last day, late evening", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.ObjectionDeadline = NewDate(2026, 10, 13) }, at(t, "2026-10-13", "23:59"), ""},
		{"objection the day after the deadline", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.ObjectionDeadline = NewDate(2026, 10, 13) }, at(t, "2026-10-14", "00:00"), "异议期限已于 2026-10-13 届满"},
		{"objection at 00:30 Beijing time, still 10-13 in UTC", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.ObjectionDeadline = NewDate(2026, 10, 13) }, time.Date(2026, 10, 13, 16, 30, 0, 0, time.UTC), "届满"},
		{"objection without a notified deadline", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.ObjectionDeadline = Date{} }, testNow, "尚未登记不合格告知日期"},
		{"objection without evidence", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.Evidence = 0 }, testNow, "须提交证明材料"},
		{"objection without reasons", StateFailed, EventObject, platformUser,
			func(f *Facts) { f.Opinion = " \n " }, testNow, "异议和理由"},
		{"disagree without reasons", StateCityReview, EventDisagree, cityUser,
			func(f *Facts) { f.Opinion = "" }, testNow, "须说明原因"},
		{"district fail without problems listed", StateDistrictReview, EventFail, Actor{UserID: 1, Role: RoleDistrict},
			func(f *Facts) { f.Opinion = "" }, testNow, "停止新发生网贷业务"},
		{"notice end on the last day of the notice", StatePublicNotice, EventNoticeEnd, sys,
			func(f *Facts) { f.NoticeEnd = NewDate(2026, 11, 15) }, at(t, "2026-11-15", "23:00"), "2026-11-16 起方可结束公示"},
		{"notice end the day it takes effect", StatePublicNotice, EventNoticeEnd, sys,
			func(f *Facts) { f.NoticeEnd = NewDate(2026, 11, 15) }, at(t, "2026-11-16", "00:05"), ""},
		{"notice end with a complaint being verified", StatePublicNotice, EventNoticeEnd, sys,
			func(f *Facts) { f.ComplaintPending = true }, testNow, "尚未核查完毕"},
		{"notice end with an upheld complaint", StatePublicNotice, EventNoticeEnd, sys,
			func(f *Facts) { f.ComplaintUpheld = true }, testNow, "应先撤销初验合格意见"},
		{"notice end without a notice period", StatePublicNotice, EventNoticeEnd, sys,
			func(f *Facts) { f.NoticeEnd = Date{} }, testNow, "尚未登记公示期"},
		{"revoke without an upheld complaint", StatePublicNotice, EventRevoke, cityUser,
			func(f *Facts) { f.ComplaintUpheld = false }, testNow, "经核查属实的举报"},
		{"abandon while the window is open", StateDraft, EventAbandon, sys,
			func(f *Facts) { f.WindowEnd = NewDate(2026, 4, 25) }, at(t, "2026-04-25", "18:00"), "申请受理期尚未截止"},
		{"abandon after the window", StateDraft, EventAbandon, sys,
			func(f *Facts) { f.WindowEnd = NewDate(2026, 4, 25) }, at(t, "2026-04-26", "00:00"), ""},
		{"abandon with no window set", StateDraft, EventAbandon, sys,
			func(f *Facts) { f.WindowEnd = Date{} }, testNow, "申请受理期尚未截止"},
	}
	for _, tt := range tests {
		f := passingFacts(tt.from, tt.ev, smallBalance)
		tt.change(&f)
		_, err := Transition(f, tt.ev, tt.actor, tt.now)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (ErrorCode(err) != EInvalid || !strings.Contains(ErrorMessage(err), tt.want)):
			t.Errorf("%s: %v; want EInvalid containing %q", tt.name, err, tt.want)
		}
	}
}
