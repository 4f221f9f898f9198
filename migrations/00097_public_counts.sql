-- Counts under the public lists at province scale (issue 15), as 00096 for the officer
-- lists: the count under /notices (by status) and /register (valid or revoked) read a
-- capped count of up to 1001 index entries once the province is past the cap, where
-- at 1k it read a few hundred. These counters, kept by statement triggers in the same
-- transaction as every notice, filing and certificate change, answer the unsearched
-- lists with a sum of at most three rows. A searched list keeps the capped count.
--
-- A filing is on the register as revoked when a certificate of its application has been
-- revoked (store.registerRows, 公开名录 of seeds/004 plan 6 四(五)); the certificate
-- trigger moves the filings of each application whose "any certificate revoked" changed.

-- +goose Up
CREATE TABLE notice_counts (
    status  text PRIMARY KEY,
    n       bigint NOT NULL
);

CREATE TABLE register_counts (
    revoked  boolean PRIMARY KEY,
    n        bigint NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION notice_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO notice_counts AS c (status, n)
        SELECT status, count(*) FROM new_rows GROUP BY 1 ORDER BY 1
        ON CONFLICT (status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO notice_counts AS c (status, n)
        SELECT status, -count(*) FROM old_rows GROUP BY 1 ORDER BY 1
        ON CONFLICT (status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO notice_counts AS c (status, n)
        SELECT status, sum(d) FROM (SELECT status, 1 AS d FROM new_rows UNION ALL SELECT status, -1 FROM old_rows) x
         GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER notice_counts_insert AFTER INSERT ON notices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_apply();
CREATE TRIGGER notice_counts_update AFTER UPDATE ON notices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_apply();
CREATE TRIGGER notice_counts_delete AFTER DELETE ON notices
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_apply();

-- filings added, removed or moved to another application, each counted by whether a
-- certificate of its application is revoked now
-- +goose StatementBegin
CREATE FUNCTION register_counts_filings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO register_counts AS c (revoked, n)
        SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked'), count(*)
          FROM new_rows f GROUP BY 1 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO register_counts AS c (revoked, n)
        SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked'), -count(*)
          FROM old_rows f GROUP BY 1 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO register_counts AS c (revoked, n)
        SELECT revoked, sum(d) FROM (
            SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked') AS revoked, 1 AS d FROM new_rows f
            UNION ALL
            SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked'), -1 FROM old_rows f) x
         GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER register_counts_filings_insert AFTER INSERT ON filings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_filings();
CREATE TRIGGER register_counts_filings_update AFTER UPDATE ON filings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_filings();
CREATE TRIGGER register_counts_filings_delete AFTER DELETE ON filings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_filings();

-- certificates issued, revoked or removed: for each application a statement touched,
-- whether any of its certificates is revoked after the statement (the table now) and
-- before it (the table now without the statement's new rows, with its old ones); the
-- application's filings move when the two differ
-- +goose StatementBegin
CREATE FUNCTION register_counts_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH m AS (
            SELECT t.application_id,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked') AS now_rev,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked'
                             AND r.id NOT IN (SELECT id FROM new_rows)) AS was_rev
              FROM (SELECT DISTINCT application_id FROM new_rows) t)
        INSERT INTO register_counts AS c (revoked, n)
        SELECT revoked, sum(d) FROM (
            SELECT m.now_rev AS revoked, 1 AS d FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev
            UNION ALL
            SELECT m.was_rev, -1 FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev) x
         GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        WITH m AS (
            SELECT t.application_id,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked') AS now_rev,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked')
                OR EXISTS (SELECT 1 FROM old_rows o WHERE o.application_id = t.application_id AND o.status = 'revoked') AS was_rev
              FROM (SELECT DISTINCT application_id FROM old_rows) t)
        INSERT INTO register_counts AS c (revoked, n)
        SELECT revoked, sum(d) FROM (
            SELECT m.now_rev AS revoked, 1 AS d FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev
            UNION ALL
            SELECT m.was_rev, -1 FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev) x
         GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        -- most updates of a certificate leave its status and application alone
        IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                        WHERE (n.status = 'revoked') <> (o.status = 'revoked') OR n.application_id <> o.application_id) THEN
            RETURN NULL;
        END IF;
        WITH m AS (
            SELECT t.application_id,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked') AS now_rev,
                   EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = t.application_id AND r.status = 'revoked'
                             AND r.id NOT IN (SELECT id FROM new_rows))
                OR EXISTS (SELECT 1 FROM old_rows o WHERE o.application_id = t.application_id AND o.status = 'revoked') AS was_rev
              FROM (SELECT application_id FROM new_rows UNION SELECT application_id FROM old_rows) t)
        INSERT INTO register_counts AS c (revoked, n)
        SELECT revoked, sum(d) FROM (
            SELECT m.now_rev AS revoked, 1 AS d FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev
            UNION ALL
            SELECT m.was_rev, -1 FROM m JOIN filings f ON f.application_id = m.application_id WHERE m.now_rev <> m.was_rev) x
         GROUP BY 1 HAVING sum(d) <> 0 ORDER BY 1
        ON CONFLICT (revoked) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER register_counts_certificates_insert AFTER INSERT ON certificates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_certificates();
CREATE TRIGGER register_counts_certificates_update AFTER UPDATE ON certificates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_certificates();
CREATE TRIGGER register_counts_certificates_delete AFTER DELETE ON certificates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION register_counts_certificates();

-- backfill
INSERT INTO notice_counts (status, n) SELECT status, count(*) FROM notices GROUP BY 1;
INSERT INTO register_counts (revoked, n)
SELECT EXISTS (SELECT 1 FROM certificates r WHERE r.application_id = f.application_id AND r.status = 'revoked'), count(*)
  FROM filings f GROUP BY 1;

-- +goose Down
DROP TRIGGER register_counts_certificates_delete ON certificates;
DROP TRIGGER register_counts_certificates_update ON certificates;
DROP TRIGGER register_counts_certificates_insert ON certificates;
DROP FUNCTION register_counts_certificates();
DROP TRIGGER register_counts_filings_delete ON filings;
DROP TRIGGER register_counts_filings_update ON filings;
DROP TRIGGER register_counts_filings_insert ON filings;
DROP FUNCTION register_counts_filings();
DROP TRIGGER notice_counts_delete ON notices;
DROP TRIGGER notice_counts_update ON notices;
DROP TRIGGER notice_counts_insert ON notices;
DROP FUNCTION notice_counts_apply();
DROP TABLE register_counts;
DROP TABLE notice_counts;
