-- +goose Up
-- A custody bank sends its statements through the API with a token of the same kind as a
-- platform's (issue 12 §3): one table of hashed tokens, each belonging to an institution
-- or to a custody bank, never both.
ALTER TABLE platform_api_tokens ALTER COLUMN institution_id DROP NOT NULL;
ALTER TABLE platform_api_tokens ADD COLUMN custody_bank_id bigint REFERENCES custody_banks(id);
ALTER TABLE platform_api_tokens ADD CONSTRAINT platform_api_tokens_owner_check
    CHECK ((institution_id IS NULL) <> (custody_bank_id IS NULL));
CREATE INDEX platform_api_tokens_bank ON platform_api_tokens(custody_bank_id) WHERE custody_bank_id IS NOT NULL;
ALTER TABLE bank_statements ADD COLUMN token_id bigint REFERENCES platform_api_tokens(id);

-- +goose Down
ALTER TABLE bank_statements DROP COLUMN token_id;
DELETE FROM platform_api_tokens WHERE custody_bank_id IS NOT NULL;
ALTER TABLE platform_api_tokens DROP CONSTRAINT platform_api_tokens_owner_check;
ALTER TABLE platform_api_tokens DROP COLUMN custody_bank_id;
ALTER TABLE platform_api_tokens ALTER COLUMN institution_id SET NOT NULL;
