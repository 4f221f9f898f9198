-- +goose Up
-- The mail outbox: one row per notification to be mailed, written in the decision's own
-- transaction together with the River job that delivers it. message_id is the stable
-- Message-ID header, so a message delivered twice (at-least-once) is one message to the
-- reader's mail client; sent_at marks it delivered and the job then does nothing.
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    message_id      text NOT NULL UNIQUE,
    notification_id bigint REFERENCES notifications(id) ON DELETE SET NULL,
    user_id         bigint NOT NULL REFERENCES users(id),
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    link            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    skipped         text NOT NULL DEFAULT '', -- why it was not sent (mail turned off since)
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (created_at) WHERE sent_at IS NULL AND skipped = '';

-- +goose Down
DROP TABLE mail_outbox;
