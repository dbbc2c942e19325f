-- 010_login_guard.sql - login protection (issue 15, defect 3; rule E9).
--
--   * login_devices: browsers that logged in successfully (a random
--     device token in an HttpOnly cookie, stored only as its SHA-256). A
--     login from its own account's known device is not delayed by the
--     failures of that login elsewhere (no lockout of the real user); its
--     own failures are delayed under scope 'device' of throttle.
--   * throttle: the scope 'device' (subject: the device token's hash).
--
-- Applied by sql/migrate.sh, exactly once. Never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE login_devices (
    token_hash    BINARY(32)      NOT NULL,
    account_id    BIGINT UNSIGNED NOT NULL,
    created_at    DATETIME        NOT NULL,
    last_used_at  DATETIME        NOT NULL,
    PRIMARY KEY (token_hash),
    KEY ix_login_devices_account (account_id),
    KEY ix_login_devices_used (last_used_at),
    CONSTRAINT fk_login_devices_account FOREIGN KEY (account_id)
        REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9 browsers that logged in before (login protection)';

ALTER TABLE throttle
    MODIFY scope ENUM('code','login','device') NOT NULL;
