-- +goose Up
-- A counter every change to the calendar moves, in the changing transaction, so every
-- server process sees a newly added year at its next check (store.LoadCalendar) instead
-- of after a restart (issue 13 §4).
CREATE TABLE calendar_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);
INSERT INTO calendar_version VALUES (true, 1);

-- +goose StatementBegin
CREATE FUNCTION bump_calendar_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE calendar_version SET version = version + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER calendar_years_version AFTER INSERT OR UPDATE OR DELETE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION bump_calendar_version();
CREATE TRIGGER calendar_days_version AFTER INSERT OR UPDATE OR DELETE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION bump_calendar_version();

-- +goose Down
DROP TRIGGER calendar_days_version ON calendar_days;
DROP TRIGGER calendar_years_version ON calendar_years;
DROP FUNCTION bump_calendar_version();
DROP TABLE calendar_version;
