-- +goose Up
-- An application of an institution, moved through the workflow of models/workflow.go.
CREATE TABLE applications (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    type_code       text NOT NULL DEFAULT 'p2p_acceptance',
    state           text NOT NULL DEFAULT 'draft',
    version         int NOT NULL DEFAULT 1,        -- bumped by every decision; forms carry it
    balance         bigint NOT NULL DEFAULT 0,     -- outstanding balance (分) at submission: routes by scale
    entered_by      bigint REFERENCES users(id),   -- who put it into its current state (four-eyes)
    assignee_id     bigint REFERENCES users(id),   -- district officer who claimed it
    submitted_at    timestamptz,
    state_since     timestamptz NOT NULL,
    due_date        date,                          -- the current step's deadline, if any
    due_kind        text NOT NULL DEFAULT '' CHECK (due_kind IN ('', 'working', 'natural')),
    due_label       text NOT NULL DEFAULT '',      -- what the deadline is for, in Chinese
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX applications_institution ON applications(institution_id);
CREATE INDEX applications_state ON applications(state);
-- One open application per institution and type.
CREATE UNIQUE INDEX applications_one_open ON applications(institution_id, type_code)
    WHERE state NOT IN ('filed', 'failed_final', 'abandoned');

-- Every decision, append-only and hash-chained: each row's hash covers its content and
-- the previous row's hash, so an edited or deleted row breaks the chain.
CREATE TABLE decisions (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    at              timestamptz NOT NULL,
    actor_id        bigint REFERENCES users(id),
    actor_name      text NOT NULL,
    role            text NOT NULL,
    event           text NOT NULL,
    from_state      text NOT NULL,
    to_state        text NOT NULL,
    opinion         text NOT NULL DEFAULT '',
    attachments     text NOT NULL DEFAULT '',      -- newline-separated "sha256 name"
    prev_hash       text NOT NULL,
    hash            text NOT NULL UNIQUE
);
CREATE INDEX decisions_application ON decisions(application_id, id);

-- +goose StatementBegin
CREATE FUNCTION decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decisions is append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER decisions_no_update BEFORE UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_append_only();

-- In-app inbox.
CREATE TABLE notifications (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    application_id  bigint REFERENCES applications(id),
    at              timestamptz NOT NULL,
    kind            text NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    link            text NOT NULL DEFAULT '',
    read_at         timestamptz
);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_user ON notifications(user_id, id DESC);

-- +goose Down
DROP TABLE notifications;
DROP TRIGGER decisions_no_update ON decisions;
DROP FUNCTION decisions_append_only();
DROP TABLE decisions;
DROP TABLE applications;
