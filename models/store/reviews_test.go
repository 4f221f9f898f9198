package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"portal/models"
	"portal/models/store"
	"portal/models/store/storetest"
)

// chain drives one application through the review steps as the demo users.
type chain struct {
	t   *testing.T
	st  *store.Store
	ctx context.Context
	now time.Time
	app *models.Application
}

func newChain(t *testing.T, st *store.Store, platform string) *chain {
	c := &chain{t: t, st: st, ctx: context.Background(), now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	u := c.user(platform)
	app, err := st.CreateApplication(c.ctx, store.Actor{User: u, Now: c.now}, *u.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	c.app, err = st.ApplyEvent(c.ctx, store.Actor{User: u, Now: c.now}, app.ID, models.EventSubmit, store.DecisionInput{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *chain) user(name string) *models.User {
	c.t.Helper()
	u, err := c.st.UserByUsername(c.ctx, name)
	if err != nil {
		c.t.Fatal(err)
	}
	return u
}

func (c *chain) as(name string) store.Actor { return store.Actor{User: c.user(name), Now: c.now} }

// ok fails the test on err and keeps the application the step returned.
func (c *chain) ok(app *models.Application, err error) {
	c.t.Helper()
	if err != nil {
		c.t.Fatalf("step refused: %v", err)
	}
	c.app = app
}

func (c *chain) want(state models.State) {
	c.t.Helper()
	if c.app.State != state {
		c.t.Fatalf("state %s; want %s", c.app.State, state)
	}
}

func (c *chain) check(officer string) {
	c.t.Helper()
	in := models.OnsiteCheckInput{CheckDate: models.DateOf(c.now).String(), Methods: []string{"资金流水", "抽查借贷合同"},
		Participants: "区金融工作部门 2 人，某会计师事务所 1 人", Findings: "资金存管到位，抽查合同 30 份未见异常"}
	rec, errs := in.Validate(models.DateOf(c.now))
	if len(errs) > 0 {
		c.t.Fatal(errs)
	}
	if err := c.st.SaveOnsiteCheck(c.ctx, c.as(officer), c.app.ID, rec); err != nil {
		c.t.Fatalf("on-site check: %v", err)
	}
}

func code(err error) string { return models.ErrorCode(err) }

// noMaterialsReason overrides the materials rule: the chain's applications are submitted
// through the workflow alone, without materials (the materials have their own tests).
const noMaterialsReason = "本测试的申请未上传材料，仅验证审核流转"

func TestSmallApplicationThroughCityConfirmation(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")

	_, err := st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "合格", true, noMaterialsReason, c.app.Version)
	if code(err) != models.EInvalid || !strings.Contains(models.ErrorMessage(err), "认领") {
		t.Fatalf("pass before claiming: %v", err)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.ok(st.ReturnForCorrection(c.ctx, c.as("district1"), c.app.ID, "请补充银行存管协议", 10, c.app.Version))
	c.want(models.StateCorrection)
	// 2026-11-23 + 10 working days = 2026-12-07
	if c.app.DueDate == nil || *c.app.DueDate != models.NewDate(2026, 12, 7) || c.app.DueKind != models.DeadlineWorking {
		t.Fatalf("correction deadline %v %s", c.app.DueDate, c.app.DueKind)
	}
	_, err = st.Act(c.ctx, c.as("platform2"), c.app.ID, models.EventResubmit, "", c.app.Version)
	if code(err) != models.ENotFound {
		t.Fatalf("another platform resubmits: %v; want not found", err)
	}
	c.ok(st.Act(c.ctx, c.as("platform1"), c.app.ID, models.EventResubmit, "已补充", c.app.Version))
	c.want(models.StateDistrictReview)

	_, err = st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "合格", true, noMaterialsReason, c.app.Version)
	if code(err) != models.EInvalid || !strings.Contains(models.ErrorMessage(err), "现场核查") {
		t.Fatalf("pass before the on-site check: %v", err)
	}
	if err := st.SaveOnsiteCheck(c.ctx, c.as("district2"), c.app.ID, models.OnsiteCheck{}); code(err) != models.ENotFound {
		t.Fatalf("another district records the check: %v", err)
	}
	c.check("district1")
	c.ok(st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "经审核，整改验收合格。", true, noMaterialsReason, c.app.Version))
	c.want(models.StateCityReview)
	ops, _ := st.ReviewOpinions(c.ctx, c.app.ID)
	if len(ops) != 1 || !ops[0].Passed || ops[0].Authority != "广州市天河区金融工作部门" || ops[0].OfficerName != "天河区审核员" || !strings.Contains(ops[0].Methods, "资金流水") {
		t.Fatalf("opinion snapshot %+v", ops)
	}

	c.ok(st.Act(c.ctx, c.as("city1"), c.app.ID, models.EventDisagree, "现场核查未覆盖资金流水，请补查", c.app.Version))
	c.want(models.StateDistrictReview)
	c.ok(st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "已补查资金流水，合格。", true, noMaterialsReason, c.app.Version))
	c.ok(st.Act(c.ctx, c.as("city1"), c.app.ID, models.EventPass, "初验合格", c.app.Version))
	c.want(models.StateCityConfirm)

	_, err = st.Act(c.ctx, c.as("city1"), c.app.ID, models.EventConfirm, "", c.app.Version)
	if code(err) != models.EForbidden || models.ErrorMessage(err) != models.FourEyesMessage {
		t.Fatalf("city1 confirms its own preliminary acceptance: %v", err)
	}
	c.ok(st.Act(c.ctx, c.as("city2"), c.app.ID, models.EventConfirm, "同意", c.app.Version))
	c.want(models.StatePublicNotice)
	if c.app.DueKind != models.DeadlineNatural || c.app.DueLabel != "公示截止" {
		t.Fatalf("notice deadline %v %s %s", c.app.DueDate, c.app.DueKind, c.app.DueLabel)
	}
	tl, err := st.Timeline(c.ctx, c.app.ID)
	// submit, claim, return, resubmit, override, pass, disagree, override, pass, city pass, confirm
	if err != nil || len(tl) != 11 || tl[10].ActorDisplay != "广州市专责小组成员" || tl[5].Event != models.EventPass ||
		tl[1].Event != models.EventClaim || tl[4].Event != models.EventMaterialOverride {
		t.Fatalf("timeline %d rows, %v", len(tl), err)
	}
}

func TestLargeApplicationJointReviewToSignoff(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform3")
	if c.app.Balance != 120_000_000_000 {
		t.Fatalf("balance at submission %v; want the institution's 12亿", c.app.Balance)
	}
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.check("district1")
	c.ok(st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "合格", true, noMaterialsReason, c.app.Version))
	c.want(models.StateJointReview)
	if _, err := st.Act(c.ctx, c.as("city1"), c.app.ID, models.EventPass, "初验合格", c.app.Version); code(err) != models.EForbidden {
		t.Fatalf("the city passes a joint review: %v", err)
	}
	c.ok(st.Act(c.ctx, c.as("province1"), c.app.ID, models.EventPass, "联合验收合格", c.app.Version))
	c.want(models.StatePublicNotice)

	// the notice ends (the public side's job does this); then the province signs off
	end := *c.app.DueDate
	c.now = end.AddDays(1).Start().Add(time.Hour)
	c.ok(st.ApplyEvent(c.ctx, store.Actor{Now: c.now}, c.app.ID, models.EventNoticeEnd, store.DecisionInput{},
		func(_ *gorm.DB, _ *models.Application, f *models.Facts) error { f.NoticeEnd = end; return nil }))
	c.want(models.StateSignoff)
	if _, err := st.SignOff(c.ctx, c.as("province2"), c.app.ID, c.app.Version); err != nil {
		t.Fatal(err)
	}
	c.app, _ = st.Application(c.ctx, c.user("province2"), c.app.ID)
	c.want(models.StateCertified)
}

