package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ApplicationTypeP2P is the rectification acceptance application's type code.
const ApplicationTypeP2P = "p2p_acceptance"

// Application is one application of an institution moving through the workflow.
type Application struct {
	ID            int64
	InstitutionID int64
	TypeCode      string
	State         State
	Version       int
	Balance       Money
	EnteredBy     *int64
	AssigneeID    *int64
	SubmittedAt   *time.Time
	StateSince    time.Time
	ClockID       *int64 // the clock of the current stage (clock.go)
	DueDate       *Date  // mirrors that clock's due date, when known
	DueKind       DeadlineKind
	DueLabel      string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Large reports whether the application takes the province–city joint route.
func (a Application) Large() bool { return IsLargeScale(a.Balance) }

// Decision is one row of the append-only, hash-chained decision history.
type Decision struct {
	ID            int64
	ApplicationID int64
	At            time.Time
	ActorID       *int64
	ActorName     string
	Role          string
	Event         Event
	FromState     State
	ToState       State
	Opinion       string
	Attachments   string
	PrevHash      string
	Hash          string
}

// GenesisHash is the previous hash of the first decision.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// DecisionHash is the SHA-256 over the row's content and the previous row's hash. Times
// are hashed at microsecond precision in UTC, as PostgreSQL stores them.
func DecisionHash(d Decision) string {
	actor := "-"
	if d.ActorID != nil {
		actor = fmt.Sprint(*d.ActorID)
	}
	return ChainHash(
		fmt.Sprint(d.ID), fmt.Sprint(d.ApplicationID), ChainTime(d.At),
		actor, d.ActorName, d.Role, string(d.Event), string(d.FromState), string(d.ToState), d.Opinion, d.Attachments, d.PrevHash,
	)
}

// ChainHash is the one hashing scheme of the portal's append-only chains (the decision
// history, the disclosure report versions): SHA-256 over the length-prefixed fields, the
// previous row's hash among them.
func ChainHash(fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s;", len(f), f) // length-prefixed, so no two field lists hash alike
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainTime is how a chain hashes a time: microseconds, UTC, as PostgreSQL stores it.
func ChainTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}

// ChainBreak names the first row whose hash does not verify.
type ChainBreak struct {
	DecisionID int64
	Reason     string
}

// VerifyChain checks rows in id order and returns the first break, or nil.
func VerifyChain(rows []Decision) *ChainBreak {
	prev := GenesisHash
	for _, d := range rows {
		if d.PrevHash != prev {
			return &ChainBreak{d.ID, "前序哈希不一致（记录被删除或插入）"}
		}
		if DecisionHash(d) != d.Hash {
			return &ChainBreak{d.ID, "内容哈希不一致（记录被篡改）"}
		}
		prev = d.Hash
	}
	return nil
}

// NotifyScope is whom a notification goes to, relative to the application.
type NotifyScope string

const (
	NotifyPlatform NotifyScope = "platform" // the institution's platform users
	NotifyDistrict NotifyScope = "district" // officers of its district
	NotifyCity     NotifyScope = "city"     // officers of its city
	NotifyProvince NotifyScope = "province" // officers of its province
)

// Notice is one notification a decision sends.
type Notice struct {
	Scope NotifyScope
	Kind  string
	Title string
}

// NoticesFor lists who is told about a decision that moved an application to `to`: the
// sent-back, failed, passed-on, notice-started and confirmation-needed events.
func NoticesFor(ev Event, to State, institution string) []Notice {
	t := func(format string) string { return fmt.Sprintf(format, institution) }
	switch to {
	case StateDistrictReview:
		if ev == EventDisagree {
			return []Notice{{NotifyDistrict, "returned", t("市级初验不同意：%s 退回区级重新审核")}}
		}
		return []Notice{{NotifyDistrict, "submitted", t("%s 提交了整改验收申请，请审核")}}
	case StateCorrection:
		return []Notice{{NotifyPlatform, "returned", t("%s 的申请被退回补正，请在期限内修改后重新提交")}}
	case StateCityReview:
		return []Notice{{NotifyCity, "passed", t("%s 已通过区级审核，请进行市级初验")}, {NotifyPlatform, "passed", t("%s 的申请已进入市级初验")}}
	case StateJointReview:
		return []Notice{{NotifyProvince, "passed", t("%s 待收余额 " + LargeScaleText + "及以上，请组织省市联合验收")}, {NotifyPlatform, "passed", t("%s 的申请已进入省市联合验收")}}
	case StateCityConfirm:
		return []Notice{{NotifyCity, "confirm", t("%s 初验通过，需专责小组另一名成员审定")}}
	case StatePublicNotice:
		return []Notice{{NotifyPlatform, "notice", t("%s 已进入公示期，请在本机构官网等渠道同步公示")}, {NotifyCity, "notice", t("%s 公示已开始")}}
	case StateFailed:
		return []Notice{{NotifyPlatform, "failed", t("%s 整改验收不合格，须停止新增业务；如有异议请在期限内提出")}}
	case StateObjectionReview:
		return []Notice{{NotifyCity, "objection", t("%s 对验收结论提出异议，请复核")}, {NotifyProvince, "objection", t("%s 对验收结论提出异议")}}
	case StateSignoff:
		return []Notice{{NotifyProvince, "signoff", t("%s 公示期满无异议，请省级审定")}}
	case StateCertified:
		return []Notice{{NotifyPlatform, "certified", t("%s 已取得整改验收合格证明，请在 5 个工作日内办理经营范围变更")}}
	case StateRevoked:
		return []Notice{{NotifyPlatform, "revoked", t("%s 公示期间举报经核查属实，验收通过已撤销")}}
	case StateAbandoned:
		return []Notice{{NotifyPlatform, "abandoned", t("%s 在申请受理期内未提交整改验收申请，已视为放弃")}}
	case StateFailedFinal:
		return []Notice{{NotifyPlatform, "failed", t("%s 异议未被采纳，验收结论为最终不合格")}}
	}
	return nil
}

// JoinAttachments renders attachment references ("sha256 name") for the history row.
func JoinAttachments(refs []string) string { return strings.Join(refs, "\n") }
