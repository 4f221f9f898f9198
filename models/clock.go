package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The statutory clock: every deadline of the portal is a Clock with its rule and citation,
// its start, its day type, its length, its pauses and, when it can be known, its due date.
// A due date that needs a year whose holiday arrangement is not yet published is not
// guessed (calendar-cn.md): the clock is pending that year, and no decision waits for it.
// Every function here works from the time it is given; none reads the wall clock.

// ClockDayType says what a clock counts.
type ClockDayType string

const (
	ClockWorkingDays ClockDayType = "working" // working days of the official calendar, 调休 included
	ClockNaturalDays ClockDayType = "natural" // every day
	ClockHours       ClockDayType = "hours"   // clock hours, holidays included
)

// ClockStatus is where a clock stands at an instant.
type ClockStatus string

const (
	ClockRunning ClockStatus = "running"
	ClockPaused  ClockStatus = "paused"
	ClockMet     ClockStatus = "met"     // its stage was completed
	ClockStopped ClockStatus = "stopped" // its stage ended otherwise (notice revoked, case closed)
	ClockOverdue ClockStatus = "overdue"
	ClockPending ClockStatus = "pending" // due date waits for a year's calendar
)

// ClockRule names what a clock times.
type ClockRule string

const (
	RuleDistrictReview  ClockRule = "district_review"
	RuleCityReview      ClockRule = "city_review"
	RuleCityConfirm     ClockRule = "city_confirm"
	RuleJointReview     ClockRule = "joint_review"
	RuleObjectionReview ClockRule = "objection_review"
	RuleSignoff         ClockRule = "signoff"
	RuleFiling          ClockRule = "filing"
	RuleCorrection      ClockRule = "correction"
	RuleObjectionWindow ClockRule = "objection_window"
	RuleScopeChange     ClockRule = "scope_change"
	RuleNotice          ClockRule = "notice"
)

// ClockLength says where a rule's length comes from.
type ClockLength int

const (
	LengthStatutory ClockLength = iota // fixed by the seeds
	LengthService                      // the city's service time (办理时限), default DefaultLength
	LengthOfficer                      // set by the officer with the decision (补正期限)
	LengthCity                         // a city setting of its own (public notice days)
)

// ClockRuleInfo is one row of the clock table.
type ClockRuleInfo struct {
	Rule     ClockRule
	Stage    State  // the application state the clock runs in
	Name     string // the stage, e.g. 区级审核
	Label    string // what the due date is, e.g. 审核期限
	Citation string
	DayType  ClockDayType
	Length   ClockLength
	// DefaultLength is the statutory length, or the service time a city has not set.
	DefaultLength int
	// Window: the clock times a right of the platform (an objection), not a duty; once
	// past it reads 已届满 rather than 已逾期.
	Window bool
	// FirstDayCounts: the start day is the first counted day (a notice of N natural days
	// starting D covers D … D+N−1); otherwise counting starts the day after.
	FirstDayCounts bool
	MetText        string // what a met clock says
}

// ServiceTimeNote is what the UI says about the stage service times: the seeds set none.
const ServiceTimeNote = "整改验收方案对区级审核、市级初验、专责小组审定、联合验收、异议复核、省级审定和备案登记各环节未规定办理时限（" +
	citeAcceptancePlan + "四(二)），由本市设定；未设定的环节采用系统默认值。"

