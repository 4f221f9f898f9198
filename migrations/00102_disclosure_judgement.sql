-- The officers' list /disclosure judged ahead of the request (issue 11 §4). 00101 made the
-- judgement read one summary row per filed institution, but the worst-first order still
-- judged every filed institution of the jurisdiction on each page. disclosure_judgement
-- keeps, per filed institution, the judgement of the month now due (status, missing
-- months, open events, breached, and the worst-first rank of models/store monitorRank),
-- with the jurisdiction and the name beside it, so a page is read from an index in its
-- order, LIMIT first.
--
-- The due days and floors stay the pure rules' (models.MonthlyReportDue,
-- LastPastDuePeriod, ReserveFloors): the store's refresh (store.RefreshDisclosureJudgement,
-- run by the River job web/jobs/disclosure_judgement.go) writes them for the day into
-- disclosure_judged_rules / disclosure_judged_floors, stamps disclosure_judged and
-- re-judges every row in one statement (disclosure_judge(NULL)). In between:
--   * a report or an event changes disclosure_standing, whose statement trigger re-judges
--     those institutions in the same transaction with the day's stored rules;
--   * a filing, a filed application's state, an institution's name, jurisdiction or class
--     re-judge that institution (row triggers, same transaction);
--   * a rule setting or the calendar bumps disclosure_judged.generation: the page then
--     judges live (the 00101 query, right but proportional to the jurisdiction) until the
--     next refresh, as it does when the day or the month no longer matches the stamp.

-- +goose Up
CREATE TABLE disclosure_judged (
    id                bool PRIMARY KEY DEFAULT true CHECK (id),
    judged_at         timestamptz,
    today             date,
    period            int,
    max_missing       int,    -- models.MaxMissingScan
    hundred           int,    -- models.Hundred
    generation        bigint NOT NULL DEFAULT 1,
    judged_generation bigint NOT NULL DEFAULT 0
);
INSERT INTO disclosure_judged DEFAULT VALUES;

CREATE TABLE disclosure_judged_rules (
    rule_set  text PRIMARY KEY,
    due_end   timestamptz NOT NULL,
    overdue   boolean NOT NULL,
    pend      boolean NOT NULL,
    pmax      int NOT NULL
);

CREATE TABLE disclosure_judged_floors (
    class         text PRIMARY KEY,
    reserve       bigint NOT NULL,
    compensation  bigint NOT NULL
);

CREATE TABLE disclosure_judgement (
    id              bigint PRIMARY KEY REFERENCES institutions(id), -- the institution's (the store scopes it as institutions)
    province_id     bigint,
    city_id         bigint,
    district_id     bigint,
    name            text NOT NULL,
    uscc            text NOT NULL,
    operating_class text NOT NULL,
    filing_date     date NOT NULL,
    rule_set        text NOT NULL,
    rank            smallint NOT NULL,
    status          text NOT NULL,
    missing_n       int NOT NULL,
    open_events     int NOT NULL,
    breached        boolean NOT NULL
);
CREATE INDEX disclosure_judgement_province ON disclosure_judgement (province_id, rank, name, id);
CREATE INDEX disclosure_judgement_city ON disclosure_judgement (city_id, rank, name, id);
CREATE INDEX disclosure_judgement_district ON disclosure_judgement (district_id, rank, name, id);

