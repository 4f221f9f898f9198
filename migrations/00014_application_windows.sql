-- +goose Up
-- The application window of a city (SPEC §3.3; seeds/004 plan 1 四(二)1): applications of
-- windowed types are accepted from start_date to end_date inclusive. After it closes, an
-- institution of the city that never submitted is marked 视为放弃 by the scheduled job.
CREATE TABLE application_windows (
    city_id     bigint PRIMARY KEY REFERENCES divisions(id),
    start_date  date NOT NULL,
    end_date    date NOT NULL CHECK (end_date >= start_date),
    updated_by  bigint REFERENCES users(id),
    updated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE application_windows;
