-- +goose Up
-- An account's mail address and whether its user wants the notifications that concern
-- them mailed as well as shown in the inbox (issue 13 §2). An empty address mails nothing.
ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '' CHECK (length(email) <= 254);
ALTER TABLE users ADD COLUMN mail_enabled boolean NOT NULL DEFAULT true;

-- +goose Down
ALTER TABLE users DROP COLUMN mail_enabled;
ALTER TABLE users DROP COLUMN email;
