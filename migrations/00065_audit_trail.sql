-- +goose Up
-- One audit trail (操作日志) of every security-relevant action and every case action.
-- Workflow decisions are written here in the decision's own transaction (store.Decide);
-- decision_id points at the hash-chained decision, which stays the legal record.
-- application_id ties a row to the case it concerns, so the trail is searchable by the
-- institution's name or credit code.
ALTER TABLE audit_log
    ADD COLUMN actor_role     text NOT NULL DEFAULT '',
    ADD COLUMN application_id bigint REFERENCES applications(id),
    ADD COLUMN decision_id    bigint REFERENCES decisions(id);

-- Rows written before this migration named the case only in their target text.
UPDATE audit_log SET application_id = substring(target FROM '^申请 ([0-9]+)$')::bigint
WHERE target ~ '^申请 [0-9]+$'
  AND EXISTS (SELECT 1 FROM applications a WHERE a.id = substring(target FROM '^申请 ([0-9]+)$')::bigint);
UPDATE audit_log SET actor_role = u.role FROM users u WHERE u.id = audit_log.actor_id;

-- Decisions made before this migration join the trail, labelled as the portal labels them.
INSERT INTO audit_log (at, actor_id, actor_name, actor_role, action, target, detail, ip, application_id, decision_id)
SELECT d.at, d.actor_id, d.actor_name, CASE WHEN d.role = 'system' THEN '' ELSE d.role END,
       CASE d.event
           WHEN 'submit' THEN '提交验收申请' WHEN 'return' THEN '退回补正' WHEN 'resubmit' THEN '补正后重新提交'
           WHEN 'pass' THEN '审核通过' WHEN 'fail' THEN '验收不合格' WHEN 'disagree' THEN '提出不同意见并退回'
           WHEN 'confirm' THEN '专责小组审定' WHEN 'revoke' THEN '撤销初验合格意见' WHEN 'reaccept' THEN '重新验收'
           WHEN 'notice_end' THEN '公示期满' WHEN 'signoff' THEN '省级审定' WHEN 'object' THEN '提出异议'
           WHEN 'uphold' THEN '异议成立' WHEN 'reject' THEN '异议不成立' WHEN 'scope_change' THEN '登记经营范围变更'
           WHEN 'file' THEN '备案登记' WHEN 'abandon' THEN '视为放弃' ELSE d.event END,
       '申请 ' || d.application_id, d.from_state || ' → ' || d.to_state, '', d.application_id, d.id
FROM decisions d
WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.decision_id = d.id)
ORDER BY d.id;

CREATE INDEX audit_log_actor ON audit_log(actor_name, at DESC);
CREATE INDEX audit_log_application ON audit_log(application_id, at DESC) WHERE application_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log(action);

-- The trail is append-only, like the decision chain.
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_no_update ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP INDEX audit_log_action;
DROP INDEX audit_log_application;
DROP INDEX audit_log_actor;
DELETE FROM audit_log WHERE decision_id IS NOT NULL;
ALTER TABLE audit_log DROP COLUMN decision_id, DROP COLUMN application_id, DROP COLUMN actor_role;
