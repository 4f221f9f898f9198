-- +goose Up
-- Custody banks (存管银行) as an independent third party (issue 12 §3). Every platform
-- keeps its lenders' funds at a bank that has passed the national custody evaluation
-- (seeds/004 plan 1 五(五) "对于未与通过网贷专项整治领导小组办公室组织开展的网贷资金存管业务
-- 测评的银行业金融机构开展资金存管业务合作的，不予验收通过"; plan 6 三(三) 资金存管要求).

-- The list of custody banks, kept by the system administrator: a bank is on the list with
-- or without a passed evaluation; evaluated banks carry the date and the batch.
CREATE TABLE custody_banks (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,          -- 银行全称, as the platform's file names it
    code          text NOT NULL UNIQUE,          -- 统一社会信用代码 (or the financial licence code)
    evaluated     boolean NOT NULL DEFAULT false,
    evaluated_on  date,                          -- the evaluation's publication date
    batch         text NOT NULL DEFAULT '',      -- e.g. 第二批
    source        text NOT NULL DEFAULT '',      -- where the administrator read it
    updated_by    bigint REFERENCES users(id),
    updated_at    timestamptz NOT NULL,
    CHECK (NOT evaluated OR evaluated_on IS NOT NULL)
);

-- A bank's user (role bank) belongs to one custody bank instead of an institution or a
-- division.
ALTER TABLE users ADD COLUMN custody_bank_id bigint REFERENCES custody_banks(id);
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('platform', 'district', 'city', 'province', 'sysadmin', 'secadmin', 'auditadmin', 'bank'));
ALTER TABLE users ADD CONSTRAINT users_custody_bank_check CHECK ((role = 'bank') = (custody_bank_id IS NOT NULL));

-- The bank's decisions on the relationships its name in a platform's file implies: one row
-- per decision, nothing updated; the latest row of an institution and bank is in force.
-- A relationship is derived from the file (institutions.custody_bank = custody_banks.name),
-- so a platform that changes its bank leaves the old bank's confirmation behind.
CREATE TABLE custody_relationship_decisions (
    id               bigserial PRIMARY KEY,
    institution_id   bigint NOT NULL REFERENCES institutions(id),
    custody_bank_id  bigint NOT NULL REFERENCES custody_banks(id),
    decision         text NOT NULL CHECK (decision IN ('confirmed', 'declined')),
    note             text NOT NULL DEFAULT '',
    decided_by       bigint REFERENCES users(id),   -- null: the demo data
    decided_at       timestamptz NOT NULL
);
CREATE INDEX custody_relationship_decisions_pair ON custody_relationship_decisions(custody_bank_id, institution_id, id);

-- A bank's monthly statement for one platform, in 分. A correction is a new version.
CREATE TABLE bank_statements (
    id                    bigserial PRIMARY KEY,
    institution_id        bigint NOT NULL REFERENCES institutions(id),
    custody_bank_id       bigint NOT NULL REFERENCES custody_banks(id),
    period                int NOT NULL CHECK (period BETWEEN 200001 AND 999912),
    version               int NOT NULL CHECK (version >= 1),
    lender_funds          bigint NOT NULL CHECK (lender_funds >= 0),          -- 出借人资金余额
    repayment_flows       bigint NOT NULL CHECK (repayment_flows >= 0),       -- 借款人还款账户流水
    risk_reserve          bigint NOT NULL CHECK (risk_reserve >= 0),          -- 一般风险准备金账户余额
    compensation_balance  bigint NOT NULL CHECK (compensation_balance >= 0),  -- 出借人风险补偿金账户余额
    source                text NOT NULL CHECK (source IN ('form', 'xlsx', 'api', 'seed')),
    upload_sha256         text NOT NULL DEFAULT '',     -- the uploaded XLSX, kept as evidence
    note                  text NOT NULL DEFAULT '',     -- the reason for a correction
    submitted_by          bigint REFERENCES users(id),  -- null: the demo data
    submitted_name        text NOT NULL DEFAULT '',
    submitted_at          timestamptz NOT NULL,
    UNIQUE (institution_id, period, version)
);
CREATE INDEX bank_statements_bank ON bank_statements(custody_bank_id, id);
CREATE TRIGGER bank_statements_no_update BEFORE UPDATE OR DELETE ON bank_statements
    FOR EACH ROW EXECUTE FUNCTION disclosure_append_only();
CREATE TRIGGER custody_relationship_decisions_no_update BEFORE UPDATE OR DELETE ON custody_relationship_decisions
    FOR EACH ROW EXECUTE FUNCTION disclosure_append_only();

-- +goose Down
DROP TABLE bank_statements;
DROP TABLE custody_relationship_decisions;
DELETE FROM users WHERE role = 'bank';
ALTER TABLE users DROP CONSTRAINT users_custody_bank_check;
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('platform', 'district', 'city', 'province', 'sysadmin', 'secadmin', 'auditadmin'));
ALTER TABLE users DROP COLUMN custody_bank_id;
DROP TABLE custody_banks;
