-- +goose Up
-- Loan-level books (借款明细, issue 11): a platform uploads its loans as of a month end;
-- the portal computes the monthly figures of seeds/003 §8 from them (穿透式核查) and lists
-- single-borrower cap violations (seeds/000 十; plan 1 五(三)).

-- One row per upload. The worker takes queued imports, and at start-up resumes the ones a
-- stopped server left running (they restart from the file: the load is one transaction).
CREATE TABLE loanbook_imports (
    id              bigserial PRIMARY KEY,
    institution_id  bigint NOT NULL REFERENCES institutions(id),
    period          int NOT NULL CHECK (period BETWEEN 200001 AND 999912),
    rule_set        text NOT NULL CHECK (rule_set IN ('national', 'shanghai')),
    filename        text NOT NULL,
    sha256          text NOT NULL,
    size            bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('csv', 'xlsx')),
    uploaded_by     bigint NOT NULL REFERENCES users(id),
    uploaded_at     timestamptz NOT NULL,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows_read       bigint NOT NULL DEFAULT 0,
    rows_refused    bigint NOT NULL DEFAULT 0,
    attempts        int NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    started_at      timestamptz,
    finished_at     timestamptz
);
CREATE INDEX loanbook_imports_inst ON loanbook_imports(institution_id, period, id);
CREATE INDEX loanbook_imports_open ON loanbook_imports(id) WHERE state IN ('queued', 'running');

-- The loans, one partition per import (created by the import, dropped with it): a query of
-- one import reads only its partition, and loading needs no index.
CREATE TABLE loanbook_loans (
    import_id      bigint NOT NULL,
    row_no         bigint NOT NULL,
    loan_id        text NOT NULL,
    borrower_id    text NOT NULL,
    borrower_type  text NOT NULL,
    related        boolean NOT NULL,
    amount         bigint NOT NULL,
    outstanding    bigint NOT NULL,
    instalment     boolean NOT NULL,
    due_date       date NOT NULL,
    first_missed   date,
    compensated    bigint NOT NULL
) PARTITION BY LIST (import_id);

-- Rows the import refused, with the reason (bad cells, a duplicate loan id).
CREATE TABLE loanbook_refused (
    import_id  bigint NOT NULL REFERENCES loanbook_imports(id) ON DELETE CASCADE,
    row_no     bigint NOT NULL,
    loan_id    text NOT NULL DEFAULT '',
    reason     text NOT NULL,
    PRIMARY KEY (import_id, row_no)
);

-- The figures computed from one import, as of its period's end, under its rule set.
CREATE TABLE loanbook_figures (
    import_id              bigint PRIMARY KEY REFERENCES loanbook_imports(id) ON DELETE CASCADE,
    institution_id         bigint NOT NULL REFERENCES institutions(id),
    period                 int NOT NULL,
    rule_set               text NOT NULL,
    cumulative_amount      bigint NOT NULL,
    cumulative_count       bigint NOT NULL,
    balance                bigint NOT NULL,
    balance_count          bigint NOT NULL,
    cumulative_borrowers   bigint NOT NULL,
    current_borrowers      bigint NOT NULL,
    top10_balance          bigint NOT NULL,
    largest_balance        bigint NOT NULL,
    top10_share            bigint NOT NULL,
    largest_borrower_share bigint NOT NULL,
    related_balance        bigint NOT NULL,
    related_count          bigint NOT NULL,
    overdue_amount         bigint NOT NULL,
    overdue_count          bigint NOT NULL,
    overdue90_amount       bigint NOT NULL,
    overdue90_count        bigint NOT NULL,
    compensation_amount    bigint NOT NULL,
    compensation_count     bigint NOT NULL,
    cap_violations         bigint NOT NULL,
    computed_at            timestamptz NOT NULL
);
CREATE INDEX loanbook_figures_inst ON loanbook_figures(institution_id, period, import_id);

-- Borrowers whose total outstanding balance on the platform is above their cap.
CREATE TABLE loanbook_cap_violations (
    import_id      bigint NOT NULL REFERENCES loanbook_imports(id) ON DELETE CASCADE,
    borrower_id    text NOT NULL,
    borrower_type  text NOT NULL,
    total          bigint NOT NULL,
    cap            bigint NOT NULL,
    loans          bigint NOT NULL,
    PRIMARY KEY (import_id, borrower_id)
);

-- +goose Down
DROP TABLE loanbook_cap_violations;
DROP TABLE loanbook_figures;
DROP TABLE loanbook_refused;
DROP TABLE loanbook_loans;
DROP TABLE loanbook_imports;
