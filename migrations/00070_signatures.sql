-- +goose Up
-- SM2 signatures on certificates (issue 14 §2): the signature (base64url, ASN.1) over
-- models.CertificateSignedContent and the id of the published key that made it. Empty
-- until signed: certificates issued before signing existed are signed once at start-up.
ALTER TABLE certificates ADD COLUMN signature text NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN key_id text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE certificates DROP COLUMN key_id;
ALTER TABLE certificates DROP COLUMN signature;
