package web_test

import (
	"testing"

	"portal/models"
	"portal/models/store"
	"portal/web/webtest"
)

func TestPlatformHomeShowsTheApplicationAndItsDeadline(t *testing.T) {
	env := webtest.New(t)
	c := env.Client(t)
	c.Login("platform1", webtest.DemoPassword)
	_, body := c.Get("/platform")
	webtest.Contains(t, body, "广州天河示例网络借贷信息中介服务有限公司", "尚无进行中的整改验收申请", "发起申请")

	ctx := t.Context()
	p1, _ := env.Store.UserByUsername(ctx, "platform1")
	app, err := env.Store.CreateApplication(ctx, store.Actor{User: p1, Now: env.Clock.Now()}, *p1.InstitutionID, models.ApplicationTypeP2P)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.ApplyEvent(ctx, store.Actor{User: p1, Now: env.Clock.Now()}, app.ID, models.EventSubmit,
		store.DecisionInput{}, nil); err != nil {
		t.Fatal(err)
	}
	_, body = c.Get("/platform")
	// the district review clock: 20 working days (the default service time) after
	// 2026-11-23 (Mon) end on 2026-12-21
	webtest.Contains(t, body, "区级审核", "区级审核期限：2026-12-21（还剩 20 个工作日）", "审核进度与办理记录")
}
