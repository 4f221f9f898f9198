-- Counts under the officer lists at province scale (issue 15). The count under an
-- unfiltered queue, 已提交的申请 or institution list was a capped count (migration
-- 00085, models.CountCap): at most 1001 index entries, but at 50k institutions every
-- list is past the cap, so the count read 1001 entries where at 1k it read a few
-- hundred, the one cost of the pages that still grew with the province. These tables
-- hold the number of applications per (jurisdiction, state, scale) and of institutions
-- per jurisdiction; the unfiltered count of any list is then a sum over a few dozen
-- rows (the districts of the reader's jurisdiction times the list's states), whatever
-- the size of the province. A searched or overdue-filtered list keeps the capped count.
--
-- The counts are kept by statement triggers in the same transaction as every change of
-- an application's state, balance or jurisdiction and every institution added, moved
-- or removed, like the jurisdiction columns of 00085 that they are keyed on: no store
-- method, seed or loader can forget them. Each statement's changes are summed per key
-- (a transition table, so a bulk insert costs one upsert per key, not per row) and
-- applied in key order, so two transactions never lock two counters in opposite order.
--
-- "large" is models.LargeScaleThreshold (9 亿元 = 90 000 000 000 分): the city and the
-- province each review the objections of one scale (seeds/004, models.QueueSlots).

-- +goose Up
CREATE TABLE application_counts (
    district_id  bigint NOT NULL,
    city_id      bigint NOT NULL,
    province_id  bigint NOT NULL,
    state        text NOT NULL,
    large        boolean NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (district_id, city_id, province_id, state, large)
);
CREATE INDEX application_counts_city ON application_counts (city_id);
CREATE INDEX application_counts_province ON application_counts (province_id);

CREATE TABLE institution_counts (
    district_id  bigint NOT NULL,
    city_id      bigint NOT NULL,
    province_id  bigint NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (district_id, city_id, province_id)
);

-- +goose StatementBegin
CREATE FUNCTION application_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO application_counts AS c (district_id, city_id, province_id, state, large, n)
        SELECT district_id, city_id, province_id, state, balance >= 90000000000, count(*)
          FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (district_id, city_id, province_id, state, large) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO application_counts AS c (district_id, city_id, province_id, state, large, n)
        SELECT district_id, city_id, province_id, state, balance >= 90000000000, -count(*)
          FROM old_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (district_id, city_id, province_id, state, large) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO application_counts AS c (district_id, city_id, province_id, state, large, n)
        SELECT district_id, city_id, province_id, state, large, sum(d)
          FROM (SELECT district_id, city_id, province_id, state, balance >= 90000000000 AS large, 1 AS d FROM new_rows
                UNION ALL
                SELECT district_id, city_id, province_id, state, balance >= 90000000000, -1 FROM old_rows) x
         GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (district_id, city_id, province_id, state, large) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER application_counts_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();
CREATE TRIGGER application_counts_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();
CREATE TRIGGER application_counts_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();

-- +goose StatementBegin
CREATE FUNCTION institution_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO institution_counts AS c (district_id, city_id, province_id, n)
        SELECT district_id, city_id, province_id, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (district_id, city_id, province_id) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO institution_counts AS c (district_id, city_id, province_id, n)
        SELECT district_id, city_id, province_id, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (district_id, city_id, province_id) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO institution_counts AS c (district_id, city_id, province_id, n)
        SELECT district_id, city_id, province_id, sum(d)
          FROM (SELECT district_id, city_id, province_id, 1 AS d FROM new_rows
                UNION ALL
                SELECT district_id, city_id, province_id, -1 FROM old_rows) x
         GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (district_id, city_id, province_id) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER institution_counts_insert AFTER INSERT ON institutions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();
CREATE TRIGGER institution_counts_update AFTER UPDATE ON institutions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();
CREATE TRIGGER institution_counts_delete AFTER DELETE ON institutions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION institution_counts_apply();

-- backfill
INSERT INTO application_counts (district_id, city_id, province_id, state, large, n)
SELECT district_id, city_id, province_id, state, balance >= 90000000000, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5;
INSERT INTO institution_counts (district_id, city_id, province_id, n)
SELECT district_id, city_id, province_id, count(*) FROM institutions GROUP BY 1, 2, 3;

-- +goose Down
DROP TRIGGER institution_counts_delete ON institutions;
DROP TRIGGER institution_counts_update ON institutions;
DROP TRIGGER institution_counts_insert ON institutions;
DROP FUNCTION institution_counts_apply();
DROP TRIGGER application_counts_delete ON applications;
DROP TRIGGER application_counts_update ON applications;
DROP TRIGGER application_counts_insert ON applications;
DROP FUNCTION application_counts_apply();
DROP TABLE institution_counts;
DROP TABLE application_counts;
