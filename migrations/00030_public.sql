-- +goose Up
-- Complaints (举报) received during a public notice, and their verification (核查) by
-- the city. The complainant's name and contact are personal data: only city officers
-- handling complaints see them unmasked.
CREATE TABLE complaints (
    id                 bigserial PRIMARY KEY,
    ref                text NOT NULL UNIQUE,            -- reference number given to the complainant
    notice_id          bigint NOT NULL REFERENCES notices(id),
    application_id     bigint NOT NULL REFERENCES applications(id),
    institution_id     bigint NOT NULL REFERENCES institutions(id),
    complainant_type   text NOT NULL CHECK (complainant_type IN ('regulator', 'lender', 'borrower', 'platform', 'public')),
    complainant_name   text NOT NULL,
    contact            text NOT NULL,
    content            text NOT NULL,
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'not_upheld')),
    finding            text NOT NULL DEFAULT '',        -- the city's verification record (internal)
    public_reason      text NOT NULL DEFAULT '',        -- short reason shown publicly
    handled_by         bigint REFERENCES users(id),
    handled_at         timestamptz,
    ip                 text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX complaints_notice ON complaints(notice_id, status);
CREATE INDEX complaints_status ON complaints(status, created_at);

-- Attachments of complaints and scope-change evidence refer to stored files by hash.
CREATE TABLE public_files (
    id            bigserial PRIMARY KEY,
    owner_kind    text NOT NULL CHECK (owner_kind IN ('complaint', 'scope_change')),
    owner_id      bigint NOT NULL,
    sha256        char(64) NOT NULL,
    name          text NOT NULL,
    size          bigint NOT NULL,
    content_type  text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX public_files_owner ON public_files(owner_kind, owner_id);

-- Certificates (整改验收合格证明). The PDF is regenerated deterministically from these
-- fields; the fingerprint is the SHA-256 of their canonical form.
CREATE TABLE certificate_sequences (
    province_id  bigint NOT NULL REFERENCES divisions(id),
    year         int NOT NULL,
    last         int NOT NULL DEFAULT 0,
    PRIMARY KEY (province_id, year)
);

CREATE TABLE certificates (
    id               bigserial PRIMARY KEY,
    serial           text NOT NULL UNIQUE,              -- <省简称>-<year>-<6 digits>
    application_id   bigint NOT NULL REFERENCES applications(id),
    institution_id   bigint NOT NULL REFERENCES institutions(id),
    province_id      bigint NOT NULL REFERENCES divisions(id),
    name             text NOT NULL,                     -- institution name at issue
    uscc             char(18) NOT NULL,
    issue_date       date NOT NULL,
    authority1       text NOT NULL,
    authority2       text NOT NULL,
    fingerprint      char(64) NOT NULL,
    status           text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
    issued_by        bigint NOT NULL REFERENCES users(id),
    revoked_at       timestamptz,
    revoked_reason   text NOT NULL DEFAULT '',
    revoked_by       bigint REFERENCES users(id),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX certificates_institution ON certificates(institution_id);

-- Every verification of a serial, found or not.
CREATE TABLE verifications (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL,
    serial          text NOT NULL,
    certificate_id  bigint REFERENCES certificates(id),
    result          text NOT NULL CHECK (result IN ('valid', 'revoked', 'not_found')),
    ip              text NOT NULL DEFAULT '',
    user_agent      text NOT NULL DEFAULT ''
);
CREATE INDEX verifications_serial ON verifications(serial, at DESC);

-- Business-scope change (增加"网络借贷信息中介") recorded by the platform after the
-- certificate; due within 5 working days of it.
CREATE TABLE scope_changes (
    application_id  bigint PRIMARY KEY REFERENCES applications(id),
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    change_date     date NOT NULL,
    deadline        date NOT NULL,
    late            boolean NOT NULL,
    recorded_by     bigint NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL
);

-- Filing registration (备案登记): the public register lists these.
CREATE TABLE filings (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL UNIQUE REFERENCES applications(id),
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    filing_number   text NOT NULL UNIQUE,
    filing_date     date NOT NULL,
    recorded_by     bigint NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL
);
CREATE INDEX filings_institution ON filings(institution_id);

-- One counter that moves whenever something shown on the public pages changes. It is
-- bumped in the writer's transaction, so a reader sees the new value only together with
-- the new data: public page caches key on it. Only tables written after the application
-- row is locked carry the trigger, so every writer takes the locks in the same order;
-- an institution's renaming reaches the cached pages when their entry expires.
CREATE TABLE public_version (
    id  int PRIMARY KEY CHECK (id = 1),
    v   bigint NOT NULL
);
INSERT INTO public_version VALUES (1, 0);

-- +goose StatementBegin
CREATE FUNCTION bump_public_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_version SET v = v + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER notices_public AFTER INSERT OR UPDATE OR DELETE ON notices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER certificates_public AFTER INSERT OR UPDATE OR DELETE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();
CREATE TRIGGER filings_public AFTER INSERT OR UPDATE OR DELETE ON filings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_version();

-- +goose Down
DROP TRIGGER filings_public ON filings;
DROP TRIGGER certificates_public ON certificates;
DROP TRIGGER notices_public ON notices;
DROP FUNCTION bump_public_version();
DROP TABLE public_version;
DROP TABLE filings;
DROP TABLE scope_changes;
DROP TABLE verifications;
DROP TABLE certificates;
DROP TABLE certificate_sequences;
DROP TABLE public_files;
DROP TABLE complaints;
