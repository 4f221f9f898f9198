-- +goose Up
-- Certificate look-ups are counted, not logged one row per GET (issue 8 §2.9): one row
-- per (serial, client, hour) carries the number of look-ups in that hour and the last
-- one's time, result and user agent. A client looking up more distinct serials in an
-- hour than the store itemises is counted in one overflow row (serial '*').
ALTER TABLE verifications ADD COLUMN hits int NOT NULL DEFAULT 1 CHECK (hits > 0),
    ADD COLUMN bucket timestamptz, ADD COLUMN last_at timestamptz;
UPDATE verifications SET bucket = date_trunc('hour', at), last_at = at;
WITH g AS (
    SELECT min(id) AS keep, count(*) AS n, max(at) AS last
    FROM verifications GROUP BY serial, ip, bucket HAVING count(*) > 1
)
UPDATE verifications v SET hits = g.n, last_at = g.last FROM g WHERE v.id = g.keep;
DELETE FROM verifications v USING verifications k
    WHERE v.serial = k.serial AND v.ip = k.ip AND v.bucket = k.bucket AND v.id > k.id;
ALTER TABLE verifications ALTER COLUMN bucket SET NOT NULL, ALTER COLUMN last_at SET NOT NULL;
CREATE UNIQUE INDEX verifications_client_window ON verifications(serial, ip, bucket);
CREATE INDEX verifications_ip_window ON verifications(ip, bucket);

-- +goose Down
DROP INDEX verifications_ip_window;
DROP INDEX verifications_client_window;
ALTER TABLE verifications DROP COLUMN last_at, DROP COLUMN bucket, DROP COLUMN hits;
