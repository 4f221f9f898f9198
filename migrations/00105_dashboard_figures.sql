-- +goose Up
-- The supervision dashboards at province scale (issue 12 §4): precomputed figures, kept
-- in the same transaction as the data they summarise (models/store/dashboard_figures.go
-- says why), so a dashboard reads a few hundred rows whatever the number of institutions.

-- One row per institution and month reported: what the dashboards need of the month's
-- reports. On time is judged on the first submission (MIN(submitted_at) against MIN(due_at)
-- of the versions, as the trend always did); the figures are the latest version's.
CREATE TABLE disclosure_month_facts (
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    period          int NOT NULL,                    -- 202611
    district_id     bigint NOT NULL REFERENCES divisions(id),
    first_at        timestamptz NOT NULL,
    due_at          timestamptz NOT NULL,
    version         int NOT NULL,                    -- the latest version
    balance         bigint NOT NULL,                 -- the latest version's 借贷余额
    m90_band        smallint,                        -- models.M90Band of the latest version; null: no balance
    shortfalls      text[] NOT NULL DEFAULT '{}',    -- the indicators it breaches (names)
    PRIMARY KEY (institution_id, period)
);
CREATE INDEX disclosure_month_facts_district ON disclosure_month_facts(district_id, period);

-- The figures of each district: a kind, an optional month (period) and key, a count and
-- an amount (a balance in fen, or seconds of stays). The acceptance kinds: state (key:
-- the application state), funnel (key: the stage's position), stay (key: the state; n
-- stays, amount seconds), class (key: the institution classification), exit (key: the
-- exit class), wind_down (period: the month recorded), notice (period: the last day of
-- the running notices, 20261123). The disclosure kinds: filed
-- (period: the month of filing), gap (period: the first month since filing never
-- reported), and per month reported (amount: balance), on_time, early (reported, filed
-- after the month), m90 (key: band), short (key: indicator name); events (the open
-- major events of the filed institutions).
CREATE TABLE dashboard_figures (
    district_id  bigint NOT NULL REFERENCES divisions(id),
    kind         text NOT NULL,
    period       int NOT NULL DEFAULT 0,
    key          text NOT NULL DEFAULT '',
    n            bigint NOT NULL,
    amount       numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (district_id, kind, period, key)
);

-- The figures count the open major events of a district's filed institutions.
CREATE INDEX disclosure_events_open_major ON disclosure_events(institution_id) WHERE closed_at IS NULL AND kind = 'major';

-- The acceptance dashboard counts the open clocks live, starting from them.
CREATE INDEX clocks_open ON clocks(label) WHERE ended_at IS NULL;

-- +goose Down
DROP INDEX clocks_open;
DROP INDEX disclosure_events_open_major;
DROP TABLE dashboard_figures;
DROP TABLE disclosure_month_facts;
