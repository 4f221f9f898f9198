-- Officer lists at province scale (issue 15). Every list is read in its display order
-- from an index that starts with the reader's jurisdiction, so a page costs the same
-- with 1k institutions or 50k: the jurisdiction (district, city, province) is copied
-- onto institutions and applications, the urgency and newest-first orders have
-- indexes whose columns are the list's sort key (keyset pagination compares it as a
-- row), and name/USCC search is served by trigram indexes.
--
-- The copies are kept by triggers rather than by each store method: an institution's
-- district is written by the store, the seeds, `portal seed` and the benchmark loader,
-- and an application is created by more than one path; a trigger in the same
-- statement cannot be forgotten by a new one, and it moves with a reassignment in the
-- same transaction.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE institutions ADD COLUMN city_id bigint REFERENCES divisions(id),
                         ADD COLUMN province_id bigint REFERENCES divisions(id);
ALTER TABLE applications ADD COLUMN district_id bigint REFERENCES divisions(id),
                         ADD COLUMN city_id bigint REFERENCES divisions(id),
                         ADD COLUMN province_id bigint REFERENCES divisions(id);

-- +goose StatementBegin
CREATE FUNCTION institutions_jurisdiction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.id, c.parent_id INTO NEW.city_id, NEW.province_id
      FROM divisions d JOIN divisions c ON c.id = d.parent_id WHERE d.id = NEW.district_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER institutions_jurisdiction BEFORE INSERT OR UPDATE OF district_id ON institutions
    FOR EACH ROW EXECUTE FUNCTION institutions_jurisdiction();

-- +goose StatementBegin
CREATE FUNCTION applications_jurisdiction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT i.district_id, i.city_id, i.province_id INTO NEW.district_id, NEW.city_id, NEW.province_id
      FROM institutions i WHERE i.id = NEW.institution_id;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_jurisdiction BEFORE INSERT OR UPDATE OF institution_id ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_jurisdiction();

-- An institution moved to another district takes its applications along.
-- +goose StatementBegin
CREATE FUNCTION institutions_move_applications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications SET district_id = NEW.district_id, city_id = NEW.city_id, province_id = NEW.province_id
     WHERE institution_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER institutions_move_applications AFTER UPDATE OF district_id ON institutions
    FOR EACH ROW WHEN (OLD.district_id IS DISTINCT FROM NEW.district_id)
    EXECUTE FUNCTION institutions_move_applications();

-- backfill
UPDATE institutions i SET city_id = c.id, province_id = c.parent_id
  FROM divisions d JOIN divisions c ON c.id = d.parent_id WHERE d.id = i.district_id;
UPDATE applications a SET district_id = i.district_id, city_id = i.city_id, province_id = i.province_id
  FROM institutions i WHERE i.id = a.institution_id;
ALTER TABLE institutions ALTER COLUMN city_id SET NOT NULL, ALTER COLUMN province_id SET NOT NULL;
ALTER TABLE applications ALTER COLUMN district_id SET NOT NULL, ALTER COLUMN city_id SET NOT NULL,
                         ALTER COLUMN province_id SET NOT NULL;

-- The work queues (models.QueueSlots), most urgent first. In a queue state the
-- application's current clock always runs (a pause ends the stage, an objection
-- window is no queue state), so applications.due_date, its mirror, is the deadline and
-- "overdue" is due_date < today: the overdue-first order is the due-date order. The
-- key is (COALESCE(due_date, 'infinity'), state_since, id); one index per role, each
-- holding only its queue's states.
CREATE INDEX applications_queue_district ON applications
    (district_id, (COALESCE(due_date, 'infinity'::date)), state_since, id)
    WHERE state IN ('district_review', 'correction');
CREATE INDEX applications_queue_city ON applications
    (city_id, (COALESCE(due_date, 'infinity'::date)), state_since, id)
    WHERE state IN ('city_review', 'city_confirm', 'objection_review');
CREATE INDEX applications_queue_province ON applications
    (province_id, (COALESCE(due_date, 'infinity'::date)), state_since, id)
    WHERE state IN ('joint_review', 'objection_review', 'signoff');
-- one state of a queue (?state=), or one district of a city's or province's queue
CREATE INDEX applications_queue_state ON applications
    (district_id, state, (COALESCE(due_date, 'infinity'::date)), state_since, id);
CREATE INDEX applications_queue_city_state ON applications
    (city_id, state, (COALESCE(due_date, 'infinity'::date)), state_since, id);
CREATE INDEX applications_queue_province_state ON applications
    (province_id, state, (COALESCE(due_date, 'infinity'::date)), state_since, id);

-- 已提交的申请 below each queue: newest submission first, never submitted (视为放弃) last.
CREATE INDEX applications_submitted_district ON applications
    (district_id, (COALESCE(submitted_at, '-infinity'::timestamptz)), id) WHERE state <> 'draft';
CREATE INDEX applications_submitted_city ON applications
    (city_id, (COALESCE(submitted_at, '-infinity'::timestamptz)), id) WHERE state <> 'draft';
CREATE INDEX applications_submitted_province ON applications
    (province_id, (COALESCE(submitted_at, '-infinity'::timestamptz)), id) WHERE state <> 'draft';

-- /institutions by name in each jurisdiction, and for the admin
CREATE INDEX institutions_district_name ON institutions (district_id, name, id);
CREATE INDEX institutions_city_name ON institutions (city_id, name, id);
CREATE INDEX institutions_province_name ON institutions (province_id, name, id);
CREATE INDEX institutions_name ON institutions (name, id);
DROP INDEX institutions_district;

-- search: name or USCC contains
CREATE INDEX institutions_name_trgm ON institutions USING gin (name gin_trgm_ops);
CREATE INDEX institutions_uscc_trgm ON institutions USING gin ((uscc::text) gin_trgm_ops);

-- /notices: running first, then newest
CREATE INDEX notices_listing ON notices ((status = 'active'), start_date, id);
-- /register: newest filing first, with its certificate's status
CREATE INDEX filings_listing ON filings (filing_date, id);
CREATE INDEX certificates_application ON certificates (application_id);
CREATE INDEX certificates_revoked ON certificates (application_id) WHERE status = 'revoked';
CREATE INDEX filings_number_trgm ON filings USING gin (filing_number gin_trgm_ops);

-- +goose Down
DROP INDEX filings_number_trgm;
DROP INDEX applications_queue_province_state;
DROP INDEX applications_queue_city_state;
DROP INDEX certificates_revoked;
DROP INDEX certificates_application;
DROP INDEX filings_listing;
DROP INDEX notices_listing;
DROP INDEX institutions_uscc_trgm;
DROP INDEX institutions_name_trgm;
CREATE INDEX institutions_district ON institutions(district_id);
DROP INDEX institutions_name;
DROP INDEX institutions_province_name;
DROP INDEX institutions_city_name;
DROP INDEX institutions_district_name;
DROP TRIGGER institutions_move_applications ON institutions;
DROP FUNCTION institutions_move_applications();
DROP TRIGGER applications_jurisdiction ON applications;
DROP FUNCTION applications_jurisdiction();
DROP TRIGGER institutions_jurisdiction ON institutions;
DROP FUNCTION institutions_jurisdiction();
ALTER TABLE applications DROP COLUMN province_id, DROP COLUMN city_id, DROP COLUMN district_id;
ALTER TABLE institutions DROP COLUMN province_id, DROP COLUMN city_id;
