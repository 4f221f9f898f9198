-- +goose Up
-- Identity at 等保 level 3 (GB/T 22239-2019 §8.1.4.1, issue 14 §1).

-- Two-factor sign-in with a time-based one-time password (RFC 6238). totp_pending holds
-- the secret shown on the enrolment page until its first code is confirmed; only then is
-- it moved to totp_secret and totp_enabled_at set.
ALTER TABLE users
    ADD COLUMN totp_secret         text,
    ADD COLUMN totp_pending        text,
    ADD COLUMN totp_enabled_at     timestamptz,
    -- when the password in force was set: the start of its expiry period
    ADD COLUMN password_changed_at timestamptz;
UPDATE users SET password_changed_at = coalesce(password_reset_at, updated_at, created_at);
ALTER TABLE users ALTER COLUMN password_changed_at SET NOT NULL,
    ALTER COLUMN password_changed_at SET DEFAULT now();

-- Ten one-time recovery codes per enrolment, each stored as a salted SHA-256 hash; a
-- used code keeps its row with used_at set, so a second use is refused.
CREATE TABLE recovery_codes (
    id        bigserial PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash      text NOT NULL,
    used_at   timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- The hashes of the passwords an account has had, newest last: a new password may not be
-- one of the last five (models.PasswordHistoryDepth).
CREATE TABLE password_history (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id DESC);
INSERT INTO password_history (user_id, hash, created_at)
SELECT id, password_hash, password_changed_at FROM users;

-- What the user sees of each of their sessions: the device and the address it signed in from.
ALTER TABLE sessions
    ADD COLUMN user_agent text NOT NULL DEFAULT '',
    ADD COLUMN client_ip  text NOT NULL DEFAULT '';

-- The security policy the security administrator sets: one row.
CREATE TABLE security_policy (
    id                     int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    password_max_age_days  int NOT NULL DEFAULT 90 CHECK (password_max_age_days BETWEEN 0 AND 365),
    password_warn_days     int NOT NULL DEFAULT 7 CHECK (password_warn_days BETWEEN 0 AND 30),
    staff_totp_required    boolean NOT NULL DEFAULT false,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
INSERT INTO security_policy (id) VALUES (1);

-- +goose Down
DROP TABLE security_policy;
ALTER TABLE sessions DROP COLUMN client_ip, DROP COLUMN user_agent;
DROP TABLE password_history;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN password_changed_at, DROP COLUMN totp_enabled_at,
    DROP COLUMN totp_pending, DROP COLUMN totp_secret;
