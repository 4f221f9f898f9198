-- +goose Up
-- Administrative divisions: province → city → district, one table with a level.
CREATE TABLE divisions (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE,          -- GB/T 2260 code
    name       text NOT NULL,
    abbr       text NOT NULL DEFAULT '',      -- province abbreviation used in certificate serials
    level      text NOT NULL CHECK (level IN ('province', 'city', 'district')),
    parent_id  bigint REFERENCES divisions(id),
    CHECK ((level = 'province') = (parent_id IS NULL))
);
CREATE INDEX divisions_parent ON divisions(parent_id);

CREATE TABLE institutions (
    id                   bigserial PRIMARY KEY,
    name                 text NOT NULL,
    uscc                 char(18) NOT NULL UNIQUE,
    district_id          bigint NOT NULL REFERENCES divisions(id),
    -- outstanding balance (待收余额) at the previous December end, in 分; routes by scale.
    outstanding_balance  bigint NOT NULL DEFAULT 0 CHECK (outstanding_balance >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX institutions_district ON institutions(district_id);

CREATE TABLE users (
    id                    bigserial PRIMARY KEY,
    username              text NOT NULL UNIQUE,
    display_name          text NOT NULL,
    password_hash         text NOT NULL,
    role                  text NOT NULL CHECK (role IN ('platform', 'district', 'city', 'province', 'admin')),
    institution_id        bigint REFERENCES institutions(id),
    division_id           bigint REFERENCES divisions(id),
    disabled              boolean NOT NULL DEFAULT false,
    must_change_password  boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- a platform user belongs to an institution, an officer to a division, an admin to neither
    CHECK ((role = 'platform') = (institution_id IS NOT NULL)),
    CHECK ((role IN ('district', 'city', 'province')) = (division_id IS NOT NULL))
);

-- Server-side sessions: deleting a row revokes the session at once.
CREATE TABLE sessions (
    id            text PRIMARY KEY,
    user_id       bigint REFERENCES users(id) ON DELETE CASCADE,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_last_seen ON sessions(last_seen_at);

-- Failed-login throttle, keyed by the typed username so unknown names are throttled the
-- same way as real ones and the lock message reveals nothing.
CREATE TABLE login_throttle (
    username      text PRIMARY KEY,
    failures      int NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);

-- Who did what and when: admin actions and sign-ins.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    bigint REFERENCES users(id),
    actor_name  text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE institutions;
DROP TABLE divisions;