-- disclosure_judge re-judges the given filed institutions (every one when ids is NULL)
-- with the stored rules of the day: the same judgement as models/store monitorSQL, which
-- TestMonitorSQLEqualsPureRules holds to the pure rules for both.
-- +goose StatementBegin
CREATE FUNCTION disclosure_judge(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM disclosure_judgement WHERE ids IS NULL OR id = ANY (ids);
    WITH jd AS (SELECT period, (period / 100) * 12 + period % 100 - 1 AS pidx, max_missing, hundred FROM disclosure_judged WHERE period IS NOT NULL),
    base AS (
        SELECT i.id, i.name, i.uscc::text AS uscc, i.province_id, i.city_id, i.district_id, i.operating_class::text AS operating_class,
               fs.filing_date, COALESCE(cs.rule_set, ps.rule_set, 'national') AS rule_set
          FROM institutions i
          JOIN (SELECT f.institution_id, MIN(f.filing_date) AS filing_date FROM filings f
                  JOIN applications fa ON fa.id = f.application_id AND fa.state = 'filed'
                 WHERE ids IS NULL OR f.institution_id = ANY (ids) GROUP BY f.institution_id) fs ON fs.institution_id = i.id
          LEFT JOIN disclosure_rule_settings cs ON cs.division_id = i.city_id
          LEFT JOIN disclosure_rule_settings ps ON ps.division_id = i.province_id),
    calc AS (
        SELECT b.*, COALESCE(st.open_events, 0) AS open_events, COALESCE(st.periods, '{}') AS periods,
               array_position(st.periods, jd.period) AS ix, st.firsts, st.balances, st.reserves, st.compensations,
               jd.pidx, jd.max_missing, jd.hundred, r.due_end, r.overdue, r.pend, r.pmax, fl.reserve AS reserve_floor, fl.compensation AS compensation_floor,
               (date_part('year', b.filing_date)::int * 12 + date_part('month', b.filing_date)::int - 1) AS fidx
          FROM base b CROSS JOIN jd JOIN disclosure_judged_rules r ON r.rule_set = b.rule_set
          LEFT JOIN disclosure_standing st ON st.institution_id = b.id
          LEFT JOIN disclosure_judged_floors fl ON fl.class = b.operating_class),
    bounds AS MATERIALIZED (
        SELECT c.*, h.hidx, (c.fidx / 12) * 100 + c.fidx % 12 + 1 AS lo_key, (h.hidx / 12) * 100 + h.hidx % 12 + 1 AS hi_key
          FROM calc c, LATERAL (SELECT LEAST(c.pmax, c.fidx + c.max_missing - 1) AS hidx) h),
    judged AS MATERIALIZED (
        SELECT b.*,
            CASE WHEN b.ix IS NULL AND b.pend THEN 'pending'
                 WHEN b.ix IS NULL AND b.pidx < b.fidx THEN 'not_required'
                 WHEN b.ix IS NOT NULL AND (b.pend OR b.firsts[b.ix] >= b.due_end) THEN 'late'
                 WHEN b.ix IS NOT NULL THEN 'on_time'
                 WHEN b.overdue THEN 'overdue'
                 ELSE 'pending' END AS status,
            CASE WHEN b.hidx < b.fidx THEN 0
                 ELSE b.hidx - b.fidx + 1 - (SELECT count(*) FROM unnest(b.periods) p WHERE p BETWEEN b.lo_key AND b.hi_key) END AS missing_n,
            (b.ix IS NOT NULL AND b.reserve_floor IS NOT NULL AND
             (b.reserves[b.ix] < ceil(b.balances[b.ix]::numeric * b.reserve_floor / b.hundred) OR
              b.compensations[b.ix] < ceil(b.balances[b.ix]::numeric * b.compensation_floor / b.hundred))) AS breached
          FROM bounds b)
    INSERT INTO disclosure_judgement (id, province_id, city_id, district_id, name, uscc, operating_class, filing_date, rule_set, rank, status, missing_n, open_events, breached)
    SELECT j.id, j.province_id, j.city_id, j.district_id, j.name, j.uscc, COALESCE(j.operating_class, ''), j.filing_date, j.rule_set,
           CASE WHEN j.status = 'overdue' THEN 0 WHEN j.status = 'late' THEN 1 WHEN j.missing_n > 0 THEN 2
                WHEN j.open_events > 0 THEN 3 WHEN j.breached THEN 4 ELSE 5 END,
           j.status, j.missing_n, j.open_events, j.breached
      FROM judged j
    -- a report written while the refresh runs waits for its rows, then judges again
    ON CONFLICT (id) DO UPDATE SET province_id = EXCLUDED.province_id, city_id = EXCLUDED.city_id,
        district_id = EXCLUDED.district_id, name = EXCLUDED.name, uscc = EXCLUDED.uscc,
        operating_class = EXCLUDED.operating_class, filing_date = EXCLUDED.filing_date, rule_set = EXCLUDED.rule_set,
        rank = EXCLUDED.rank, status = EXCLUDED.status, missing_n = EXCLUDED.missing_n,
        open_events = EXCLUDED.open_events, breached = EXCLUDED.breached;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION disclosure_judge_on_standing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM disclosure_judge(ARRAY(SELECT DISTINCT institution_id FROM changed));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER disclosure_judge_standing_insert AFTER INSERT ON disclosure_standing
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION disclosure_judge_on_standing();
CREATE TRIGGER disclosure_judge_standing_update AFTER UPDATE ON disclosure_standing
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION disclosure_judge_on_standing();

-- +goose StatementBegin
CREATE FUNCTION disclosure_judged_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE disclosure_judged SET generation = generation + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- a filing, a filed application's state and an institution's name, jurisdiction or class
-- concern one institution each: it is re-judged in the same transaction
-- +goose StatementBegin
CREATE FUNCTION disclosure_judge_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'institutions' THEN
        PERFORM disclosure_judge(ARRAY[NEW.id]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM disclosure_judge(ARRAY[OLD.institution_id]);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM disclosure_judge(ARRAY[NEW.institution_id]);
    ELSE
        PERFORM disclosure_judge(ARRAY[OLD.institution_id, NEW.institution_id]);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER disclosure_judge_filings AFTER INSERT OR UPDATE OR DELETE ON filings
    FOR EACH ROW EXECUTE FUNCTION disclosure_judge_row();
CREATE TRIGGER disclosure_judge_applications AFTER UPDATE OF state ON applications
    FOR EACH ROW WHEN (OLD.state = 'filed' OR NEW.state = 'filed') EXECUTE FUNCTION disclosure_judge_row();
CREATE TRIGGER disclosure_judge_institutions AFTER UPDATE OF name, uscc, district_id, city_id, province_id, operating_class ON institutions
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.uscc IS DISTINCT FROM NEW.uscc
        OR OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.city_id IS DISTINCT FROM NEW.city_id
        OR OLD.province_id IS DISTINCT FROM NEW.province_id OR OLD.operating_class IS DISTINCT FROM NEW.operating_class)
    EXECUTE FUNCTION disclosure_judge_row();
CREATE TRIGGER disclosure_judged_rule_settings AFTER INSERT OR UPDATE OR DELETE ON disclosure_rule_settings
    FOR EACH STATEMENT EXECUTE FUNCTION disclosure_judged_bump();
CREATE TRIGGER disclosure_judged_calendar_years AFTER INSERT OR UPDATE OR DELETE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION disclosure_judged_bump();
CREATE TRIGGER disclosure_judged_calendar_days AFTER INSERT OR UPDATE OR DELETE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION disclosure_judged_bump();

-- +goose Down
DROP TRIGGER disclosure_judged_calendar_days ON calendar_days;
DROP TRIGGER disclosure_judged_calendar_years ON calendar_years;
DROP TRIGGER disclosure_judged_rule_settings ON disclosure_rule_settings;
DROP FUNCTION disclosure_judged_bump();
DROP TRIGGER disclosure_judge_institutions ON institutions;
DROP TRIGGER disclosure_judge_applications ON applications;
DROP TRIGGER disclosure_judge_filings ON filings;
DROP FUNCTION disclosure_judge_row();
DROP TRIGGER disclosure_judge_standing_update ON disclosure_standing;
DROP TRIGGER disclosure_judge_standing_insert ON disclosure_standing;
DROP FUNCTION disclosure_judge_on_standing();
DROP FUNCTION disclosure_judge(bigint[]);
DROP TABLE disclosure_judgement;
DROP TABLE disclosure_judged_floors;
DROP TABLE disclosure_judged_rules;
DROP TABLE disclosure_judged;
