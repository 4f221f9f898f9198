-- Officer disclosure lists at province scale (issue 11 §3–§4). The lists ask of every filed
-- institution of a jurisdiction: is the month reported, and in time; which months since
-- filing were never reported; how many 48-hour events are open; is an indicator out of
-- range. Read from the reports themselves that is a scan of every institution's months
-- on each page. disclosure_standing keeps, per institution, one row with what those
-- questions need, so a list reads one row per filed institution and no report:
--   periods   the reported months (first versions), ascending (202410, 202411 …);
--   firsts    when each was first submitted (the lateness of seeds/003 §8);
--   balances, reserves, compensations
--             the latest version's balance, general risk reserve and lender risk
--             compensation of each month (the floors of seeds/001 二(三)(四));
--   open_events  open major events (seeds/003 §10).
-- The due days stay the pure rule's (models.MonthlyReportDue): the store passes them in.
--
-- Triggers keep it, like the jurisdiction copies of 00085: reports come from the form,
-- the template, the API, the seeds and the benchmark loader's COPY, and a statement
-- trigger on the inserted rows cannot be forgotten by any of them. Reports are
-- append-only (00100), so inserts are all there is to follow.

-- +goose Up
CREATE TABLE disclosure_standing (
    institution_id  bigint PRIMARY KEY REFERENCES institutions(id),
    periods         int[] NOT NULL DEFAULT '{}',
    firsts          timestamptz[] NOT NULL DEFAULT '{}',
    balances        bigint[] NOT NULL DEFAULT '{}',
    reserves        bigint[] NOT NULL DEFAULT '{}',
    compensations   bigint[] NOT NULL DEFAULT '{}',
    open_events     int NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE FUNCTION disclosure_standing_reports(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO disclosure_standing AS s (institution_id, periods, firsts, balances, reserves, compensations)
    SELECT m.institution_id, array_agg(m.period ORDER BY m.period), array_agg(m.first_at ORDER BY m.period),
           array_agg(m.balance ORDER BY m.period), array_agg(m.risk_reserve_balance ORDER BY m.period),
           array_agg(m.compensation_balance ORDER BY m.period)
      FROM (SELECT DISTINCT ON (r.institution_id, r.period) r.institution_id, r.period, r.balance, r.risk_reserve_balance,
                   r.compensation_balance, min(r.submitted_at) OVER (PARTITION BY r.institution_id, r.period) AS first_at
              FROM disclosure_reports r WHERE r.institution_id = ANY (ids)
             ORDER BY r.institution_id, r.period, r.version DESC) m
     GROUP BY m.institution_id
    ON CONFLICT (institution_id) DO UPDATE SET periods = EXCLUDED.periods, firsts = EXCLUDED.firsts,
        balances = EXCLUDED.balances, reserves = EXCLUDED.reserves, compensations = EXCLUDED.compensations;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION disclosure_standing_on_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM disclosure_standing_reports(ARRAY(SELECT DISTINCT institution_id FROM inserted));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER disclosure_standing_reports AFTER INSERT ON disclosure_reports
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION disclosure_standing_on_reports();

-- +goose StatementBegin
CREATE FUNCTION disclosure_standing_events(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO disclosure_standing AS s (institution_id, open_events)
    SELECT i.id, (SELECT count(*) FROM disclosure_events e WHERE e.institution_id = i.id AND e.kind = 'major' AND e.closed_at IS NULL)
      FROM institutions i WHERE i.id = ANY (ids)
    ON CONFLICT (institution_id) DO UPDATE SET open_events = EXCLUDED.open_events;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION disclosure_standing_on_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM disclosure_standing_events(ARRAY(SELECT DISTINCT institution_id FROM changed));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER disclosure_standing_events_insert AFTER INSERT ON disclosure_events
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION disclosure_standing_on_events();
CREATE TRIGGER disclosure_standing_events_update AFTER UPDATE ON disclosure_events
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION disclosure_standing_on_events();

-- backfill
SELECT disclosure_standing_reports(ARRAY(SELECT DISTINCT institution_id FROM disclosure_reports));
SELECT disclosure_standing_events(ARRAY(SELECT DISTINCT institution_id FROM disclosure_events));

-- +goose Down
DROP TRIGGER disclosure_standing_events_update ON disclosure_events;
DROP TRIGGER disclosure_standing_events_insert ON disclosure_events;
DROP FUNCTION disclosure_standing_on_events();
DROP FUNCTION disclosure_standing_events(bigint[]);
DROP TRIGGER disclosure_standing_reports ON disclosure_reports;
DROP FUNCTION disclosure_standing_on_reports();
DROP FUNCTION disclosure_standing_reports(bigint[]);
DROP TABLE disclosure_standing;
