-- 001_schema.sql - the whole schema of the Beijing SME service-voucher system
-- (北京市中小企业服务券), MariaDB 10.11. Rule ids (P3, O9, ...) refer to
-- shared/SPEC.md.
--
-- Conventions, applied everywhere below:
--   * utf8mb4 / utf8mb4_unicode_ci, InnoDB. Codes compared byte for byte
--     (USCC, hashes, tokens, file names) use utf8mb4_bin: still utf8mb4, so a
--     comparison with any user input never fails with "illegal mix of
--     collations".
--   * Money is BIGINT fen (M1); percentages are integer floor divisions (M2).
--   * Instants are DATETIME in UTC (T1), always written by the application
--     from its injectable clock (T2): no column defaults to the server clock.
--     Business dates (contract, invoice, receipt) are DATE, Asia/Shanghai.
--   * A "year" is the Asia/Shanghai calendar year (T1).
--   * Columns are never NULL unless NULL means something (documented).
--
-- Applied by sql/migrate.sh, exactly once; never edit this file after it
-- has been applied anywhere: add 002_*.sql instead.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- rounds: one yearly collection round (P2) and its application window (A2).
-- Exactly one round is current (the one orders are placed in, O2): enforced by
-- the invisible generated column current_guard (1 for the current round, NULL
-- otherwise) under a UNIQUE key. To switch rounds, clear the old flag and set
-- the new one in one transaction.
CREATE TABLE rounds (
    year             SMALLINT    NOT NULL,
    apply_opens_on   DATE        NOT NULL,                  -- A2, first day (Asia/Shanghai)
    apply_closes_on  DATE        NOT NULL,                  -- A2, last day, inclusive (2024: 2024-02-29)
    is_current       TINYINT(1)  NOT NULL DEFAULT 0,
    current_guard    TINYINT AS (IF(is_current = 1, 1, NULL)) PERSISTENT INVISIBLE,
    PRIMARY KEY (year),
    UNIQUE KEY uq_rounds_current (current_guard),
    CONSTRAINT ck_rounds_year    CHECK (year BETWEEN 2000 AND 2100),
    CONSTRAINT ck_rounds_window  CHECK (apply_closes_on >= apply_opens_on),
    CONSTRAINT ck_rounds_current CHECK (is_current IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='P2 yearly round, A2 application window';

-- ---------------------------------------------------------------------------
-- categories: the twelve fixed product categories (P1). Read-only for the app.
CREATE TABLE categories (
    code        VARCHAR(16) NOT NULL,
    name_zh     VARCHAR(32) NOT NULL,
    name_en     VARCHAR(64) NOT NULL,
    sort_order  TINYINT     NOT NULL,
    PRIMARY KEY (code),
    UNIQUE KEY uq_categories_sort (sort_order)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='P1 twelve fixed categories';

INSERT INTO categories (code, name_zh, name_en, sort_order) VALUES
    ('digital',    '数字化赋能',         'Digital empowerment',                       1),
    ('cloud',      '上云用云',           'Cloud adoption',                            2),
    ('talent',     '人才与培训',         'Talent and training',                       3),
    ('innovation', '科技创新',           'Technology innovation',                     4),
    ('transfer',   '成果转化',           'Technology transfer',                       5),
    ('design',     '工业设计',           'Industrial design',                         6),
    ('it',         '信息化开发',         'IT development',                            7),
    ('ipo',        '上市培育',           'IPO preparation',                           8),
    ('finance',    '财税审计',           'Finance, tax and audit',                    9),
    ('market',     '市场开拓',           'Market expansion',                         10),
    ('legal',      '法律咨询',           'Legal consulting',                         11),
    ('other',      '其他创新创业服务',   'Other innovation and entrepreneurship',    12);

-- ---------------------------------------------------------------------------
-- enterprises: the SMEs that receive a yearly allowance.
--   E1 beijing_registered, E2 is_enterprise, E3 size_class (NULL = not yet
--   classified, 'large' = refused), E4 credit_* (a flag with its source and
--   date), E5 barred_until (V2; NULL = never barred), E6 uscc with its GB
--   32100-2015 check character verified below, E7 tier (set by the bureau).
CREATE TABLE enterprises (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name                VARCHAR(200) NOT NULL,
    uscc                CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    tier                ENUM('ordinary','specialized','little_giant') NOT NULL DEFAULT 'ordinary',
    size_class          ENUM('micro','small','medium','large') NULL,
    beijing_registered  TINYINT(1)   NOT NULL,
    is_enterprise       TINYINT(1)   NOT NULL DEFAULT 1,
    credit_flagged      TINYINT(1)   NOT NULL DEFAULT 0,
    credit_source       VARCHAR(200) NULL,
    credit_checked_on   DATE         NULL,
    barred_until        DATETIME     NULL,
    created_at          DATETIME     NOT NULL,
    updated_at          DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_enterprises_uscc (uscc),
    KEY ix_enterprises_name (name),
    CONSTRAINT ck_enterprises_flags CHECK (beijing_registered IN (0, 1) AND is_enterprise IN (0, 1)
                                           AND credit_flagged IN (0, 1)),
    -- E4: a flag is recorded with its source and date.
    CONSTRAINT ck_enterprises_credit CHECK (credit_flagged = 0
                                            OR (credit_source IS NOT NULL AND credit_checked_on IS NOT NULL)),
    -- E6: 18 characters of 0-9 A-H J-N P-R T U W-Y, digits in positions 3-8,
    -- and sum(value(c_i) * 3^(i-1) mod 31, i = 1..17) + value(c_18) = 0 mod 31.
    CONSTRAINT ck_enterprises_uscc CHECK (
        uscc REGEXP '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'
        AND MOD(
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  1, 1)) - 1) *  1 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  2, 1)) - 1) *  3 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  3, 1)) - 1) *  9 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  4, 1)) - 1) * 27 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  5, 1)) - 1) * 19 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  6, 1)) - 1) * 26 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  7, 1)) - 1) * 16 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  8, 1)) - 1) * 17 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  9, 1)) - 1) * 20 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 10, 1)) - 1) * 29 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 11, 1)) - 1) * 25 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 12, 1)) - 1) * 13 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 13, 1)) - 1) *  8 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 14, 1)) - 1) * 24 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 15, 1)) - 1) * 10 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 16, 1)) - 1) * 30 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 17, 1)) - 1) * 28 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 18, 1)) - 1) *  1
        , 31) = 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E1-E7 enterprises';

