-- +goose Up
-- The notice date (通知印发之日) a province sets for the periods of seeds/001 二: paid-in
-- capital within 6 months, the existing business's reserve and compensation within 12, a
-- single-province platform's cross-province business cleared within 18 (issue 11). Every
-- setting is a new row (the record of changes); the latest row of the province binds.
CREATE TABLE filing_notice_dates (
    id           bigserial PRIMARY KEY,
    division_id  bigint NOT NULL REFERENCES divisions(id),
    notice_date  date NOT NULL,
    reason       text NOT NULL DEFAULT '',
    set_by       bigint NOT NULL REFERENCES users(id),
    set_at       timestamptz NOT NULL
);
CREATE INDEX filing_notice_dates_division ON filing_notice_dates(division_id, id);

-- +goose Down
DROP TABLE filing_notice_dates;