// ClockRules is the clock table: one row per stage of the workflow that has a deadline.
var ClockRules = []ClockRuleInfo{
	{RuleDistrictReview, StateDistrictReview, "区级审核", "区级审核期限", citeAcceptancePlan + "四(二)2；办理时限由本市设定",
		ClockWorkingDays, LengthService, 20, false, false, "已出具审核意见"},
	{RuleCorrection, StateCorrection, "机构补正", "补正截止", citeAcceptanceImpl + "四(三)“限期补充相关资料”；期限由审核人员设定",
		ClockWorkingDays, LengthOfficer, DefaultCorrectionDays, false, false, "已补正并重新提交"},
	{RuleCityReview, StateCityReview, "市级初验", "初验期限", citeAcceptancePlan + "四(二)3；办理时限由本市设定",
		ClockWorkingDays, LengthService, 15, false, false, "已完成初验"},
	{RuleCityConfirm, StateCityConfirm, "专责小组审定", "审定期限", citeAcceptancePlan + "四(二)4；办理时限由本市设定",
		ClockWorkingDays, LengthService, 5, false, false, "已审定"},
	{RuleJointReview, StateJointReview, "省市联合验收", "联合验收期限", citeAcceptancePlan + "四(一)；办理时限由本市设定",
		ClockWorkingDays, LengthService, 20, false, false, "已完成联合验收"},
	{RuleNotice, StatePublicNotice, "公示", "公示截止", citeAcceptancePlan + "四(二)5(1)“不少于14个自然日”",
		ClockNaturalDays, LengthCity, MinNoticeDays, false, true, "公示期满"},
	{RuleSignoff, StateSignoff, "省级审定", "审定期限", citeAcceptanceImpl + "四(五)；办理时限由本市设定",
		ClockWorkingDays, LengthService, 5, false, false, "已审定并出具合格证明"},
	{RuleObjectionWindow, StateFailed, "异议期", "异议截止", citeAcceptancePlan + "四(二)5(2)“自被告知之日起5个工作日内”",
		ClockWorkingDays, LengthStatutory, ObjectionWorkingDays, true, false, "已在期限内提出异议"},
	{RuleObjectionReview, StateObjectionReview, "异议复核", "复核期限", citeAcceptancePlan + "四(二)5(2)；办理时限由本市设定",
		ClockWorkingDays, LengthService, 10, false, false, "已作出复核结论"},
	{RuleScopeChange, StateCertified, "经营范围变更", "经营范围变更截止", citeAcceptancePlan + "六(一)“应于5个工作日内”",
		ClockWorkingDays, LengthStatutory, ScopeChangeWorkingDays, false, false, "已登记经营范围变更"},
	{RuleFiling, StateScopeChanged, "备案登记", "备案登记期限", citeAcceptancePlan + "六(一)；办理时限由本市设定",
		ClockWorkingDays, LengthService, 10, false, false, "已备案登记"},
}

// ClockRuleOf looks a rule up.
func ClockRuleOf(r ClockRule) (ClockRuleInfo, bool) {
	for _, ri := range ClockRules {
		if ri.Rule == r {
			return ri, true
		}
	}
	return ClockRuleInfo{}, false
}

// StageClock is the rule whose clock runs while an application is in s, if any.
func StageClock(s State) (ClockRuleInfo, bool) {
	for _, ri := range ClockRules {
		if ri.Stage == s {
			return ri, true
		}
	}
	return ClockRuleInfo{}, false
}

// ServiceTimeRules are the rules whose length a city sets, in workflow order.
func ServiceTimeRules() []ClockRuleInfo {
	var out []ClockRuleInfo
	for _, ri := range ClockRules {
		if ri.Length == LengthService {
			out = append(out, ri)
		}
	}
	return out
}

// MaxServiceDays bounds a city's service time: a stage of more than six months is not a
// deadline.
const MaxServiceDays = 120

// ParseServiceDays reads a stage's service time typed in working days, and checks it
// with ValidateServiceDays; name is the stage's.
func ParseServiceDays(name, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, Errorf(EInvalid, "请填写%s的办理时限（工作日）", name)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, Errorf(EInvalid, "%s的办理时限须为整数个工作日", name)
	}
	return n, ValidateServiceDays(name, n)
}

// ValidateServiceDays checks a city's service time for a stage.
func ValidateServiceDays(name string, n int) error {
	if n < 1 || n > MaxServiceDays {
		return Errorf(EInvalid, "%s的办理时限须为 1 至 %d 个工作日，收到 %d", name, MaxServiceDays, n)
	}
	return nil
}

// ClockPause is one stretch during which a clock stood still. The day of the pause still
// counts; the days after it, up to and including the day of the resumption, do not.
type ClockPause struct {
	From   time.Time  `json:"from"`
	To     *time.Time `json:"to,omitempty"`
	Reason string     `json:"reason"`
}

