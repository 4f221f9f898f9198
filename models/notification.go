package models

import "strings"

// Notification kinds and what the inbox calls them. A kind the catalogue does not know
// is shown as 通知, never as its code.
var notificationKinds = map[string]string{
	"submitted": "待审核", "returned": "退回", "passed": "已报送上级", "confirm": "待审定", "notice": "公示",
	"failed": "不合格", "objection": "异议", "signoff": "待省级审定", "certified": "合格证明", "revoked": "公示撤销",
	"abandoned": "视为放弃", "complaint": "举报", "certificate_revoked": "合格证明撤销",
	NotifyAssigned: "分配经办", NotifyReassigned: "经办人变更", NotifyDeadline: "期限", NotifyWarning: "风险预警",
}

// NotifyWarning is the kind of an early-warning task opened or closed (issue 12 §2).
const NotifyWarning = "warning"

// NotifyDeadline is the kind of the message that a deadline waiting for a calendar year,
// or moved by a corrected year, now has its due date.
const NotifyDeadline = "deadline"

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
	case strings.HasPrefix(link, "/warnings/"):
		return "查看预警"
	case strings.HasPrefix(link, "/city/complaints/"):
		return "查看举报"
	case strings.HasPrefix(link, "/notices/"), strings.HasPrefix(link, "/platform/notices"):
		return "查看公示"
	case link == "":
		return ""
	}
	return "查看详情"
}

// defaultReasons is what a decision's notification says when the decision carried no
// opinion of its own: the rule that put the case on the recipient's desk.
var defaultReasons = map[string]string{
	"submitted": "机构自评整改完成后提出验收申请，请对申请材料全面审核并开展现场检查（" + citeAcceptancePlan + "四(二)2）",
	"passed":    "上一级审核已通过，请按程序继续验收（" + citeAcceptancePlan + "四(二)3）",
	"confirm":   "初验结果须经市验收专责小组审查确定，由初验办理人以外的成员审定（" + citeAcceptancePlan + "四(二)4）",
	"notice":    "初步验收合格，公示不少于 14 个自然日，机构须在官网、APP 等渠道同步公示（" + citeAcceptancePlan + "四(二)5(1)）",
	"signoff":   "公示期满未收到经核查属实的举报，请省级复核、审定并出具合格证明（" + citeAcceptancePlan + "四(二)4）",
	"objection": "机构对不合格结论提出异议并提交证明材料，请核实（" + citeAcceptancePlan + "四(二)5(2)）",
	"certified": "收到合格证明后 5 个工作日内须申请经营范围变更，增加「网络借贷信息中介」（" + citeAcceptancePlan + "六(一)）",
	"abandoned": "受理期届满未提交验收申请的，视为放弃申请验收及备案资格（" + citeAcceptancePlan + "四(二)1）",
}

// NotificationReason is the reason a notification of kind gives when its decision gave none.
func NotificationReason(kind string) string { return defaultReasons[kind] }
