-- +goose Up
-- The institution file (一户一档, SPEC §2; seeds/003 §7 and attachment 2.1–2.2). Scalar
-- fields live on institutions itself, so every part of the portal reads them from one
-- row; repeated parts have a table each, ordered by position. Money is in 分, ratios in
-- basis points (hundredths of a percent): never floats.
ALTER TABLE institutions
    ADD COLUMN short_names           text NOT NULL DEFAULT '',   -- 简称, several separated by ；
    ADD COLUMN registered_capital    bigint NOT NULL DEFAULT 0 CHECK (registered_capital >= 0),
    ADD COLUMN paid_in_capital       bigint NOT NULL DEFAULT 0 CHECK (paid_in_capital >= 0),
    ADD COLUMN registered_address    text NOT NULL DEFAULT '',
    ADD COLUMN business_addresses    text NOT NULL DEFAULT '',   -- 经营地, several separated by ；
    ADD COLUMN founded_on            date,
    ADD COLUMN term_end              date,                       -- 经营期限至; NULL: 长期
    ADD COLUMN business_status       text NOT NULL DEFAULT '' CHECK (business_status IN ('', 'open', 'suspended', 'deregistered', 'revoked')),
    ADD COLUMN status_note           text NOT NULL DEFAULT '',   -- why suspended
    ADD COLUMN legal_representative  text NOT NULL DEFAULT '',
    ADD COLUMN actual_controller     text NOT NULL DEFAULT '',
    ADD COLUMN business_scope        text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone         text NOT NULL DEFAULT '',
    ADD COLUMN complaint_phone       text NOT NULL DEFAULT '',
    ADD COLUMN filing_regulator      text NOT NULL DEFAULT '',
    ADD COLUMN filing_date           date,
    ADD COLUMN filing_number         text NOT NULL DEFAULT '',
    ADD COLUMN telecom_licence       text NOT NULL DEFAULT '',
    ADD COLUMN custody_bank          text NOT NULL DEFAULT '',
    ADD COLUMN psb_filing_number     text NOT NULL DEFAULT '',
    ADD COLUMN p2p_started_on        date,
    ADD COLUMN rectification_from_start text NOT NULL DEFAULT '' CHECK (rectification_from_start IN ('', 'yes', 'no')),
    ADD COLUMN operating_class       text NOT NULL DEFAULT '' CHECK (operating_class IN ('', 'single_province', 'national')),
    ADD COLUMN risk_reserve          bigint NOT NULL DEFAULT 0 CHECK (risk_reserve >= 0),
    ADD COLUMN compensation_ratio    bigint NOT NULL DEFAULT 0 CHECK (compensation_ratio BETWEEN 0 AND 10000),
    ADD COLUMN classification        text NOT NULL DEFAULT '' CHECK (classification IN ('', 'compliant', 'rectifying', 'banned'));

CREATE TABLE institution_shareholders (
    id                     bigserial PRIMARY KEY,
    institution_id         bigint NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    position               int NOT NULL,
    name                   text NOT NULL,
    kind                   text NOT NULL CHECK (kind IN ('natural', 'legal')),
    share                  bigint NOT NULL CHECK (share BETWEEN 0 AND 10000),
    -- facts of a legal-person shareholder for seeds/001 二(五)
    years_operating        int NOT NULL DEFAULT 0,
    profitable_years       int NOT NULL DEFAULT 0,
    net_assets             bigint NOT NULL DEFAULT 0,
    total_assets           bigint NOT NULL DEFAULT 0,
    equity_investments     bigint NOT NULL DEFAULT 0,
    domestic_non_financial text NOT NULL DEFAULT '' CHECK (domestic_non_financial IN ('', 'yes', 'no')),
    UNIQUE (institution_id, position)
);

-- 董事、监事、高级管理人员
CREATE TABLE institution_people (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    position        int NOT NULL,
    name            text NOT NULL,
    role            text NOT NULL CHECK (role IN ('director', 'supervisor', 'executive')),
    title           text NOT NULL DEFAULT '',
    UNIQUE (institution_id, position)
);