// Clock is one deadline of one application.
type Clock struct {
	ID             int64
	ApplicationID  int64
	Rule           ClockRule
	Label          string
	Citation       string
	DayType        ClockDayType
	Length         int
	FirstDayCounts bool
	StartedAt      time.Time
	Pauses         []ClockPause `gorm:"serializer:json"`
	Paused         bool         // an open pause, kept for queries
	DueDate        *Date        // the last day, when known
	DueAt          *time.Time   // the instant, for clock-hour clocks
	PendingYear    int          // the year whose calendar the due date waits for; 0 if none
	EndedAt        *time.Time
	Outcome        ClockStatus // "", ClockMet or ClockStopped once ended
	EndNote        string
	CreatedAt      time.Time `gorm:"autoCreateTime:false"` // the decision's time, not the wall clock
	UpdatedAt      time.Time `gorm:"autoUpdateTime:false"`
}

// NewClock starts a clock of rule ri at now for an application. length 0 takes the
// rule's default. The due date is computed on cal; an unpublished year leaves it pending.
func NewClock(cal *Calendar, ri ClockRuleInfo, appID int64, length int, now time.Time) (*Clock, error) {
	if length == 0 {
		length = ri.DefaultLength
	}
	if length <= 0 {
		return nil, Errorf(EInvalid, "%s的期限须为正数，收到 %d", ri.Name, length)
	}
	c := &Clock{ApplicationID: appID, Rule: ri.Rule, Label: ri.Label, Citation: ri.Citation, DayType: ri.DayType,
		Length: length, FirstDayCounts: ri.FirstDayCounts, StartedAt: now, Pauses: []ClockPause{}, CreatedAt: now, UpdatedAt: now}
	_, err := c.Recompute(cal)
	return c, err
}

// Open reports whether the clock has not ended.
func (c *Clock) Open() bool { return c.EndedAt == nil }

func (c *Clock) openPause() *ClockPause {
	if n := len(c.Pauses); n > 0 && c.Pauses[n-1].To == nil {
		return &c.Pauses[n-1]
	}
	return nil
}

// Recompute works the due date out again on cal, e.g. after an admin added or corrected
// a year; changed says whether the due date or the pending year moved.
func (c *Clock) Recompute(cal *Calendar) (changed bool, err error) {
	oldDue, oldAt, oldYear := c.DueDate, c.DueAt, c.PendingYear
	c.DueDate, c.DueAt, c.PendingYear = nil, nil, 0
	c.Paused = c.openPause() != nil
	switch c.DayType {
	case ClockHours:
		if !c.Paused {
			at := c.StartedAt.Add(time.Duration(c.Length)*time.Hour + c.PausedFor(c.StartedAt))
			d := DateOf(at)
			c.DueAt, c.DueDate = &at, &d
		}
	case ClockWorkingDays, ClockNaturalDays:
		due, _, year, err := c.count(cal)
		if err != nil {
			return false, err
		}
		if year != 0 {
			c.PendingYear = year
		} else if !c.Paused {
			c.DueDate = &due
		}
	default:
		return false, Errorf(EInternal, "未知的期限类型「%s」", c.DayType)
	}
	changed = !sameDate(oldDue, c.DueDate) || oldYear != c.PendingYear || (oldAt == nil) != (c.DueAt == nil) ||
		(oldAt != nil && c.DueAt != nil && !oldAt.Equal(*c.DueAt))
	return changed, nil
}

func sameDate(a, b *Date) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// excluded reports whether day d lies inside a closed pause.
func (c *Clock) excluded(d Date) bool {
	for _, p := range c.Pauses {
		if p.To != nil && d.After(DateOf(p.From)) && !d.After(DateOf(*p.To)) {
			return true
		}
	}
	return false
}

