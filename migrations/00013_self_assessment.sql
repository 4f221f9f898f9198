-- +goose Up
-- The self-assessment answers of SPEC §3.2, one row per application and item.
CREATE TABLE self_assessment_answers (
    application_id   bigint NOT NULL REFERENCES applications(id),
    item_no          int NOT NULL CHECK (item_no BETWEEN 1 AND 10),
    answer           text NOT NULL DEFAULT '' CHECK (answer IN ('', 'yes', 'no', 'na')),
    explanation      text NOT NULL DEFAULT '',
    evidence_sha256  char(64),
    evidence_name    text NOT NULL DEFAULT '',
    evidence_size    bigint NOT NULL DEFAULT 0,
    evidence_kind    text NOT NULL DEFAULT '',
    updated_by       bigint REFERENCES users(id),
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (application_id, item_no)
);
CREATE INDEX self_assessment_evidence ON self_assessment_answers(evidence_sha256) WHERE evidence_sha256 IS NOT NULL;

-- +goose Down
DROP TABLE self_assessment_answers;
