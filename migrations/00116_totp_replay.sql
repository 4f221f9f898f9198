-- +goose Up
-- The time step of the last one-time code that signed each account in, so a code is
-- accepted once (RFC 6238 §5.2; models.TOTPFresh). 0: none yet.
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
