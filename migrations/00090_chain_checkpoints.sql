-- +goose Up
-- The last verified row of each hash chain (issue 15): a routine check of the decision
-- history recomputes only the rows after it. The checkpoint moves only forward and only
-- after every row up to it verified; a broken link never moves it. A full re-check starts
-- from the first row again, whatever the checkpoint says.
CREATE TABLE chain_checkpoints (
    chain        text PRIMARY KEY,             -- 'decisions'
    last_id      bigint NOT NULL,              -- the last verified row
    last_hash    text NOT NULL,                -- its hash: the next row's prev_hash must equal it
    rows_covered bigint NOT NULL,              -- rows verified from the first one up to last_id
    advanced_at  timestamptz NOT NULL,         -- when the checkpoint last moved
    full_at      timestamptz,                  -- when a full re-check last passed
    broken_id    bigint,                       -- the first broken row a check found, until a full re-check passes
    broken_why   text NOT NULL DEFAULT '',
    broken_at    timestamptz
);

-- +goose Down
DROP TABLE chain_checkpoints;