// count walks the days from the start: it returns the due date, or, while paused, how
// many units were counted up to the pause day, or the year whose calendar it needs.
func (c *Clock) count(cal *Calendar) (due Date, counted int, year int, err error) {
	d := DateOf(c.StartedAt)
	if c.FirstDayCounts {
		d = d.AddDays(-1)
	}
	var stop *Date
	if p := c.openPause(); p != nil {
		s := DateOf(p.From)
		stop = &s
	}
	for counted < c.Length {
		d = d.AddDays(1)
		if stop != nil && d.After(*stop) {
			return Date{}, counted, 0, nil
		}
		if c.excluded(d) {
			continue
		}
		if c.DayType == ClockNaturalDays {
			counted++
			continue
		}
		if cal == nil {
			return Date{}, 0, 0, Errorf(EInternal, "工作日期限缺少日历")
		}
		ok, err := cal.IsWorkingDay(d)
		if y, missing := MissingCalendarYear(err); missing {
			return Date{}, counted, y, nil
		} else if err != nil {
			return Date{}, 0, 0, err
		}
		if ok {
			counted++
		}
	}
	return d, counted, 0, nil
}

// Pause stops the clock at now with a reason, e.g. while the platform corrects.
func (c *Clock) Pause(cal *Calendar, now time.Time, reason string) error {
	if !c.Open() {
		return Errorf(EConflict, "%s已结束，不能暂停", c.Label)
	}
	if c.openPause() != nil {
		return Errorf(EConflict, "%s已在暂停中", c.Label)
	}
	c.Pauses = append(c.Pauses, ClockPause{From: now, Reason: reason})
	c.UpdatedAt = now
	_, err := c.Recompute(cal)
	return err
}

// Resume starts a paused clock again at now.
func (c *Clock) Resume(cal *Calendar, now time.Time) error {
	p := c.openPause()
	if p == nil {
		return Errorf(EConflict, "%s未暂停，无需恢复", c.Label)
	}
	p.To = &now
	c.UpdatedAt = now
	_, err := c.Recompute(cal)
	return err
}

// End closes the clock with its stage: met when the stage was completed, stopped when it
// ended otherwise. An open pause closes with it.
func (c *Clock) End(now time.Time, outcome ClockStatus, note string) {
	if p := c.openPause(); p != nil {
		p.To = &now
		c.Paused = false
	}
	c.EndedAt, c.Outcome, c.EndNote, c.UpdatedAt = &now, outcome, note, now
}

// PausedFor is the time the clock has stood still up to now, open pause included.
func (c *Clock) PausedFor(now time.Time) time.Duration {
	var sum time.Duration
	for _, p := range c.Pauses {
		to := now
		if p.To != nil {
			to = *p.To
		}
		if to.After(p.From) {
			sum += to.Sub(p.From)
		}
	}
	return sum
}

// Status is where the clock stands at now.
func (c *Clock) Status(now time.Time) ClockStatus {
	switch {
	case !c.Open():
		return c.Outcome
	case c.openPause() != nil:
		return ClockPaused
	case c.PendingYear != 0:
		return ClockPending
	case c.DayType == ClockHours && c.DueAt != nil && now.After(*c.DueAt):
		return ClockOverdue
	case c.DueDate != nil && DateOf(now).After(*c.DueDate):
		return ClockOverdue
	}
	return ClockRunning
}

// Late reports whether the clock ended, or stands now, after its due date.
func (c *Clock) Late(now time.Time) bool {
	at := now
	if c.EndedAt != nil {
		at = *c.EndedAt
	}
	if c.DayType == ClockHours && c.DueAt != nil {
		return at.After(*c.DueAt)
	}
	return c.DueDate != nil && DateOf(at).After(*c.DueDate)
}

// InTime reports whether an act at now is within the clock, e.g. an objection. A clock
// pending its calendar has not been shown to have passed, so the act is in time: the
// platform does not lose a right to a calendar nobody has entered yet.
func (c *Clock) InTime(now time.Time) bool { return !c.Late(now) }

// PendingCalendarText is how a clock waiting for a year's calendar reads.
func PendingCalendarText(year int) string {
	return fmt.Sprintf("待定：须待 %d 年法定节假日安排公布", year)
}

