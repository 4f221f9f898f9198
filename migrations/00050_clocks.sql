-- Statutory clocks (models/clock.go): every deadline of an application is a row here,
-- with its rule and citation, its start, what it counts, its length, its pauses and,
-- when it can be known, its due date. A due date that needs a year whose holiday
-- arrangement is not published yet stays NULL with pending_year set; adding or
-- correcting that year recomputes it in the same transaction (clock_history records
-- every change). applications.clock_id names the clock of the current stage; the due_*
-- columns of applications mirror it for the pages that read them.

-- +goose Up
CREATE TABLE clocks (
    id               bigserial PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES applications(id),
    rule             text NOT NULL,
    label            text NOT NULL,
    citation         text NOT NULL,
    day_type         text NOT NULL CHECK (day_type IN ('working', 'natural', 'hours')),
    length           int NOT NULL CHECK (length > 0),
    first_day_counts boolean NOT NULL DEFAULT false,
    started_at       timestamptz NOT NULL,
    pauses           jsonb NOT NULL DEFAULT '[]',  -- [{from, to, reason}], oldest first
    paused           boolean NOT NULL DEFAULT false, -- the last pause is still open
    due_date         date,
    due_at           timestamptz,                  -- clock-hour clocks only
    pending_year     int NOT NULL DEFAULT 0,       -- the unpublished year the due date waits for
    ended_at         timestamptz,
    outcome          text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'met', 'stopped')),
    end_note         text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((ended_at IS NULL) = (outcome = ''))
);
CREATE INDEX clocks_application ON clocks(application_id, id);
CREATE INDEX clocks_pending ON clocks(pending_year) WHERE pending_year <> 0;

-- What happened to each clock: started, paused, resumed, ended, and every due date the
-- calendar moved.
CREATE TABLE clock_history (
    id            bigserial PRIMARY KEY,
    clock_id      bigint NOT NULL REFERENCES clocks(id),
    at            timestamptz NOT NULL,
    actor_id      bigint REFERENCES users(id),
    actor_name    text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('start', 'pause', 'resume', 'end', 'recompute')),
    old_due       date,
    new_due       date,
    old_pending   int NOT NULL DEFAULT 0,
    new_pending   int NOT NULL DEFAULT 0,
    note          text NOT NULL DEFAULT ''
);
CREATE INDEX clock_history_clock ON clock_history(clock_id, id);

ALTER TABLE applications ADD COLUMN clock_id bigint REFERENCES clocks(id);

-- A December failure or certificate may wait for next year's calendar.
ALTER TABLE failure_notices ALTER COLUMN objection_deadline DROP NOT NULL;
ALTER TABLE failure_notices ADD COLUMN clock_id bigint REFERENCES clocks(id);
ALTER TABLE scope_changes ALTER COLUMN deadline DROP NOT NULL;

-- The city's service time (办理时限) per stage, in working days. The seeds set none, so a
-- city decides; a stage without a row takes the default of models.ClockRules.
CREATE TABLE city_service_times (
    city_id       bigint NOT NULL REFERENCES divisions(id),
    rule          text NOT NULL,
    working_days  int NOT NULL CHECK (working_days BETWEEN 1 AND 120),
    updated_by    bigint REFERENCES users(id),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (city_id, rule)
);

-- The campaign's overall end date ("6月底前完成整改验收及备案登记", seeds/004 plan 1 四).
ALTER TABLE city_settings ADD COLUMN campaign_end date;

-- +goose Down
ALTER TABLE city_settings DROP COLUMN campaign_end;
DROP TABLE city_service_times;
ALTER TABLE failure_notices DROP COLUMN clock_id;
ALTER TABLE applications DROP COLUMN clock_id;
DROP TABLE clock_history;
DROP TABLE clocks;
