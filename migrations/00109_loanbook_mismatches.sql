-- The list 申报与测算不一致 at province scale (issue 11 §4): one row per (institution,
-- period) whose latest declared report differs from its latest completed loan book on the
-- items a loan book determines (models.LoanBookFieldKeys), with the texts of the
-- differing items (models.CompareFiguresOn). The store writes it in the transaction that
-- makes the comparison possible or changes it: a report version (SubmitMonthlyReport) and
-- a loan-book import's completion (loadLoanBook), whichever comes later; a period that
-- agrees has no row. The page and its export read only these rows, never the books.
-- (loanbook_figures comes in 00110, so there is no foreign key to it here.)

-- +goose Up
CREATE TABLE loanbook_mismatches (
    institution_id  bigint NOT NULL REFERENCES institutions(id) ON DELETE CASCADE,
    period          int NOT NULL,
    import_id       bigint NOT NULL,
    report_version  int NOT NULL,
    fields          text[] NOT NULL,
    compared_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (institution_id, period)
);
-- the list's order within a jurisdiction: newest period first
CREATE INDEX loanbook_mismatches_period ON loanbook_mismatches(period DESC, institution_id);

-- +goose Down
DROP TABLE loanbook_mismatches;
