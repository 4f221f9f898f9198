-- +goose Up
-- How many natural days a city's public notices last (at least 14; a city may set 15).
CREATE TABLE city_settings (
    city_id      bigint PRIMARY KEY REFERENCES divisions(id),
    notice_days  int NOT NULL DEFAULT 14 CHECK (notice_days >= 14)
);

-- A public notice (公示) of an application that passed acceptance. Created in the same
-- transaction as the decision that enters public_notice.
CREATE TABLE notices (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    start_date      date NOT NULL,
    end_date        date NOT NULL,               -- last day of the notice
    days            int NOT NULL CHECK (days >= 14),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended', 'revoked')),
    revoked_at      timestamptz,
    revoked_reason  text NOT NULL DEFAULT '',    -- short public reason when revoked
    mirror_url      text NOT NULL DEFAULT '',    -- where the platform mirrored the notice
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX notices_application ON notices(application_id);
CREATE INDEX notices_status ON notices(status, end_date);

-- +goose Down
DROP TABLE notices;
DROP TABLE city_settings;
