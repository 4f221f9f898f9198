-- +goose Up
-- An application whose certificate was revoked (models.StateCertificateRevoked) is
-- closed like a filed or finally failed one: it no longer holds the institution's one
-- open place (models.ClosedStates).
DROP INDEX applications_one_open;
CREATE UNIQUE INDEX applications_one_open ON applications(institution_id, type_code)
    WHERE state NOT IN ('filed', 'failed_final', 'abandoned', 'certificate_revoked');

-- +goose Down
DROP INDEX applications_one_open;
CREATE UNIQUE INDEX applications_one_open ON applications(institution_id, type_code)
    WHERE state NOT IN ('filed', 'failed_final', 'abandoned');
