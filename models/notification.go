package models

import "strings"

// Notification kinds and what the inbox calls them. A kind the catalogue does not know
// is shown as 通知, never as its code.
var notificationKinds = map[string]string{
	"submitted": "待审核", "returned": "退回", "passed": "已报送上级", "confirm": "待审定", "notice": "公示",
	"failed": "不合格", "objection": "异议", "signoff": "待省级审定", "certified": "合格证明", "revoked": "公示撤销",
	"abandoned": "视为放弃", "complaint": "举报", "certificate_revoked": "合格证明撤销",
	NotifyAssigned: "分配经办", NotifyReassigned: "经办人变更",
}

// NotificationKindLabel is the Chinese name of a notification kind.
func NotificationKindLabel(kind string) string {
	if l, ok := notificationKinds[kind]; ok {
		return l
	}
	return "通知"
}

// NotificationLinkLabel says where a notification's link goes, for the inbox's link text.
func NotificationLinkLabel(link string) string {
	switch {
	case strings.HasPrefix(link, "/applications/"):
		return "查看申请"
	case strings.HasPrefix(link, "/certificates/"):
		return "查看合格证明"
	case strings.HasPrefix(link, "/city/complaints/"):
		return "查看举报"
	case strings.HasPrefix(link, "/notices/"), strings.HasPrefix(link, "/platform/notices"):
		return "查看公示"
	case link == "":
		return ""
	}
	return "查看详情"
}
