-- +goose Up
-- The open data API's change feed (issue 14 §3, /api/v1/changes?since=): one row per
-- change to a public object, so another regulator can mirror the register without
-- scraping. Written by row triggers in the writer's transaction; never updated.
CREATE TABLE api_changes (
    seq        bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    kind       text NOT NULL CHECK (kind IN ('notice', 'certificate', 'register')),
    object_id  bigint NOT NULL,          -- notices.id, certificates.id, institutions.id
    op         text NOT NULL CHECK (op IN ('insert', 'update'))
);
CREATE INDEX api_changes_kind ON api_changes(kind, seq);

-- +goose StatementBegin
CREATE FUNCTION api_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op text := lower(TG_OP);
BEGIN
    IF TG_TABLE_NAME = 'notices' THEN
        INSERT INTO api_changes (kind, object_id, op) VALUES ('notice', NEW.id, op);
    ELSIF TG_TABLE_NAME = 'certificates' THEN
        INSERT INTO api_changes (kind, object_id, op) VALUES ('certificate', NEW.id, op);
        -- a revoked certificate changes the register entry resting on it
        INSERT INTO api_changes (kind, object_id, op)
            SELECT 'register', f.institution_id, 'update' FROM filings f WHERE f.application_id = NEW.application_id;
    ELSIF TG_TABLE_NAME = 'filings' THEN
        INSERT INTO api_changes (kind, object_id, op) VALUES ('register', NEW.institution_id, op);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER notices_api_change AFTER INSERT OR UPDATE ON notices FOR EACH ROW EXECUTE FUNCTION api_change();
CREATE TRIGGER certificates_api_change AFTER INSERT OR UPDATE ON certificates FOR EACH ROW EXECUTE FUNCTION api_change();
CREATE TRIGGER filings_api_change AFTER INSERT OR UPDATE ON filings FOR EACH ROW EXECUTE FUNCTION api_change();

-- what exists already is one insert each
INSERT INTO api_changes (kind, object_id, op) SELECT 'notice', id, 'insert' FROM notices ORDER BY id;
INSERT INTO api_changes (kind, object_id, op) SELECT 'certificate', id, 'insert' FROM certificates ORDER BY id;
INSERT INTO api_changes (kind, object_id, op) SELECT 'register', institution_id, 'insert' FROM filings ORDER BY id;

-- API keys for other regulators' systems: higher rate limits. Only the SHA-256 of the
-- key is kept; the key is shown once, when created.
CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,                -- the system or regulator it was issued to
    prefix       text NOT NULL,                -- first characters, to tell keys apart
    hash         char(64) NOT NULL UNIQUE,
    created_by   bigint NOT NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    revoked_by   bigint REFERENCES users(id),
    last_used_at timestamptz
);

-- +goose Down
DROP TABLE api_keys;
DROP TRIGGER filings_api_change ON filings;
DROP TRIGGER certificates_api_change ON certificates;
DROP TRIGGER notices_api_change ON notices;
DROP FUNCTION api_change();
DROP TABLE api_changes;