-- ---------------------------------------------------------------------------
-- enterprise_quota: THE row that enforces the yearly cap (E7, O3). cap is the
-- tier's cap for that year; occupied = the sum of orders.reserved of the
-- enterprise's orders of that year. Every reservation/release is
--   UPDATE enterprise_quota SET occupied = occupied + ? WHERE ... (row locked)
-- and the CHECK makes exceeding the cap impossible under any concurrency.
-- The application creates the row (INSERT IGNORE, cap from the tier) before
-- the first order of a year; orders reference it (fk_orders_quota).
CREATE TABLE enterprise_quota (
    enterprise_id  BIGINT UNSIGNED NOT NULL,
    year           SMALLINT NOT NULL,
    cap            BIGINT   NOT NULL,
    occupied       BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (enterprise_id, year),
    CONSTRAINT fk_quota_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    CONSTRAINT ck_quota_cap      CHECK (cap >= 0),
    CONSTRAINT ck_quota_occupied CHECK (occupied >= 0 AND occupied <= cap)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E7/O3 yearly cap and occupied subsidy';

-- ---------------------------------------------------------------------------
-- providers: service organizations (服务机构). A1 eligibility facts:
--   beijing_registered / main_body_beijing (0 = a Beijing branch whose main
--   body is registered elsewhere: only products that served > 150 Beijing
--   enterprises qualify), has_premises, established_on (>= 2 years),
--   credit_* (as E4), last_year_contracts (>= 25), last_year_revenue (fen,
--   >= 300,000,000). barred_until: V2.
CREATE TABLE providers (
    id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name                 VARCHAR(200) NOT NULL,
    uscc                 CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    beijing_registered   TINYINT(1)   NOT NULL,
    main_body_beijing    TINYINT(1)   NOT NULL DEFAULT 1,
    has_premises         TINYINT(1)   NOT NULL DEFAULT 1,
    established_on       DATE         NULL,
    credit_flagged       TINYINT(1)   NOT NULL DEFAULT 0,
    credit_source        VARCHAR(200) NULL,
    credit_checked_on    DATE         NULL,
    barred_until         DATETIME     NULL,
    last_year_contracts  INT          NOT NULL DEFAULT 0,
    last_year_revenue    BIGINT       NOT NULL DEFAULT 0,
    created_at           DATETIME     NOT NULL,
    updated_at           DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_providers_uscc (uscc),
    KEY ix_providers_name (name),
    CONSTRAINT ck_providers_flags CHECK (beijing_registered IN (0, 1) AND main_body_beijing IN (0, 1)
                                         AND has_premises IN (0, 1) AND credit_flagged IN (0, 1)),
    CONSTRAINT ck_providers_credit CHECK (credit_flagged = 0
                                          OR (credit_source IS NOT NULL AND credit_checked_on IS NOT NULL)),
    CONSTRAINT ck_providers_numbers CHECK (last_year_contracts >= 0 AND last_year_revenue >= 0),
    -- E6 (the same check as enterprises).
    CONSTRAINT ck_providers_uscc CHECK (
        uscc REGEXP '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'
        AND MOD(
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  1, 1)) - 1) *  1 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  2, 1)) - 1) *  3 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  3, 1)) - 1) *  9 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  4, 1)) - 1) * 27 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  5, 1)) - 1) * 19 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  6, 1)) - 1) * 26 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  7, 1)) - 1) * 16 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  8, 1)) - 1) * 17 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc,  9, 1)) - 1) * 20 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 10, 1)) - 1) * 29 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 11, 1)) - 1) * 25 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 12, 1)) - 1) * 13 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 13, 1)) - 1) *  8 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 14, 1)) - 1) * 24 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 15, 1)) - 1) * 10 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 16, 1)) - 1) * 30 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 17, 1)) - 1) * 28 +
        (INSTR('0123456789ABCDEFGHJKLMNPQRTUWXY', SUBSTR(uscc, 18, 1)) - 1) *  1
        , 31) = 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='A1 providers';

