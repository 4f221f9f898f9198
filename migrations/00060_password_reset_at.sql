-- +goose Up
-- When an admin last reset the account's password; NULL for an account whose password is
-- the one it was created with, or one its user has set since. A forced password change
-- tells a new account apart from a reset one by it.
ALTER TABLE users ADD COLUMN password_reset_at timestamptz;

-- +goose Down
ALTER TABLE users DROP COLUMN password_reset_at;
