-- +goose Up
-- Early warning (风险预警, issue 12 §2). Thresholds are data, per province or city (a
-- city's row overrides its province's; no row: the default of models.WarningRules).
CREATE TABLE warning_thresholds (
    division_id  bigint NOT NULL REFERENCES divisions(id),
    rule         text NOT NULL,
    threshold    bigint NOT NULL CHECK (threshold >= 0),
    set_by       bigint NOT NULL REFERENCES users(id),
    set_at       timestamptz NOT NULL,
    PRIMARY KEY (division_id, rule)
);

-- The district's service time for a warning task, per province or city (working days).
CREATE TABLE warning_settings (
    division_id   bigint PRIMARY KEY REFERENCES divisions(id),
    service_days  int NOT NULL CHECK (service_days BETWEEN 1 AND 60),
    set_by        bigint NOT NULL REFERENCES users(id),
    set_at        timestamptz NOT NULL
);

-- A breach opens one task (预警处置) for the institution's district: one per institution,
-- rule and period, so a closed task is not reopened by the next run for the same month.
CREATE TABLE warning_tasks (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    district_id     bigint NOT NULL REFERENCES divisions(id),
    rule            text NOT NULL,
    period          int NOT NULL,                     -- 202611
    detail          text NOT NULL,
    opened_at       timestamptz NOT NULL,
    due_date        date,                             -- null while the year's calendar is pending
    pending_year    int NOT NULL DEFAULT 0,
    service_days    int NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    finding         text NOT NULL DEFAULT '',
    closed_by       bigint REFERENCES users(id),
    closed_name     text NOT NULL DEFAULT '',
    closed_at       timestamptz,
    UNIQUE (institution_id, rule, period),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX warning_tasks_district ON warning_tasks(district_id, status, due_date, id);
CREATE INDEX warning_tasks_open ON warning_tasks(status, id) WHERE status = 'open';

-- A closing finding's evidence goes through the shared upload intake into public_files.
ALTER TABLE public_files DROP CONSTRAINT public_files_owner_kind_check;
ALTER TABLE public_files ADD CONSTRAINT public_files_owner_kind_check
    CHECK (owner_kind IN ('complaint', 'scope_change', 'warning_task'));

-- +goose Down
DELETE FROM public_files WHERE owner_kind = 'warning_task';
ALTER TABLE public_files DROP CONSTRAINT public_files_owner_kind_check;
ALTER TABLE public_files ADD CONSTRAINT public_files_owner_kind_check
    CHECK (owner_kind IN ('complaint', 'scope_change'));
DROP TABLE warning_tasks;
DROP TABLE warning_settings;
DROP TABLE warning_thresholds;