-- ---------------------------------------------------------------------------
-- accounts: logins of the four roles (section 1). An enterprise account is
-- linked to exactly its enterprise, a provider account to its provider,
-- reviewer/bureau accounts to neither.
-- password_hash: 'pbkdf2_sha256$<iterations>$<salt hex>$<key hex>'.
CREATE TABLE accounts (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    login          VARCHAR(64)  NOT NULL,
    password_hash  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    role           ENUM('enterprise','provider','reviewer','bureau') NOT NULL,
    enterprise_id  BIGINT UNSIGNED NULL,
    provider_id    BIGINT UNSIGNED NULL,
    disabled       TINYINT(1)   NOT NULL DEFAULT 0,
    created_at     DATETIME     NOT NULL,
    last_login_at  DATETIME     NULL,
    display_name   VARCHAR(100) NULL,                       -- optional, for reviewer/bureau staff
    PRIMARY KEY (id),
    UNIQUE KEY uq_accounts_login (login),
    KEY ix_accounts_enterprise (enterprise_id),
    KEY ix_accounts_provider (provider_id),
    CONSTRAINT fk_accounts_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    CONSTRAINT fk_accounts_provider   FOREIGN KEY (provider_id)   REFERENCES providers (id),
    CONSTRAINT ck_accounts_link CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL)
                                       AND (role = 'provider') = (provider_id IS NOT NULL)),
    CONSTRAINT ck_accounts_disabled CHECK (disabled IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='section 1 actors: logins';

-- ---------------------------------------------------------------------------
-- sessions: server-side sessions. token_hash = SHA-256 of the cookie token
-- (the token itself is never stored); csrf_token = 32 random bytes base64url.
CREATE TABLE sessions (
    token_hash    BINARY(32)  NOT NULL,
    account_id    BIGINT UNSIGNED NOT NULL,
    csrf_token    CHAR(43) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at    DATETIME    NOT NULL,
    last_seen_at  DATETIME    NOT NULL,
    expires_at    DATETIME    NOT NULL,
    PRIMARY KEY (token_hash),
    KEY ix_sessions_account (account_id),
    KEY ix_sessions_expires (expires_at),
    CONSTRAINT fk_sessions_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='login sessions';

-- ---------------------------------------------------------------------------
-- product_applications: a provider's application in a round (A2-A7).
-- state (A5): draft 待提交, pending 待审核, approved 已通过, returned 退回修改
-- (editable and re-submittable), rejected 审核不通过.
-- form_json holds the whole form as entered (A4: a draft save stores it
-- without validation); the key eligibility numbers (A1) are copied into
-- columns by a validated save (NULL until then). Revenues are fen.
-- Review: the reviewer records an opinion (reviewer_*), the bureau decides
-- (decided_*, A6); review_comment is the text shown to the provider.
CREATE TABLE product_applications (
    id                          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    round_year                  SMALLINT NOT NULL,
    provider_id                 BIGINT UNSIGNED NOT NULL,
    state                       ENUM('draft','pending','approved','returned','rejected') NOT NULL DEFAULT 'draft',
    form_json                   LONGTEXT NOT NULL,
    -- A1 / checklist "服务商材料" key figures (NULL until a validated save):
    beijing_registered          TINYINT(1) NULL,
    main_body_beijing           TINYINT(1) NULL,
    has_premises                TINYINT(1) NULL,
    established_on              DATE       NULL,
    credit_ok                   TINYINT(1) NULL,            -- A1 "good credit" as declared (item 4)
    revenue_year_before         BIGINT     NULL,            -- item 5: revenue two years ago, fen
    last_year_revenue           BIGINT     NULL,            -- item 6: last year's revenue, fen (A1 >= 300,000,000)
    last_year_contracts         INT        NULL,            -- A1 >= 25
    beijing_clients_last_year   INT        NULL,            -- item 7
    national_clients_last_year  INT        NULL,            -- item 8
    created_at                  DATETIME   NOT NULL,
    updated_at                  DATETIME   NOT NULL,
    last_saved_at               DATETIME   NULL,            -- last validated save (A4 保存)
    last_submitted_at           DATETIME   NULL,            -- A5: shown in the provider's list
    submit_count                SMALLINT   NOT NULL DEFAULT 0,
    reviewer_opinion            ENUM('approve','return','reject') NULL,
    reviewed_by                 BIGINT UNSIGNED NULL,
    reviewed_at                 DATETIME   NULL,
    decided_by                  BIGINT UNSIGNED NULL,
    decided_at                  DATETIME   NULL,
    review_comment              TEXT       NULL,
    PRIMARY KEY (id),
    KEY ix_applications_provider (provider_id, state, id),
    KEY ix_applications_review (round_year, state, last_submitted_at),
    KEY ix_applications_state (state, last_submitted_at),
    CONSTRAINT fk_applications_round    FOREIGN KEY (round_year)  REFERENCES rounds (year),
    CONSTRAINT fk_applications_provider FOREIGN KEY (provider_id) REFERENCES providers (id),
    CONSTRAINT fk_applications_reviewer FOREIGN KEY (reviewed_by) REFERENCES accounts (id),
    CONSTRAINT fk_applications_decider  FOREIGN KEY (decided_by)  REFERENCES accounts (id),
    CONSTRAINT ck_applications_json CHECK (JSON_VALID(form_json)),
    CONSTRAINT ck_applications_numbers CHECK (
        (revenue_year_before IS NULL OR revenue_year_before >= 0)
        AND (last_year_revenue IS NULL OR last_year_revenue >= 0)
        AND (last_year_contracts IS NULL OR last_year_contracts >= 0)
        AND (beijing_clients_last_year IS NULL OR beijing_clients_last_year >= 0)
        AND (national_clients_last_year IS NULL OR national_clients_last_year >= 0)),
    -- A4/A5: anything past draft has been submitted at least once.
    CONSTRAINT ck_applications_submitted CHECK (state = 'draft' OR last_submitted_at IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='A2-A7 product applications';

-- ---------------------------------------------------------------------------
-- products: the catalog (P2-P6). units_total / validity_days are set by the
-- bureau on approval (A6). remaining_units is taken by O3 and given back by
-- O4/O5/O6 (UPDATE ... SET remaining_units = remaining_units - 1 WHERE
-- remaining_units > 0, or rely on the CHECK). units_sold counts units held by
-- orders (so units_sold + remaining_units <= units_total).
-- Ratings (C1): each evaluation adds its three aspect stars to rating_sum and
-- 3 to rating_count; the public average is rating_sum / rating_count stars.
CREATE TABLE products (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    round_year       SMALLINT     NOT NULL,
    provider_id      BIGINT UNSIGNED NOT NULL,
    category         VARCHAR(16)  NOT NULL,
    name             VARCHAR(200) NOT NULL,
    description      TEXT         NOT NULL,
    market_price     BIGINT       NOT NULL,                 -- P2: average of the last 3 months, fen
    voucher_price    BIGINT       NOT NULL,                 -- P3
    unit_subsidy     BIGINT       NOT NULL,                 -- P4
    units_total      INT          NOT NULL,                 -- P5, A6
    remaining_units  INT          NOT NULL,                 -- P5 (public)
    units_sold       INT          NOT NULL DEFAULT 0,
    validity_days    SMALLINT     NOT NULL DEFAULT 30,      -- P6, A6
    listed           TINYINT(1)   NOT NULL DEFAULT 1,       -- A6 listed; 0 = delisted (V2)
    rating_sum       INT          NOT NULL DEFAULT 0,       -- C1
    rating_count     INT          NOT NULL DEFAULT 0,       -- C1
    application_id   BIGINT UNSIGNED NULL,                  -- A6: the approved application, if any
    created_at       DATETIME     NOT NULL,
    updated_at       DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_products_id_provider (id, provider_id),  -- target of fk_orders_product_provider
    KEY ix_products_listed_category (listed, round_year, category, created_at, id),  -- the catalog list
    KEY ix_products_listed_price (listed, voucher_price),
    KEY ix_products_listed_created (listed, round_year, created_at, id),
    KEY ix_products_provider (provider_id, listed, id),
    KEY ix_products_round (round_year, listed),
    CONSTRAINT fk_products_round       FOREIGN KEY (round_year)     REFERENCES rounds (year),
    CONSTRAINT fk_products_provider    FOREIGN KEY (provider_id)    REFERENCES providers (id),
    CONSTRAINT fk_products_category    FOREIGN KEY (category)       REFERENCES categories (code),
    CONSTRAINT fk_products_application FOREIGN KEY (application_id) REFERENCES product_applications (id),
    CONSTRAINT ck_products_remaining CHECK (remaining_units >= 0),
    CONSTRAINT ck_products_remaining_max CHECK (remaining_units <= units_total),
    CONSTRAINT ck_products_units CHECK (units_total >= 0 AND units_sold >= 0
                                        AND units_sold + remaining_units <= units_total),
    CONSTRAINT ck_products_validity CHECK (validity_days BETWEEN 1 AND 60),          -- P6
    CONSTRAINT ck_products_voucher_price CHECK (voucher_price > 0),
    CONSTRAINT ck_products_p3 CHECK (voucher_price * 10 <= market_price * 8),         -- P3
    CONSTRAINT ck_products_p4 CHECK (unit_subsidy = LEAST(voucher_price * 30 DIV 100, 5000000)), -- P4
    CONSTRAINT ck_products_listed CHECK (listed IN (0, 1)),
    CONSTRAINT ck_products_rating CHECK (rating_count >= 0
                                         AND rating_sum BETWEEN rating_count AND 5 * rating_count)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='P1-P6 catalog products, A6';

-- ---------------------------------------------------------------------------
-- application_products: one row per product of an application (A3 "per
-- product"), seq = the N of its attachment items 'product.N.k'. Like the
-- application, a draft may hold anything (A4): the columns are NULL until a
-- validated save, and P3/P6 are checked by the application at save/submit.
-- On approval (A6) the bureau sets approved_units / approved_validity_days,
-- a products row is created and linked through product_id.
CREATE TABLE application_products (
    id                         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    application_id             BIGINT UNSIGNED NOT NULL,
    seq                        TINYINT UNSIGNED NOT NULL,
    category                   VARCHAR(16)  NULL,
    name                       VARCHAR(200) NULL,
    description                TEXT         NULL,
    market_price               BIGINT       NULL,           -- P2, fen
    voucher_price              BIGINT       NULL,           -- P3, fen
    requested_units            INT          NULL,           -- P5
    requested_validity_days    SMALLINT     NULL,           -- P6
    beijing_revenue_year_before BIGINT      NULL,           -- product item 2, fen
    beijing_revenue_last_year  BIGINT       NULL,           -- product item 3, fen
    beijing_clients_last_year  INT          NULL,           -- product item 4
    premium_clients_served     INT          NULL,           -- product item 5: specialized / little giant ... (A7)
    has_ip                     TINYINT(1)   NULL,           -- product item 6
    beijing_clients_served     INT          NULL,           -- product item 7: > 150 lets an out-of-Beijing main body qualify (A1)
    approved_units             INT          NULL,           -- A6
    approved_validity_days     SMALLINT     NULL,           -- A6
    product_id                 BIGINT UNSIGNED NULL,        -- A6: the listed product
    created_at                 DATETIME     NOT NULL,
    updated_at                 DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_application_products_seq (application_id, seq),
    UNIQUE KEY uq_application_products_product (product_id),
    KEY ix_application_products_premium (premium_clients_served),
    CONSTRAINT fk_application_products_application FOREIGN KEY (application_id) REFERENCES product_applications (id),
    CONSTRAINT fk_application_products_category    FOREIGN KEY (category)       REFERENCES categories (code),
    CONSTRAINT fk_application_products_product     FOREIGN KEY (product_id)     REFERENCES products (id),
    CONSTRAINT ck_application_products_seq CHECK (seq BETWEEN 1 AND 99),
    CONSTRAINT ck_application_products_numbers CHECK (
        (market_price IS NULL OR market_price >= 0)
        AND (voucher_price IS NULL OR voucher_price >= 0)
        AND (requested_units IS NULL OR requested_units >= 0)
        AND (requested_validity_days IS NULL OR requested_validity_days >= 0)
        AND (beijing_revenue_year_before IS NULL OR beijing_revenue_year_before >= 0)
        AND (beijing_revenue_last_year IS NULL OR beijing_revenue_last_year >= 0)
        AND (beijing_clients_last_year IS NULL OR beijing_clients_last_year >= 0)
        AND (premium_clients_served IS NULL OR premium_clients_served >= 0)
        AND (beijing_clients_served IS NULL OR beijing_clients_served >= 0)),
    CONSTRAINT ck_application_products_approved CHECK (
        (approved_units IS NULL OR approved_units > 0)
        AND (approved_validity_days IS NULL OR approved_validity_days BETWEEN 1 AND 60))  -- A6, P6
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='A3/A6 products of an application';

-- ---------------------------------------------------------------------------
-- application_attachments: one uploaded file per checklist item (A3,
-- attachment 1 of the guide): 'provider.1'..'provider.10' (1-8 required) and
-- 'product.N.1'..'product.N.7' (1-4 required) where N = application_products.seq.
-- Uploading again replaces the row (DELETE + INSERT, or UPDATE) until submit.
CREATE TABLE application_attachments (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    application_id  BIGINT UNSIGNED NOT NULL,
    item_code       VARCHAR(16)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    original_name   VARCHAR(255) NOT NULL,
    stored_name     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    content_type    VARCHAR(100) NOT NULL,
    size_bytes      BIGINT       NOT NULL,
    sha256          CHAR(64)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    uploaded_at     DATETIME     NOT NULL,
    uploaded_by     BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_application_attachments_item (application_id, item_code),
    UNIQUE KEY uq_application_attachments_stored (stored_name),
    KEY ix_application_attachments_sha (sha256),
    CONSTRAINT fk_application_attachments_application FOREIGN KEY (application_id) REFERENCES product_applications (id),
    CONSTRAINT fk_application_attachments_uploader    FOREIGN KEY (uploaded_by)    REFERENCES accounts (id),
    CONSTRAINT ck_application_attachments_item CHECK (
        item_code REGEXP '^(provider\\.([1-9]|10)|product\\.[1-9][0-9]?\\.[1-7])$'),
    CONSTRAINT ck_application_attachments_size CHECK (size_bytes >= 0),
    CONSTRAINT ck_application_attachments_sha CHECK (sha256 REGEXP '^[0-9a-f]{64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='A3 application attachments';

-- ---------------------------------------------------------------------------
-- orders (用券), O1-O10. status (O10): pending 待接单 -> accepted 已接单 ->
-- contracted 已签约 -> submitted 待初审 -> approved 初审通过 -> publicized 公示中
-- -> paid 已兑付; side exits cancelled / expired / rejected / refunded /
-- revoked. Every change of status also writes order_events (O10) and
-- audit_log (V3).
--   year            Asia/Shanghai year of ordered_at (T1); with enterprise_id
--                   it names the enterprise_quota row charged (fk_orders_quota).
--   unit_subsidy    snapshot of products.unit_subsidy at order time (P4).
--   reserved        what this order CURRENTLY holds in enterprise_quota.occupied
--                   (O3: min(unit_subsidy, cap - occupied)); lowered to subsidy
--                   at contract (O9), 0 once released (O4, O5, O6, R4 rejection,
--                   V2). Invariant: occupied = SUM(reserved) per (enterprise, year).
--   unit_held       1 while the order holds a product unit (O3); 0 once it was
--                   given back (O4, O5, O6). A rejected claim keeps it (R4).
--   subsidy         O9, set when the contract is recorded.
--   cancel_reason   for status cancelled (O4/O5): by the enterprise, declined
--                   by the provider, or not accepted within 48 h.
--   status_reason   free text of the last side exit (decline, rejection,
--                   withdrawal, revocation).
--   accept_deadline ordered_at + 48 h (O4); valid_until = ordered_at +
--                   validity_days (O6).
CREATE TABLE orders (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_no         VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    enterprise_id    BIGINT UNSIGNED NOT NULL,
    product_id       BIGINT UNSIGNED NOT NULL,
    provider_id      BIGINT UNSIGNED NOT NULL,
    year             SMALLINT     NOT NULL,
    status           ENUM('pending','accepted','contracted','submitted','approved','publicized','paid',
                          'cancelled','expired','rejected','refunded','revoked') NOT NULL DEFAULT 'pending',
    cancel_reason    ENUM('enterprise','declined','accept_timeout') NULL,
    status_reason    VARCHAR(500) NULL,
    product_name     VARCHAR(200) NULL,                     -- O8 reference block (snapshot)
    voucher_price    BIGINT       NULL,                     -- snapshot, fen
    validity_days    SMALLINT     NULL,                     -- snapshot of P6 days
    unit_subsidy     BIGINT       NOT NULL,
    reserved         BIGINT       NOT NULL,
    unit_held        TINYINT(1)   NOT NULL DEFAULT 1,
    subsidy          BIGINT       NULL,
    ordered_at       DATETIME     NOT NULL,
    accept_deadline  DATETIME     NOT NULL,
    accepted_at      DATETIME     NULL,
    valid_until      DATETIME     NOT NULL,
    contracted_at    DATETIME     NULL,
    confirmed_at     DATETIME     NULL,                     -- C1: enterprise confirmed completion
    submitted_at     DATETIME     NULL,                     -- R3
    approved_at      DATETIME     NULL,                     -- R4
    publicized_at    DATETIME     NULL,                     -- R5
    paid_at          DATETIME     NULL,                     -- R5
    closed_at        DATETIME     NULL,                     -- when it took a side exit
    updated_at       DATETIME     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_orders_no (order_no),
    KEY ix_orders_enterprise (enterprise_id, status, id),
    KEY ix_orders_provider (provider_id, status, id),
    KEY ix_orders_accept (status, accept_deadline),
    KEY ix_orders_valid (status, valid_until),
    KEY ix_orders_quota (enterprise_id, year, status),
    KEY ix_orders_product (product_id, provider_id, status),
    KEY ix_orders_year (year, status, id),
    CONSTRAINT fk_orders_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    CONSTRAINT fk_orders_provider   FOREIGN KEY (provider_id)   REFERENCES providers (id),
    -- the product exists and the order's provider is the product's provider.
    -- One composite key on purpose: its check locks the secondary index entry
    -- (uq_products_id_provider), not the product's clustered row that the hot
    -- guarded UPDATE of remaining_units holds, so the unit can be taken last
    -- in the order transaction without S->X lock upgrades (O3, P5).
    CONSTRAINT fk_orders_product_provider FOREIGN KEY (product_id, provider_id) REFERENCES products (id, provider_id),
    -- O3: the cap row charged exists
    CONSTRAINT fk_orders_quota FOREIGN KEY (enterprise_id, year) REFERENCES enterprise_quota (enterprise_id, year),
    CONSTRAINT ck_orders_money CHECK (unit_subsidy >= 0 AND reserved >= 0 AND reserved <= unit_subsidy
                                      AND (subsidy IS NULL OR (subsidy >= 0 AND subsidy <= unit_subsidy))),
    CONSTRAINT ck_orders_deadline CHECK (accept_deadline = ordered_at + INTERVAL 48 HOUR),       -- O4
    CONSTRAINT ck_orders_valid CHECK (valid_until > ordered_at
                                      AND valid_until <= ordered_at + INTERVAL 60 DAY),        -- O6, P6
    CONSTRAINT ck_orders_cancel CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
    CONSTRAINT ck_orders_unit_held CHECK (unit_held IN (0, 1)),
    CONSTRAINT ck_orders_validity CHECK (validity_days IS NULL OR validity_days BETWEEN 1 AND 60)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='O1-O10 orders';

-- ---------------------------------------------------------------------------
-- order_events: every transition of an order, with who, when and why (O10).
-- Append-only: the app user may only SELECT and INSERT (grants.sql).
-- from_status NULL = the creation of the order.
CREATE TABLE order_events (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id          BIGINT UNSIGNED NOT NULL,
    at                DATETIME(6)  NOT NULL,
    actor_account_id  BIGINT UNSIGNED NULL,                 -- NULL for the system (timers)
    actor_role        VARCHAR(16)  NOT NULL,
    from_status       ENUM('pending','accepted','contracted','submitted','approved','publicized','paid',
                           'cancelled','expired','rejected','refunded','revoked') NULL,
    to_status         ENUM('pending','accepted','contracted','submitted','approved','publicized','paid',
                           'cancelled','expired','rejected','refunded','revoked') NOT NULL,
    reason            VARCHAR(500) NULL,
    request_id        VARCHAR(64)  NULL,
    PRIMARY KEY (id),
    KEY ix_order_events_order (order_id, id),
    KEY ix_order_events_at (at),
    CONSTRAINT fk_order_events_order FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT ck_order_events_role CHECK (actor_role IN ('public','enterprise','provider','reviewer','bureau','system'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='O10 order transitions (append-only)';

-- ---------------------------------------------------------------------------
-- contracts: the service contract of an order (O8) and its split (O9):
--   base      = amount if period_months <= 12, else floor(amount * 12 / months)
--   subsidy   = min(floor(base * 30 / 100), 5,000,000, orders.reserved)
--   self_paid = amount - subsidy
-- signed_on / service_start_on >= the order's Asia/Shanghai date (checked by
-- the application: it spans two tables). Replaceable until submission (R3).
CREATE TABLE contracts (
    order_id          BIGINT UNSIGNED NOT NULL,
    contract_no       VARCHAR(64)  NOT NULL,
    signed_on         DATE         NOT NULL,
    service_start_on  DATE         NOT NULL,
    amount            BIGINT       NOT NULL,
    period_months     SMALLINT     NOT NULL,
    base              BIGINT       NOT NULL,
    subsidy           BIGINT       NOT NULL,                -- = voucher amount (服务券抵用额度)
    self_paid         BIGINT       NOT NULL,                -- 企业自付额度
    recorded_at       DATETIME     NOT NULL,
    recorded_by       BIGINT UNSIGNED NULL,
    updated_at        DATETIME     NULL,
    PRIMARY KEY (order_id),
    KEY ix_contracts_no (contract_no),
    CONSTRAINT fk_contracts_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_contracts_recorder FOREIGN KEY (recorded_by) REFERENCES accounts (id),
    CONSTRAINT ck_contracts_amount CHECK (amount > 0 AND period_months BETWEEN 1 AND 120),
    CONSTRAINT ck_contracts_base CHECK (base = IF(period_months <= 12, amount, amount * 12 DIV period_months)),  -- O9
    CONSTRAINT ck_contracts_subsidy CHECK (subsidy >= 0
                                           AND subsidy <= LEAST(base * 30 DIV 100, 5000000)),                 -- O9
    CONSTRAINT ck_contracts_split CHECK (self_paid = amount - subsidy)                                         -- O9
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='O8/O9 contracts';

-- ---------------------------------------------------------------------------
-- evaluations: the enterprise's rating after confirming completion (C1).
-- product_id is copied from the order so that the public catalog can show
-- ratings without reading orders.
CREATE TABLE evaluations (
    order_id    BIGINT UNSIGNED NOT NULL,
    product_id  BIGINT UNSIGNED NOT NULL,
    quality     TINYINT NOT NULL,
    timeliness  TINYINT NOT NULL,
    attitude    TINYINT NOT NULL,
    comment     VARCHAR(1000) NULL,
    created_at  DATETIME NOT NULL,
    PRIMARY KEY (order_id),
    KEY ix_evaluations_product (product_id, created_at),
    CONSTRAINT fk_evaluations_order   FOREIGN KEY (order_id)   REFERENCES orders (id),
    CONSTRAINT fk_evaluations_product FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT ck_evaluations_stars CHECK (quality BETWEEN 1 AND 5 AND timeliness BETWEEN 1 AND 5
                                           AND attitude BETWEEN 1 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='C1 evaluations';

-- ---------------------------------------------------------------------------
-- redemption_claims (兑付申请), one per order: R2 figures, R3 submission
-- (status draft -> submitted, frozen), R4 review (approved / rejected with
-- decision, approved_amount <= orders.subsidy, reason if lower or rejected).
-- R2's equalities with the contract are checked by the application (they
-- span tables); a submitted claim has all its figures.
CREATE TABLE redemption_claims (
    order_id                BIGINT UNSIGNED NOT NULL,
    status                  ENUM('draft','submitted','approved','rejected') NOT NULL DEFAULT 'draft',
    invoice_no              VARCHAR(64)  NULL,
    invoice_date            DATE         NULL,
    invoice_total           BIGINT       NULL,
    invoice_voucher_amount  BIGINT       NULL,              -- R2: = contracts.subsidy
    invoice_self_paid       BIGINT       NULL,              -- R2: = contracts.self_paid
    receipt_date            DATE         NULL,
    receipt_amount          BIGINT       NULL,
    created_at              DATETIME     NOT NULL,
    updated_at              DATETIME     NOT NULL,
    submitted_at            DATETIME     NULL,              -- R3
    reviewed_by             BIGINT UNSIGNED NULL,           -- R4
    reviewed_at             DATETIME     NULL,
    decision                ENUM('approved','rejected') NULL,
    approved_amount         BIGINT       NULL,
    reason                  VARCHAR(1000) NULL,
    PRIMARY KEY (order_id),
    KEY ix_claims_status (status, submitted_at, order_id),
    KEY ix_claims_invoice (invoice_no),
    CONSTRAINT fk_claims_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_claims_reviewer FOREIGN KEY (reviewed_by) REFERENCES accounts (id),
    CONSTRAINT ck_claims_amounts CHECK (
        (invoice_total IS NULL OR invoice_total >= 0)
        AND (invoice_voucher_amount IS NULL OR invoice_voucher_amount >= 0)
        AND (invoice_self_paid IS NULL OR invoice_self_paid >= 0)
        AND (receipt_amount IS NULL OR receipt_amount >= 0)),
    -- R3: a submitted claim is complete.
    CONSTRAINT ck_claims_complete CHECK (status = 'draft' OR (
        submitted_at IS NOT NULL AND invoice_no IS NOT NULL AND invoice_date IS NOT NULL
        AND invoice_total IS NOT NULL AND invoice_voucher_amount IS NOT NULL
        AND invoice_self_paid IS NOT NULL AND receipt_date IS NOT NULL AND receipt_amount IS NOT NULL)),
    -- R4: the decision mirrors the status; an approval carries its amount.
    CONSTRAINT ck_claims_decision CHECK (
        (status IN ('draft','submitted') AND decision IS NULL AND approved_amount IS NULL)
        OR (status = 'approved' AND decision = 'approved' AND approved_amount > 0 AND reviewed_at IS NOT NULL)
        OR (status = 'rejected' AND decision = 'rejected' AND approved_amount IS NULL AND reviewed_at IS NOT NULL
            AND reason IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R2-R4 redemption claims';

-- ---------------------------------------------------------------------------
-- redemption_files: the five documents of R1, one per kind per order,
-- replaced by a new upload until submission (R3). PDF only. sha256 is
-- indexed to spot the same file reused across orders (V1, V3).
CREATE TABLE redemption_files (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id       BIGINT UNSIGNED NOT NULL,
    kind           ENUM('contract','commitment','invoice','invoice_check','receipt') NOT NULL,
    original_name  VARCHAR(255) NULL,
    stored_name    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    content_type   VARCHAR(100) NOT NULL DEFAULT 'application/pdf',
    size_bytes     BIGINT       NOT NULL,
    sha256         CHAR(64)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    uploaded_at    DATETIME     NOT NULL,
    uploaded_by    BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_redemption_files_kind (order_id, kind),
    UNIQUE KEY uq_redemption_files_stored (stored_name),
    KEY ix_redemption_files_sha (sha256),
    CONSTRAINT fk_redemption_files_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_redemption_files_uploader FOREIGN KEY (uploaded_by) REFERENCES accounts (id),
    CONSTRAINT ck_redemption_files_size CHECK (size_bytes > 0),
    CONSTRAINT ck_redemption_files_sha CHECK (sha256 REGEXP '^[0-9a-f]{64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R1 redemption documents';

-- ---------------------------------------------------------------------------
-- publicity_batches (公示): R5. draft -> published (period_ends_at =
-- published_at + period, default 7 days) -> paid (paid_on, Asia/Shanghai
-- date). The published list file is hash-chained: prev_sha256 = the
-- file_sha256 of the previously published batch (NULL for the first), signed
-- in signature; UNIQUE(prev_sha256) keeps the chain linear.
CREATE TABLE publicity_batches (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    title           VARCHAR(200) NOT NULL,
    status          ENUM('draft','published','paid') NOT NULL DEFAULT 'draft',
    created_at      DATETIME     NOT NULL,
    created_by      BIGINT UNSIGNED NULL,
    published_at    DATETIME     NULL,
    published_by    BIGINT UNSIGNED NULL,
    period_ends_at  DATETIME     NULL,
    paid_on         DATE         NULL,
    paid_at         DATETIME     NULL,
    paid_by         BIGINT UNSIGNED NULL,
    item_count      INT          NOT NULL DEFAULT 0,
    total_amount    BIGINT       NOT NULL DEFAULT 0,
    file_sha256     CHAR(64)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    prev_sha256     CHAR(64)     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    signature       VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PRIMARY KEY (id),
    KEY ix_batches_status (status, id),
    KEY ix_batches_published (published_at),
    UNIQUE KEY uq_batches_file (file_sha256),
    UNIQUE KEY uq_batches_prev (prev_sha256),
    CONSTRAINT fk_batches_creator   FOREIGN KEY (created_by)   REFERENCES accounts (id),
    CONSTRAINT fk_batches_publisher FOREIGN KEY (published_by) REFERENCES accounts (id),
    CONSTRAINT fk_batches_payer     FOREIGN KEY (paid_by)      REFERENCES accounts (id),
    CONSTRAINT ck_batches_totals CHECK (item_count >= 0 AND total_amount >= 0),
    CONSTRAINT ck_batches_published CHECK (status = 'draft'
        OR (published_at IS NOT NULL AND period_ends_at IS NOT NULL AND period_ends_at >= published_at)),
    CONSTRAINT ck_batches_paid CHECK ((status = 'paid') = (paid_on IS NOT NULL)),
    CONSTRAINT ck_batches_sha CHECK ((file_sha256 IS NULL OR file_sha256 REGEXP '^[0-9a-f]{64}$')
                                     AND (prev_sha256 IS NULL OR prev_sha256 REGEXP '^[0-9a-f]{64}$'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R5 publicity batches';

-- ---------------------------------------------------------------------------
-- publicity_items: one approved claim in a batch (R5). Public data only:
-- provider name, product name, category, amount (copied, no enterprise data).
-- An upheld objection withdraws the item (withdrawn = 1, the order goes to
-- rejected). An order is listed at most once (UNIQUE order_id).
CREATE TABLE publicity_items (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    batch_id          BIGINT UNSIGNED NOT NULL,
    order_id          BIGINT UNSIGNED NOT NULL,
    provider_name     VARCHAR(200) NOT NULL,
    product_name      VARCHAR(200) NOT NULL,
    category          VARCHAR(16)  NOT NULL,
    amount            BIGINT       NOT NULL,                -- = redemption_claims.approved_amount
    objection_status  ENUM('none','open','upheld','dismissed') NOT NULL DEFAULT 'none',
    withdrawn         TINYINT(1)   NOT NULL DEFAULT 0,
    withdrawn_at      DATETIME     NULL,
    created_at        DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_publicity_items_order (order_id),
    KEY ix_publicity_items_batch (batch_id, id),
    KEY ix_publicity_items_objection (objection_status, batch_id),
    CONSTRAINT fk_publicity_items_batch    FOREIGN KEY (batch_id) REFERENCES publicity_batches (id),
    CONSTRAINT fk_publicity_items_order    FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT fk_publicity_items_category FOREIGN KEY (category) REFERENCES categories (code),
    CONSTRAINT ck_publicity_items_amount CHECK (amount > 0),
    CONSTRAINT ck_publicity_items_withdrawn CHECK (withdrawn IN (0, 1)
                                                   AND (withdrawn = 0 OR withdrawn_at IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R5 publicity list items';

-- ---------------------------------------------------------------------------
-- feedback: anyone's objection to a listed item (R5), with a tracking number
-- to follow it. The bureau upholds (the item is withdrawn) or dismisses.
CREATE TABLE feedback (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    item_id      BIGINT UNSIGNED NOT NULL,
    tracking_no  VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    text         TEXT         NOT NULL,
    contact      VARCHAR(200) NULL,
    status       ENUM('open','upheld','dismissed') NOT NULL DEFAULT 'open',
    note         VARCHAR(1000) NULL,                        -- the bureau's decision note
    created_at   DATETIME     NOT NULL,
    decided_at   DATETIME     NULL,
    decided_by   BIGINT UNSIGNED NULL,
    client_ip    VARCHAR(45)  NULL,                         -- for rate limiting abuse
    PRIMARY KEY (id),
    UNIQUE KEY uq_feedback_tracking (tracking_no),
    KEY ix_feedback_item (item_id, status),
    KEY ix_feedback_status (status, id),
    KEY ix_feedback_ip (client_ip, created_at),
    CONSTRAINT fk_feedback_item    FOREIGN KEY (item_id)    REFERENCES publicity_items (id),
    CONSTRAINT fk_feedback_decider FOREIGN KEY (decided_by) REFERENCES accounts (id),
    CONSTRAINT ck_feedback_decided CHECK ((status = 'open') = (decided_at IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R5 public feedback';

-- ---------------------------------------------------------------------------
-- violations: V1 breaches and their V2 effects (bar for 3 years: the party's
-- barred_until is set from here; open orders terminated; subsidies
-- recovered via recoveries.violation_id). party_id is enterprises.id or
-- providers.id according to party. Kept for credit punishment (never deleted).
CREATE TABLE violations (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    party         ENUM('enterprise','provider') NOT NULL,
    party_id      BIGINT UNSIGNED NOT NULL,
    kind          ENUM('transfer','hidden_relationship','fictitious_contract','other') NOT NULL,  -- V1 (1)-(4)
    description   TEXT         NOT NULL,
    order_id      BIGINT UNSIGNED NULL,                     -- the order concerned, if any
    recorded_at   DATETIME     NOT NULL,
    recorded_by   BIGINT UNSIGNED NOT NULL,
    barred_until  DATETIME     NOT NULL,                    -- V2: recorded_at + 3 years
    PRIMARY KEY (id),
    KEY ix_violations_party (party, party_id, id),
    KEY ix_violations_order (order_id),
    CONSTRAINT fk_violations_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_violations_recorder FOREIGN KEY (recorded_by) REFERENCES accounts (id),
    CONSTRAINT ck_violations_bar CHECK (barred_until > recorded_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='V1/V2 violations';

-- ---------------------------------------------------------------------------
-- refunds: reported by the provider after payment (R6): a full or partial
-- refund, or a service not really delivered. The order then goes to refunded.
CREATE TABLE refunds (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id     BIGINT UNSIGNED NOT NULL,
    kind         ENUM('full','partial','not_delivered') NOT NULL,
    amount       BIGINT       NOT NULL,                     -- refunded, fen
    reason       VARCHAR(1000) NULL,
    reported_at  DATETIME     NOT NULL,
    reported_by  BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    KEY ix_refunds_order (order_id, id),
    KEY ix_refunds_reported (reported_at),
    CONSTRAINT fk_refunds_order    FOREIGN KEY (order_id)    REFERENCES orders (id),
    CONSTRAINT fk_refunds_reporter FOREIGN KEY (reported_by) REFERENCES accounts (id),
    CONSTRAINT ck_refunds_amount CHECK (amount > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R6 refunds';

-- ---------------------------------------------------------------------------
-- recoveries: subsidy to recover and what came back. From a refund (R6:
-- amount_due = floor(subsidy * refunded / amount), all of it for a full
-- refund) or from a violation (V2: the paid subsidy). The bureau records the
-- money returned (R6).
CREATE TABLE recoveries (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id         BIGINT UNSIGNED NOT NULL,
    refund_id        BIGINT UNSIGNED NULL,
    violation_id     BIGINT UNSIGNED NULL,
    amount_due       BIGINT       NOT NULL,
    amount_returned  BIGINT       NOT NULL DEFAULT 0,
    returned_on      DATE         NULL,                     -- Asia/Shanghai date of the last return
    status           ENUM('open','partial','settled') NOT NULL DEFAULT 'open',
    created_at       DATETIME     NOT NULL,
    updated_at       DATETIME     NOT NULL,
    recorded_by      BIGINT UNSIGNED NULL,                  -- who recorded the last return
    PRIMARY KEY (id),
    UNIQUE KEY uq_recoveries_refund (refund_id),
    KEY ix_recoveries_order (order_id),
    KEY ix_recoveries_status (status, id),
    KEY ix_recoveries_violation (violation_id),
    CONSTRAINT fk_recoveries_order     FOREIGN KEY (order_id)     REFERENCES orders (id),
    CONSTRAINT fk_recoveries_refund    FOREIGN KEY (refund_id)    REFERENCES refunds (id),
    CONSTRAINT fk_recoveries_violation FOREIGN KEY (violation_id) REFERENCES violations (id),
    CONSTRAINT fk_recoveries_recorder  FOREIGN KEY (recorded_by)  REFERENCES accounts (id),
    CONSTRAINT ck_recoveries_amounts CHECK (amount_due >= 0 AND amount_returned >= 0),
    CONSTRAINT ck_recoveries_source CHECK (refund_id IS NOT NULL OR violation_id IS NOT NULL),
    CONSTRAINT ck_recoveries_returned CHECK (amount_returned = 0 OR returned_on IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='R6/V2 subsidy recoveries';

-- ---------------------------------------------------------------------------
-- spot_checks: orders sampled by the bureau (V3 抽查 and guide 7.3). One
-- sampling run shares a sample_id; result filled in after the check.
CREATE TABLE spot_checks (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    sample_id   VARCHAR(32)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    order_id    BIGINT UNSIGNED NOT NULL,
    sampled_at  DATETIME     NOT NULL,
    sampled_by  BIGINT UNSIGNED NOT NULL,
    result      ENUM('pending','ok','issue') NOT NULL DEFAULT 'pending',
    note        VARCHAR(1000) NULL,
    checked_at  DATETIME     NULL,
    checked_by  BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_spot_checks_sample_order (sample_id, order_id),
    KEY ix_spot_checks_order (order_id),
    KEY ix_spot_checks_result (result, sampled_at),
    CONSTRAINT fk_spot_checks_order   FOREIGN KEY (order_id)   REFERENCES orders (id),
    CONSTRAINT fk_spot_checks_sampler FOREIGN KEY (sampled_by) REFERENCES accounts (id),
    CONSTRAINT fk_spot_checks_checker FOREIGN KEY (checked_by) REFERENCES accounts (id),
    CONSTRAINT ck_spot_checks_checked CHECK ((result = 'pending') = (checked_at IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='V3 spot checks';

-- ---------------------------------------------------------------------------
-- audit_log: the append-only trail of every state change (V3): who
-- (account, role), when (UTC, microseconds), what (action on entity/id),
-- before/after (JSON), request id. The app user may only SELECT and INSERT
-- (grants.sql); no foreign keys, so entries outlive what they describe.
CREATE TABLE audit_log (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    at                DATETIME(6)  NOT NULL,
    actor_account_id  BIGINT UNSIGNED NULL,
    actor_role        VARCHAR(16)  NOT NULL,
    action            VARCHAR(64)  NOT NULL,
    entity            VARCHAR(32)  NOT NULL,
    entity_id         BIGINT UNSIGNED NULL,
    before_json       LONGTEXT     NULL,
    after_json        LONGTEXT     NULL,
    request_id        VARCHAR(64)  NULL,
    PRIMARY KEY (id),
    KEY ix_audit_entity (entity, entity_id, id),
    KEY ix_audit_at (at),
    KEY ix_audit_actor (actor_account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='V3 append-only audit trail';

-- ---------------------------------------------------------------------------
-- idempotency_keys: replay protection for POSTs that change money or units
-- (placing orders, O3): per account, the same key with the same request hash
-- returns the stored response; with another hash it is refused. 'running'
-- rows whose request died are cleaned up by age (created_at).
CREATE TABLE idempotency_keys (
    account_id       BIGINT UNSIGNED NOT NULL,
    idem_key         VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    request_hash     BINARY(32)   NOT NULL,
    state            ENUM('running','done') NOT NULL DEFAULT 'running',
    response_status  SMALLINT     NULL,
    response_body    MEDIUMTEXT   NULL,
    created_at       DATETIME     NOT NULL,
    completed_at     DATETIME     NULL,
    PRIMARY KEY (account_id, idem_key),
    KEY ix_idempotency_created (created_at),
    CONSTRAINT fk_idempotency_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT ck_idempotency_done CHECK (state = 'running' OR (response_status IS NOT NULL AND completed_at IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='idempotent POSTs';
