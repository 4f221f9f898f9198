-- The completeness ranking at province scale (issue 11 §3–§4, issue 12 §1). The score of
-- an institution for a month (models.CompletenessScore over what the portal holds of it,
-- store.presenceQuery) was computed for every filed institution of the jurisdiction on
-- each page, then sorted: a page cost grew with the province. disclosure_scores keeps
-- each filed institution's score for each month that has been ranked, with the
-- jurisdiction copied on, so a ranking page reads its rows in order from an index that
-- starts with the month and the reader's jurisdiction.
--
-- A month is built once, for every filed institution, the first time it is asked for or
-- by the job that prepares the month now due (disclosure_score_periods records it; built_at
-- is null while it is being built). From the moment the month is recorded the store keeps
-- its rows exact in the transaction of every write that feeds a score: the institution
-- file and its parts, a yearly document, a report version, and a decision that files or
-- unfiles (store.refreshInstitutionScores, which recomputes the institution's rows of
-- every month recorded; store.buildScorePeriod says how a build and the writers meet).
-- The score itself is computed once, in Go, by the pure rule; SQL only holds the
-- presence it is computed from.
--
-- institution_id has no foreign key: the check would lock the institution's row at the
-- end of a build's statement, after the build has written the row a writer of that
-- institution, holding the institution locked, is waiting to replace. Institutions are
-- never deleted.

-- +goose Up
CREATE TABLE disclosure_score_periods (
    period    int PRIMARY KEY,                 -- 202611
    built_at  timestamptz                      -- null while being built
);

CREATE TABLE disclosure_scores (
    institution_id  bigint NOT NULL,
    period          int NOT NULL REFERENCES disclosure_score_periods(period) ON DELETE CASCADE,
    province_id     bigint NOT NULL,
    city_id         bigint NOT NULL,
    district_id     bigint NOT NULL,
    total           int NOT NULL,              -- points in hundredths (models.Points)
    presence        jsonb NOT NULL,            -- item key -> present / missing / none
    PRIMARY KEY (institution_id, period)
);
-- the ranking's order in each jurisdiction: per city, best first
CREATE INDEX disclosure_scores_province ON disclosure_scores(period, province_id, city_id, total DESC, institution_id);
CREATE INDEX disclosure_scores_city ON disclosure_scores(period, city_id, total DESC, institution_id);
CREATE INDEX disclosure_scores_district ON disclosure_scores(period, district_id, total DESC, institution_id);

-- An institution moved to another district takes its scores along (as 00085 moves its
-- applications).
-- +goose StatementBegin
CREATE FUNCTION institutions_move_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE disclosure_scores SET district_id = NEW.district_id, city_id = NEW.city_id, province_id = NEW.province_id
     WHERE institution_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER institutions_move_scores AFTER UPDATE OF district_id ON institutions
    FOR EACH ROW WHEN (OLD.district_id IS DISTINCT FROM NEW.district_id)
    EXECUTE FUNCTION institutions_move_scores();

-- +goose Down
DROP TRIGGER institutions_move_scores ON institutions;
DROP FUNCTION institutions_move_scores();
DROP TABLE disclosure_scores;
DROP TABLE disclosure_score_periods;