// Two city officers acting at once on the same application through the review steps:
// exactly one decision is made, the others are told in Chinese.
func TestConcurrentCityDecisionsMakeOne(t *testing.T) {
	st := storetest.New(t, storetest.Demo)
	c := newChain(t, st, "platform1")
	if err := st.Claim(c.ctx, c.as("district1"), c.app.ID); err != nil {
		t.Fatal(err)
	}
	c.check("district1")
	c.ok(st.DistrictPass(c.ctx, c.as("district1"), c.app.ID, "合格", true, noMaterialsReason, c.app.Version))
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func(i int) {
			who, ev := "city1", models.EventPass
			if i%2 == 1 {
				who, ev = "city2", models.EventDisagree
			}
			_, err := st.Act(c.ctx, c.as(who), c.app.ID, ev, "意见", c.app.Version)
			errs <- err
		}(i)
	}
	ok := 0
	for i := 0; i < 20; i++ {
		switch err := <-errs; {
		case err == nil:
			ok++
		case code(err) != models.EConflict || !strings.Contains(models.ErrorMessage(err), "请刷新页面"):
			t.Fatalf("unexpected refusal: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d decisions; want exactly 1", ok)
	}
	if hist, _ := st.History(c.ctx, c.app.ID); len(hist) != 5 {
		t.Fatalf("history %d rows; want submit, claim, override, district pass and one city decision", len(hist))
	}
}