CREATE TABLE institution_branches (
    id               bigserial PRIMARY KEY,
    institution_id   bigint NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    position         int NOT NULL,
    name             text NOT NULL,
    address          text NOT NULL DEFAULT '',
    founded_on       date,
    head             text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    complaint_phone  text NOT NULL DEFAULT '',
    staff_formal     int NOT NULL DEFAULT 0 CHECK (staff_formal >= 0),
    staff_dispatched int NOT NULL DEFAULT 0 CHECK (staff_dispatched >= 0),
    staff_temporary  int NOT NULL DEFAULT 0 CHECK (staff_temporary >= 0),
    UNIQUE (institution_id, position)
);

-- 官方网站、APP、微信公众号、微博
CREATE TABLE institution_channels (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    position        int NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('website', 'app', 'wechat', 'weibo')),
    name            text NOT NULL,
    address         text NOT NULL DEFAULT '',   -- domain, link or account
    ip              text NOT NULL DEFAULT '',
    UNIQUE (institution_id, position)
);

-- Every saved change of the file: who, when, and each field old → new. Append-only.
CREATE TABLE institution_file_changes (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    at              timestamptz NOT NULL,
    actor_id        bigint REFERENCES users(id),
    actor_name      text NOT NULL,
    role            text NOT NULL
);
CREATE INDEX institution_file_changes_inst ON institution_file_changes(institution_id, at DESC);

CREATE TABLE institution_file_change_fields (
    id          bigserial PRIMARY KEY,
    change_id   bigint NOT NULL REFERENCES institution_file_changes(id),
    position    int NOT NULL,
    field       text NOT NULL,        -- the field's Chinese label, with its row
    old_value   text NOT NULL,
    new_value   text NOT NULL
);
CREATE INDEX institution_file_change_fields_change ON institution_file_change_fields(change_id, position);

-- +goose StatementBegin
CREATE FUNCTION institution_file_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'institution file history is append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER institution_file_changes_no_update BEFORE UPDATE OR DELETE ON institution_file_changes
    FOR EACH ROW EXECUTE FUNCTION institution_file_history_append_only();
CREATE TRIGGER institution_file_change_fields_no_update BEFORE UPDATE OR DELETE ON institution_file_change_fields
    FOR EACH ROW EXECUTE FUNCTION institution_file_history_append_only();

-- +goose Down
DROP TRIGGER institution_file_change_fields_no_update ON institution_file_change_fields;
DROP TRIGGER institution_file_changes_no_update ON institution_file_changes;
DROP FUNCTION institution_file_history_append_only();
DROP TABLE institution_file_change_fields;
DROP TABLE institution_file_changes;
DROP TABLE institution_channels;
DROP TABLE institution_branches;
DROP TABLE institution_people;
DROP TABLE institution_shareholders;
ALTER TABLE institutions
    DROP COLUMN short_names, DROP COLUMN registered_capital, DROP COLUMN paid_in_capital,
    DROP COLUMN registered_address, DROP COLUMN business_addresses, DROP COLUMN founded_on,
    DROP COLUMN term_end, DROP COLUMN business_status, DROP COLUMN status_note,
    DROP COLUMN legal_representative, DROP COLUMN actual_controller, DROP COLUMN business_scope,
    DROP COLUMN contact_phone, DROP COLUMN complaint_phone, DROP COLUMN filing_regulator,
    DROP COLUMN filing_date, DROP COLUMN filing_number, DROP COLUMN telecom_licence,
    DROP COLUMN custody_bank, DROP COLUMN psb_filing_number, DROP COLUMN p2p_started_on,
    DROP COLUMN rectification_from_start, DROP COLUMN operating_class, DROP COLUMN risk_reserve,
    DROP COLUMN compensation_ratio, DROP COLUMN classification;
