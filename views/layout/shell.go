// Package layout holds the page frame: the HTML document, the header with the role's
// navigation, and the flash messages.
package layout

import (
	"context"
	"strings"
	"sync"

	"portal/models"
	"portal/views/components"
)

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind    string // "success", "error", "info"
	Message string
}

// Shell is what every page's frame needs. The web middleware builds it once per request,
// after the session and user are known, and nothing writes it afterwards: a page that
// needs another frame (a shared cached page, without the visitor's flashes) gets a copy.
type Shell struct {
	User      *models.User
	CSRF      string
	RequestID string
	Path      string
	Unread    int
	// PasswordDaysLeft, when above 0, is the days until the password expires: the banner
	// asks for a change (issue 14 §1.3).
	PasswordDaysLeft int
	flashes          *flashes
}

// flashes pops the session's flash messages once, when the first page frame asks.
type flashes struct {
	once sync.Once
	pop  func() []Flash
	got  []Flash
}

// WithFlashes returns a copy of the shell whose Flashes come from pop, called at most
// once; nil pop: no flashes (they stay in the session).
func (s Shell) WithFlashes(pop func() []Flash) *Shell {
	s.flashes = nil
	if pop != nil {
		s.flashes = &flashes{pop: pop}
	}
	return &s
}

// Flashes are the messages the frame shows, taken from the session the first time.
func (s *Shell) Flashes() []Flash {
	if s.flashes == nil {
		return nil
	}
	s.flashes.once.Do(func() { s.flashes.got = s.flashes.pop() })
	return s.flashes.got
}

type shellKey struct{}

// WithShell stores the shell in ctx, and its anti-forgery token for components.CSRF.
func WithShell(ctx context.Context, s *Shell) context.Context {
	return context.WithValue(components.WithCSRF(ctx, s.CSRF), shellKey{}, s)
}

// ShellFrom returns the request's shell, never nil.
func ShellFrom(ctx context.Context) *Shell {
	if s, ok := ctx.Value(shellKey{}).(*Shell); ok {
		return s
	}
	return &Shell{}
}

// NavItem is one link of the role's navigation.
type NavItem struct {
	Label, Href string
}

// Nav lists what the role may use, and nothing else.
func Nav(r models.Role) []NavItem {
	switch r {
	case models.RolePlatform:
		return []NavItem{{"机构档案", "/platform/file"}, {"验收申请", "/platform/applications"}, {"公示", "/platform/notices"}, {"合格证明", "/platform/scope"}, {"信息披露", "/platform/disclosure"}, {"披露日历", "/platform/dashboard"}, {"借款明细核查", "/platform/loanbooks"}}
	case models.RoleDistrict:
		return []NavItem{{"辖区概览", "/dashboard"}, {"待审队列", "/district"}, {"辖区机构", "/institutions"}, {"信息披露", "/disclosure"}, {"风险预警", "/warnings"}, {"数据核查", "/disclosure/mismatches"}}
	case models.RoleCity:
		return []NavItem{{"全市概览", "/dashboard"}, {"待办队列", "/city"}, {"辖区机构", "/institutions"}, {"信息披露", "/disclosure"}, {"风险预警", "/warnings"}, {"举报核查", "/city/complaints"}, {"办理时限", "/city/deadlines"}}
	case models.RoleProvince:
		return []NavItem{{"全省概览", "/dashboard"}, {"待办队列", "/province"}, {"辖区机构", "/institutions"}, {"信息披露", "/disclosure"}, {"风险预警", "/warnings"}, {"省级审定", "/province/signoff"}, {"合格证明", "/certificates"}, {"备案登记", "/province/filing"}}
	case models.RoleSysAdmin:
		return []NavItem{{"用户管理", "/admin/users"}, {"申请受理期", "/admin/windows"}, {"工作日历", "/admin/calendar"}, {"办理时限", "/admin/deadlines"}, {"存管银行名录", "/admin/custody-banks"}}
	case models.RoleSecAdmin:
		return []NavItem{{"用户与权限", "/admin/users"}, {"安全策略", "/admin/security"}, {"接口密钥", "/admin/api-keys"}}
	case models.RoleAuditAdmin:
		return []NavItem{{"操作日志", "/admin/audit"}, {"决定记录校验", "/admin/chain"}}
	case models.RoleBank:
		return []NavItem{{"存管关系确认", "/bank"}, {"存管机构", "/bank/platforms"}, {"接口令牌", "/bank/tokens"}}
	}
	return nil
}

// ActiveHref is the navigation entry the path belongs to: the longest href that is the
// path or a parent of it, so /city/complaints lights 举报核查 and not 全市概览 as well.
func ActiveHref(items []NavItem, path string) string {
	best := ""
	for _, it := range items {
		if (path == it.Href || strings.HasPrefix(path, it.Href+"/")) && len(it.Href) > len(best) {
			best = it.Href
		}
	}
	return best
}
