-- +goose Up
-- 三员分立 (GB/T 22239-2019 §8.1.4.2 c/d, issue 14 §1.2): the single admin role becomes
-- the system administrator (accounts and reference data), the security administrator
-- (roles, locks, password and 2FA policy, API keys, sessions) and the audit administrator
-- (reads the audit trail and verifies the chains). An account holds exactly one role, so
-- no account can hold two of them. Every existing admin becomes a system administrator;
-- the append-only audit trail keeps the old role name on the rows written before.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
UPDATE users SET role = 'sysadmin' WHERE role = 'admin';
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('platform', 'district', 'city', 'province', 'sysadmin', 'secadmin', 'auditadmin'));

-- +goose Down
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
UPDATE users SET role = 'admin' WHERE role IN ('sysadmin', 'secadmin', 'auditadmin');
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('platform', 'district', 'city', 'province', 'admin'));
