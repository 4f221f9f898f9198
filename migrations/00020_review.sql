-- The review chain's records beside the workflow: the district's on-site check and its
-- working papers, the sealed opinion documents, failure notices, objections with their
-- evidence, and the exit classification of institutions that did not pass (the
-- institution's classification column, 合规类/整改类/取缔类, comes with the institution
-- file of migration 00010).

-- +goose Up
-- Exit route of an application that did not pass (seeds/004 plan 1 六(二)).
ALTER TABLE applications ADD COLUMN exit_class text NOT NULL DEFAULT ''
    CHECK (exit_class IN ('', 'wind_down', 'dispose', 'ban'));
-- The urgency order of the queues reads these.
CREATE INDEX applications_queue ON applications(state, due_date, state_since);

-- The district's on-site check of an application: one record, kept up to date by the
-- officer until the district decides; each decision's documents keep a snapshot.
CREATE TABLE onsite_checks (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL UNIQUE REFERENCES applications(id),
    check_date      date NOT NULL,
    methods         text NOT NULL,               -- models.CheckMethods chosen, one a line
    participants    text NOT NULL,
    third_parties   text NOT NULL DEFAULT '',
    findings        text NOT NULL,
    recorded_by     bigint REFERENCES users(id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- Files of the review: the on-site check's working papers and an objection's evidence.
-- A row names the file by its SHA-256; stored says whether the content is kept.
CREATE TABLE review_files (
    id              bigserial PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    kind            text NOT NULL CHECK (kind IN ('working_paper', 'evidence')),
    objection_id    bigint,
    name            text NOT NULL,
    sha256          text NOT NULL,
    size            bigint NOT NULL CHECK (size > 0),
    content_type    text NOT NULL,
    stored          boolean NOT NULL DEFAULT false,
    uploaded_by     bigint REFERENCES users(id),
    uploaded_at     timestamptz NOT NULL
);
CREATE INDEX review_files_application ON review_files(application_id, kind);

-- A district decision's documents (整改验收申请意见表, 区(县)核查确认表): a snapshot of
-- everything they show, written with the decision so the PDF never changes afterwards.
CREATE TABLE review_opinions (
    id                bigserial PRIMARY KEY,
    application_id    bigint NOT NULL REFERENCES applications(id),
    decision_id       bigint NOT NULL UNIQUE REFERENCES decisions(id),
    passed            boolean NOT NULL,
    opinion           text NOT NULL,
    institution_name  text NOT NULL,
    uscc              text NOT NULL,
    district_name     text NOT NULL,
    authority         text NOT NULL,
    officer_name      text NOT NULL,
    balance           bigint NOT NULL,
    applied_on        date NOT NULL,
    check_date        date NOT NULL,
    methods           text NOT NULL,
    participants      text NOT NULL,
    third_parties     text NOT NULL,
    findings          text NOT NULL,
    issued_on         date NOT NULL,
    created_at        timestamptz NOT NULL
);
CREATE INDEX review_opinions_application ON review_opinions(application_id, id);

-- The failure notice of a failed application: the problems, and the objection deadline
-- counted on the official calendar from the day of notification.
CREATE TABLE failure_notices (
    id                  bigserial PRIMARY KEY,
    application_id      bigint NOT NULL REFERENCES applications(id),
    decision_id         bigint NOT NULL UNIQUE REFERENCES decisions(id),
    problems            text NOT NULL,           -- one a line
    remarks             text NOT NULL DEFAULT '',
    authority           text NOT NULL,
    notified_on         date NOT NULL,
    objection_deadline  date NOT NULL,
    created_at          timestamptz NOT NULL
);
CREATE INDEX failure_notices_application ON failure_notices(application_id, id);

-- A platform's objection to a failure notice, and how it was resolved.
CREATE TABLE objections (
    id                   bigserial PRIMARY KEY,
    application_id       bigint NOT NULL REFERENCES applications(id),
    failure_notice_id    bigint NOT NULL REFERENCES failure_notices(id),
    decision_id          bigint NOT NULL UNIQUE REFERENCES decisions(id),
    reasons              text NOT NULL,
    submitted_by         bigint REFERENCES users(id),
    submitted_at         timestamptz NOT NULL,
    outcome              text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'upheld', 'rejected')),
    outcome_decision_id  bigint REFERENCES decisions(id)
);
CREATE UNIQUE INDEX objections_one_per_notice ON objections(failure_notice_id);
ALTER TABLE review_files ADD CONSTRAINT review_files_objection FOREIGN KEY (objection_id) REFERENCES objections(id);

-- Exit classifications as recorded, newest last; the application and institution
-- columns hold the current values.
CREATE TABLE exit_records (
    id                 bigserial PRIMARY KEY,
    application_id     bigint NOT NULL REFERENCES applications(id),
    exit_class         text NOT NULL CHECK (exit_class IN ('wind_down', 'dispose', 'ban')),
    institution_class  text NOT NULL CHECK (institution_class IN ('rectifying', 'banned')),
    note               text NOT NULL DEFAULT '',
    recorded_by        bigint REFERENCES users(id),
    recorded_name      text NOT NULL,
    recorded_at        date NOT NULL,
    created_at         timestamptz NOT NULL
);
CREATE INDEX exit_records_application ON exit_records(application_id, id);

-- +goose Down
DROP TABLE exit_records;
ALTER TABLE review_files DROP CONSTRAINT review_files_objection;
DROP TABLE objections;
DROP TABLE failure_notices;
DROP TABLE review_opinions;
DROP TABLE review_files;
DROP TABLE onsite_checks;
DROP INDEX applications_queue;
ALTER TABLE applications DROP COLUMN exit_class;