// ClockView is a clock as a page shows it.
type ClockView struct {
	Rule     ClockRule
	Name     string // the stage
	Label    string
	Due      string // yyyy-mm-dd, or yyyy-mm-dd hh:mm for clock hours; "" when not known
	Status   ClockStatus
	Text     string // 还剩 3 个工作日 / 已逾期 2 天 / 待定：… / 已暂停 … / 已办结
	Overdue  bool
	Paused   string // 累计暂停 5 天（等待机构补正）, when it ever paused
	Length   string // 20 个工作日
	Citation string
}

// View describes the clock at now. cal counts the working days left.
func (c *Clock) View(cal *Calendar, now time.Time) ClockView {
	ri, _ := ClockRuleOf(c.Rule)
	v := ClockView{Rule: c.Rule, Name: ri.Name, Label: c.Label, Status: c.Status(now), Citation: c.Citation,
		Length: LengthText(c.DayType, c.Length)}
	if c.DueDate != nil {
		v.Due = c.DueDate.String()
	}
	if c.DayType == ClockHours && c.DueAt != nil {
		v.Due = DateTimeCN(*c.DueAt)
	}
	if len(c.Pauses) > 0 {
		last := c.Pauses[len(c.Pauses)-1]
		v.Paused = "累计暂停 " + DurationText(c.PausedFor(now)) + "（" + last.Reason + "）"
	}
	today := DateOf(now)
	switch v.Status {
	case ClockMet, ClockStopped:
		end := DateOf(*c.EndedAt)
		if v.Status == ClockStopped {
			v.Text = "已终止（" + end.String() + "）"
			if c.EndNote != "" {
				v.Text += "：" + c.EndNote
			}
			break
		}
		met := ri.MetText
		if met == "" {
			met = "已办结"
		}
		v.Text = met + "（" + end.String() + "）"
		if c.Late(now) && c.DueDate != nil {
			v.Text += "，超出期限 " + fmt.Sprint(end.Sub(*c.DueDate)) + " 天"
		}
	case ClockPending:
		v.Text = PendingCalendarText(c.PendingYear)
	case ClockPaused:
		v.Text = "已暂停"
		if _, counted, year, err := c.count(cal); err == nil && year == 0 {
			v.Text += fmt.Sprintf("，恢复后剩余 %s", LengthText(c.DayType, c.Length-counted))
		}
	case ClockOverdue:
		if ri.Window {
			v.Text = "已届满"
			break
		}
		v.Overdue = true
		if c.DayType == ClockHours {
			v.Text = "已逾期 " + DurationText(now.Sub(*c.DueAt))
		} else {
			v.Text = fmt.Sprintf("已逾期 %d 天", today.Sub(*c.DueDate))
		}
	case ClockRunning:
		switch c.DayType {
		case ClockHours:
			v.Text = "还剩 " + DurationText(c.DueAt.Sub(now))
		case ClockNaturalDays:
			dl, _ := NewDeadline(nil, DeadlineNatural, *c.DueDate, today)
			v.Text = dl.String()
		default:
			dl, err := NewDeadline(cal, DeadlineWorking, *c.DueDate, today)
			if err != nil {
				v.Text = ErrorMessage(err)
			} else {
				v.Text = dl.String()
			}
		}
	}
	return v
}

// String is the one-line chip text, e.g. 补正截止：2026-12-07（还剩 10 个工作日）.
func (v ClockView) String() string {
	if v.Status == ClockPending {
		return v.Label + "：" + v.Text
	}
	s := v.Text
	if v.Due != "" {
		s = v.Due + "（" + v.Text + "）"
	}
	if v.Label != "" {
		s = v.Label + "：" + s
	}
	return s
}

// LengthText is a clock's length in words.
func LengthText(t ClockDayType, n int) string {
	switch t {
	case ClockHours:
		return fmt.Sprintf("%d 小时", n)
	case ClockNaturalDays:
		return fmt.Sprintf("%d 个自然日", n)
	}
	return fmt.Sprintf("%d 个工作日", n)
}

// DurationText is an elapsed time in days and hours: 3 天 4 小时, 5 小时, 不足 1 小时.
func DurationText(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d 天 %d 小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d 天", days)
	case hours > 0:
		return fmt.Sprintf("%d 小时", hours)
	}
	return "不足 1 小时"
}
