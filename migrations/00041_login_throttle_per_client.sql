-- +goose Up
-- Login throttling per (username, client) (issue 8 §2.5): five failures from one client
-- lock the name for that client only, so an attacker cannot shut the real user out from
-- another address. Rows of names longer than any account (up to 10 KB were stored) go.
DELETE FROM login_throttle WHERE length(username) > 64;
ALTER TABLE login_throttle ADD COLUMN client text NOT NULL DEFAULT '';
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_pkey;
ALTER TABLE login_throttle ADD PRIMARY KEY (username, client);
ALTER TABLE login_throttle ADD CONSTRAINT login_throttle_bounded CHECK (length(username) <= 64 AND length(client) <= 64);

-- +goose Down
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_bounded;
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_pkey;
DELETE FROM login_throttle a USING login_throttle b WHERE a.username = b.username AND a.client > b.client;
ALTER TABLE login_throttle DROP COLUMN client;
ALTER TABLE login_throttle ADD PRIMARY KEY (username);
