-- +goose Up
-- Disclosure supervision after filing (issue 11): monthly reports as versions, the rule set
-- chosen per province and city, event reports, annual documents, the platform's API tokens
-- and the reminders already written.

-- Which guideline binds the platforms of a province or city (SPEC §5): national (seeds/003)
-- unless set. A city's row overrides its province's; no row means the national default.
CREATE TABLE disclosure_rule_settings (
    division_id  bigint PRIMARY KEY REFERENCES divisions(id),
    rule_set     text NOT NULL CHECK (rule_set IN ('national', 'shanghai')),
    set_by       bigint NOT NULL REFERENCES users(id),
    set_at       timestamptz NOT NULL
);

-- One row per version of an institution's monthly report (seeds/003 §8). A correction is a
-- new version; nothing is updated or deleted. The versions of one institution form a hash
-- chain (models.ChainHash, the scheme of the decision history).
CREATE TABLE disclosure_reports (
    id                     bigserial PRIMARY KEY,
    institution_id         bigint NOT NULL REFERENCES institutions(id),
    period                 int NOT NULL CHECK (period BETWEEN 200001 AND 999912), -- 202611
    version                int NOT NULL CHECK (version >= 1),
    rule_set               text NOT NULL,
    source                 text NOT NULL CHECK (source IN ('form', 'xlsx', 'api', 'seed')),
    submitted_by           bigint REFERENCES users(id),       -- null: through an API token
    token_id               bigint,
    submitted_at           timestamptz NOT NULL,
    due_at                 timestamptz NOT NULL,               -- end of the due day
    note                   text NOT NULL DEFAULT '',           -- the reason for a correction
    upload_sha256          text NOT NULL DEFAULT '',           -- the uploaded XLSX template, kept as evidence
    cumulative_amount      bigint NOT NULL,
    cumulative_count       bigint NOT NULL,
    balance                bigint NOT NULL,
    balance_count          bigint NOT NULL,
    cumulative_lenders     bigint NOT NULL,
    cumulative_borrowers   bigint NOT NULL,
    current_lenders        bigint NOT NULL,
    current_borrowers      bigint NOT NULL,
    top10_share            bigint NOT NULL,
    largest_borrower_share bigint NOT NULL,
    related_balance        bigint NOT NULL,
    related_count          bigint NOT NULL,
    overdue_amount         bigint NOT NULL,
    overdue_count          bigint NOT NULL,
    overdue90_amount       bigint NOT NULL,
    overdue90_count        bigint NOT NULL,
    compensation_amount    bigint NOT NULL,
    compensation_count     bigint NOT NULL,
    fee_schedule           text NOT NULL DEFAULT '',
    risk_reserve_balance   bigint NOT NULL,
    compensation_balance   bigint NOT NULL,
    prev_hash              text NOT NULL,
    hash                   text NOT NULL UNIQUE,
    UNIQUE (institution_id, period, version)
);
CREATE INDEX disclosure_reports_inst ON disclosure_reports(institution_id, id);

-- +goose StatementBegin
CREATE FUNCTION disclosure_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
-- +goose StatementEnd
CREATE TRIGGER disclosure_reports_no_update BEFORE UPDATE OR DELETE ON disclosure_reports
    FOR EACH ROW EXECUTE FUNCTION disclosure_append_only();

-- Event reports: a major event (seeds/003 §10, within 48 hours, one of seven categories,
-- with cause, current state, possible impact and measures taken) or a change to disclosed
-- information (seeds/003 §7: 10 working days; seeds/002 §13: 15, or 5 for a major matter).
CREATE TABLE disclosure_events (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    kind            text NOT NULL CHECK (kind IN ('major', 'change')),
    category        text NOT NULL DEFAULT '',         -- models.MajorEventCategory for 'major'
    major_matter    boolean NOT NULL DEFAULT false,   -- a change that is a 重大事项 (seeds/002 §13)
    title           text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    due_at          timestamptz NOT NULL,
    cause           text NOT NULL DEFAULT '',
    current_state   text NOT NULL DEFAULT '',
    impact          text NOT NULL DEFAULT '',
    measures        text NOT NULL DEFAULT '',
    filed_by        bigint REFERENCES users(id),
    filed_at        timestamptz NOT NULL,
    closed_at       timestamptz,
    closed_by       bigint REFERENCES users(id),
    closing_note    text NOT NULL DEFAULT ''
);
CREATE INDEX disclosure_events_inst ON disclosure_events(institution_id, id);
CREATE INDEX disclosure_events_open ON disclosure_events(institution_id) WHERE closed_at IS NULL;

-- Annual documents (seeds/003 §7: basic information by 01-10; audit and reviews by 04-30;
-- seeds/002 §10). Each upload is a row; a later upload for the same year and kind supersedes.
CREATE TABLE disclosure_annual_docs (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    year            int NOT NULL,
    kind            text NOT NULL,
    sha256          char(64) NOT NULL,
    file_name       text NOT NULL,
    size            bigint NOT NULL,
    uploaded_by     bigint NOT NULL REFERENCES users(id),
    uploaded_at     timestamptz NOT NULL,
    due_at          timestamptz NOT NULL
);
CREATE INDEX disclosure_annual_docs_inst ON disclosure_annual_docs(institution_id, year, kind);

-- The platform's own API tokens for the reporting API. Only the SHA-256 is kept; the
-- token is shown once, when created.
CREATE TABLE platform_api_tokens (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    name            text NOT NULL,
    prefix          text NOT NULL,
    hash            char(64) NOT NULL UNIQUE,
    created_by      bigint NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_by      bigint REFERENCES users(id),
    last_used_at    timestamptz
);
CREATE INDEX platform_api_tokens_inst ON platform_api_tokens(institution_id);

-- A reminder or a missed notice is written once per obligation and stage.
CREATE TABLE disclosure_reminders (
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    obligation      text NOT NULL,       -- e.g. "monthly:202611", "annual-basic:2026", "event:17"
    stage           text NOT NULL CHECK (stage IN ('due_soon', 'missed')),
    at              timestamptz NOT NULL,
    PRIMARY KEY (institution_id, obligation, stage)
);

-- +goose Down
DROP TABLE disclosure_reminders;
DROP TABLE platform_api_tokens;
DROP TABLE disclosure_annual_docs;
DROP TABLE disclosure_events;
DROP TRIGGER disclosure_reports_no_update ON disclosure_reports;
DROP TABLE disclosure_reports;
DROP FUNCTION disclosure_append_only();
DROP TABLE disclosure_rule_settings;
