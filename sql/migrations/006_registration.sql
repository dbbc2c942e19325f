-- 006_registration.sql - enterprises and providers join by themselves, and
-- the bureau runs a programme year (issue 12; rules E8-E14, Y1-Y3 of
-- shared/SPEC.md, the guide's attachment 2-3 企业身份及划型认证).
--
--   * accounts: a mobile login confirmed by a one-time code (E9), the
--     organisation an account belongs to and its member role (E13).
--   * organisations: what an enterprise or a provider declares about
--     itself (identity, size classification E10, qualifications E11) and
--     its profile (企业信息); its certification state. The certified
--     values live in enterprises / providers (what the other programs
--     read), so that a change waiting for its decision leaves them as they
--     were (E12).
--   * certifications: the verification queue, one row per submission with
--     a snapshot of what was submitted and its decision.
--   * org_files: the business licence (营业执照).
--   * org_invites: members invited by mobile (E13).
--   * verification_codes, throttle: one-time codes (stored hashed) and
--     per-mobile / per-login limits, enforced in the database.
--   * notifications, notification_prefs: the outbox of outgoing messages,
--     written in the transaction of the event, sent by `voucherctl notify`.
--   * qualification_lists, credit_list, list_imports: the bureau's lists
--     (E11, E14) and the record of each import.
--   * rounds: the ordering period of a programme year (Y1).
--   * enterprises: the credit state derived from the credit list (E14).
--
-- Applied by sql/migrate.sh, exactly once. Never edit it once applied.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

-- ---------------------------------------------------------------------------
-- rounds (Y1): the ordering period, Asia/Shanghai days, both ends included;
-- NULL = no limit on that side.
ALTER TABLE rounds
    ADD COLUMN order_opens_on  DATE     NULL AFTER apply_closes_on,
    ADD COLUMN order_closes_on DATE     NULL AFTER order_opens_on,
    ADD COLUMN updated_at      DATETIME NULL,
    ADD CONSTRAINT ck_rounds_order CHECK (order_opens_on IS NULL OR order_closes_on IS NULL
                                          OR order_closes_on >= order_opens_on);

-- ---------------------------------------------------------------------------
-- enterprises (E14): what the credit list says at the last derivation:
-- the last day an entry of the list counts (the latest of the entries'
-- ends: min(listed_on + 3 years - 1 day, until)), and its source. NULL:
-- not on the list. E4 holds while today <= credit_list_until (or by the
-- bureau's own flag, credit_flagged).
ALTER TABLE enterprises
    ADD COLUMN credit_list_until  DATE         NULL AFTER credit_checked_on,
    ADD COLUMN credit_list_source VARCHAR(200) NULL AFTER credit_list_until;

-- ---------------------------------------------------------------------------
-- organisations: one enterprise or provider that joined by itself (or
-- that the bureau onboarded, adopted at its first use of these pages).
-- The declared fields are what the organisation entered last; the
-- certified ones are in enterprises / providers (enterprise_id /
-- provider_id, set at the first approval) and in certified_json.
-- state: draft 待提交, submitted 待审核 (frozen until decided), returned
-- 退回修改, rejected 不予认证 (a first certification only), approved 已认证.
CREATE TABLE organisations (
    id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind                  ENUM('enterprise','provider') NOT NULL,
    enterprise_id         BIGINT UNSIGNED NULL,
    provider_id           BIGINT UNSIGNED NULL,
    state                 ENUM('draft','submitted','returned','rejected','approved') NOT NULL DEFAULT 'draft',
    -- identity as declared (E9, E12)
    name                  VARCHAR(200) NULL,
    uscc                  CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    legal_representative  VARCHAR(50)  NULL,
    registered_district   VARCHAR(100) NULL,
    registered_in_beijing TINYINT(1)   NULL,            -- E1 (A1: or a Beijing branch)
    is_enterprise         TINYINT(1)   NULL,            -- E2
    main_body_in_beijing  TINYINT(1)   NULL,            -- provider: 0 = a Beijing branch
    -- size classification as declared (E10), its computed class and rule
    industry              VARCHAR(16)  NULL,
    employees             INT          NULL,
    revenue               BIGINT       NULL,            -- fen
    total_assets          BIGINT       NULL,            -- fen
    figures_year          SMALLINT     NULL,            -- the last complete year
    size_class            ENUM('micro','small','medium','large') NULL,
    size_basis            VARCHAR(255) NULL,
    -- qualifications claimed (E11): matched against the bureau's lists
    claims_specialized    TINYINT(1)   NOT NULL DEFAULT 0,
    claims_little_giant   TINYINT(1)   NOT NULL DEFAULT 0,
    quals_declared        TINYINT(1)   NOT NULL DEFAULT 0,  -- the tier follows the lists
    -- the last approved values (JSON), the last decision
    certified_json        LONGTEXT     NULL,
    certified_at          DATETIME     NULL,
    last_decision         ENUM('approve','return','reject') NULL,
    last_reason           VARCHAR(1000) NULL,
    -- profile (企业信息): not certified, changed at will, audited
    address               VARCHAR(200) NULL,
    contact_name          VARCHAR(50)  NULL,
    contact_phone         VARCHAR(20)  NULL,
    website               VARCHAR(200) NULL,
    bank_name             VARCHAR(100) NULL,
    bank_account_name     VARCHAR(200) NULL,
    bank_account          VARCHAR(40)  NULL,
    created_at            DATETIME     NOT NULL,
    updated_at            DATETIME     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_organisations_enterprise (enterprise_id),
    UNIQUE KEY uq_organisations_provider (provider_id),
    KEY ix_organisations_uscc (uscc),
    CONSTRAINT fk_organisations_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
    CONSTRAINT fk_organisations_provider   FOREIGN KEY (provider_id)   REFERENCES providers (id),
    CONSTRAINT ck_organisations_kind CHECK ((kind = 'enterprise' OR enterprise_id IS NULL)
                                            AND (kind = 'provider' OR provider_id IS NULL)),
    CONSTRAINT ck_organisations_flags CHECK (
        (registered_in_beijing IS NULL OR registered_in_beijing IN (0, 1))
        AND (is_enterprise IS NULL OR is_enterprise IN (0, 1))
        AND (main_body_in_beijing IS NULL OR main_body_in_beijing IN (0, 1))
        AND claims_specialized IN (0, 1) AND claims_little_giant IN (0, 1)
        AND quals_declared IN (0, 1)),
    CONSTRAINT ck_organisations_figures CHECK ((employees IS NULL OR employees >= 0)
        AND (revenue IS NULL OR revenue >= 0) AND (total_assets IS NULL OR total_assets >= 0)),
    -- E12: approved means certified
    CONSTRAINT ck_organisations_approved CHECK (state <> 'approved'
        OR enterprise_id IS NOT NULL OR provider_id IS NOT NULL),
    CONSTRAINT ck_organisations_json CHECK (certified_json IS NULL OR JSON_VALID(certified_json))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9-E13 organisations that join by themselves';

-- ---------------------------------------------------------------------------
-- accounts (E9, E13): a self-registered account's login is its mobile
-- number (mobile = login); it is disabled until the code confirms the
-- mobile (mobile_verified_at). org_id: its organisation; member_role:
-- what it may do there (the certifying account is admin). An enterprise
-- or provider account whose organisation is not certified yet has no
-- enterprise_id / provider_id, only its org_id. A removed member keeps
-- its row (the audit trail names it) but loses its login and mobile.
ALTER TABLE accounts
    ADD COLUMN mobile             CHAR(11) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER login,
    ADD COLUMN mobile_verified_at DATETIME NULL AFTER mobile,
    ADD COLUMN org_id             BIGINT UNSIGNED NULL AFTER provider_id,
    ADD COLUMN member_role        ENUM('admin','operator','viewer') NOT NULL DEFAULT 'admin' AFTER org_id,
    ADD COLUMN removed_at         DATETIME NULL,
    ADD UNIQUE KEY uq_accounts_mobile (mobile),
    ADD KEY ix_accounts_org (org_id, member_role),
    ADD CONSTRAINT fk_accounts_org FOREIGN KEY (org_id) REFERENCES organisations (id),
    DROP CONSTRAINT ck_accounts_link,
    ADD CONSTRAINT ck_accounts_link CHECK ((enterprise_id IS NULL OR role = 'enterprise')
        AND (provider_id IS NULL OR role = 'provider')
        AND (role NOT IN ('enterprise', 'provider') OR enterprise_id IS NOT NULL
             OR provider_id IS NOT NULL OR org_id IS NOT NULL)),
    ADD CONSTRAINT ck_accounts_mobile CHECK (mobile IS NULL OR mobile REGEXP '^1[3-9][0-9]{9}$');

-- ---------------------------------------------------------------------------
-- certifications: the verification queue (E9, E12). One row per
-- submission: the values submitted (values_json, the key ones copied
-- into columns for the queue), the licence file as it was, and the
-- decision of the reviewer or the bureau. is_change: a re-certification
-- of an organisation already certified (its old values hold meanwhile).
-- At most one pending row per organisation (pending_org under UNIQUE).
CREATE TABLE certifications (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id            BIGINT UNSIGNED NOT NULL,
    kind              ENUM('enterprise','provider') NOT NULL,
    status            ENUM('pending','approved','returned','rejected') NOT NULL DEFAULT 'pending',
    is_change         TINYINT(1)   NOT NULL DEFAULT 0,
    name              VARCHAR(200) NOT NULL,
    uscc              CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    size_class        ENUM('micro','small','medium','large') NULL,
    values_json       LONGTEXT     NOT NULL,
    licence_stored    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    licence_type      VARCHAR(100) NULL,
    licence_name      VARCHAR(255) NULL,
    licence_size      BIGINT       NULL,
    licence_sha256    CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    submitted_at      DATETIME     NOT NULL,
    submitted_by      BIGINT UNSIGNED NOT NULL,
    decided_at        DATETIME     NULL,
    decided_by        BIGINT UNSIGNED NULL,
    decided_role      VARCHAR(16)  NULL,
    reason            VARCHAR(1000) NULL,
    pending_org       BIGINT UNSIGNED AS (IF(status = 'pending', org_id, NULL)) PERSISTENT INVISIBLE,
    PRIMARY KEY (id),
    UNIQUE KEY uq_certifications_pending (pending_org),
    KEY ix_certifications_queue (status, submitted_at, id),
    KEY ix_certifications_org (org_id, id),
    KEY ix_certifications_licence (licence_stored),
    CONSTRAINT fk_certifications_org       FOREIGN KEY (org_id)       REFERENCES organisations (id),
    CONSTRAINT fk_certifications_submitter FOREIGN KEY (submitted_by) REFERENCES accounts (id),
    CONSTRAINT fk_certifications_decider   FOREIGN KEY (decided_by)   REFERENCES accounts (id),
    CONSTRAINT ck_certifications_json CHECK (JSON_VALID(values_json)),
    CONSTRAINT ck_certifications_decided CHECK ((status = 'pending') = (decided_at IS NULL)
        AND (status = 'pending' OR decided_by IS NOT NULL)
        AND (status NOT IN ('returned', 'rejected') OR reason IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9/E12 the verification queue';

-- ---------------------------------------------------------------------------
-- org_files: the business licence (营业执照), PDF or image, one per
-- organisation, replaced by a new upload while the organisation may
-- change it. A replaced file stays on disk while a certification names it.
CREATE TABLE org_files (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id         BIGINT UNSIGNED NOT NULL,
    kind           ENUM('licence') NOT NULL,
    original_name  VARCHAR(255) NOT NULL,
    stored_name    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    content_type   VARCHAR(100) NOT NULL,
    size_bytes     BIGINT       NOT NULL,
    sha256         CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    uploaded_at    DATETIME     NOT NULL,
    uploaded_by    BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_org_files_kind (org_id, kind),
    UNIQUE KEY uq_org_files_stored (stored_name),
    CONSTRAINT fk_org_files_org      FOREIGN KEY (org_id)      REFERENCES organisations (id),
    CONSTRAINT fk_org_files_uploader FOREIGN KEY (uploaded_by) REFERENCES accounts (id),
    CONSTRAINT ck_org_files_size CHECK (size_bytes > 0),
    CONSTRAINT ck_org_files_sha CHECK (sha256 REGEXP '^[0-9a-f]{64}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9 business licences';

-- ---------------------------------------------------------------------------
-- org_invites (E13): a member invited by mobile with a role; the person
-- confirms with the code sent to that mobile and sets a password. One
-- open invitation per organisation and mobile (open_org, mobile UNIQUE).
CREATE TABLE org_invites (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id        BIGINT UNSIGNED NOT NULL,
    mobile        CHAR(11) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    member_role   ENUM('admin','operator','viewer') NOT NULL,
    name          VARCHAR(50)  NULL,
    status        ENUM('open','accepted','cancelled') NOT NULL DEFAULT 'open',
    invited_at    DATETIME     NOT NULL,
    invited_by    BIGINT UNSIGNED NOT NULL,
    expires_at    DATETIME     NOT NULL,
    closed_at     DATETIME     NULL,
    account_id    BIGINT UNSIGNED NULL,                 -- the account it became
    open_org      BIGINT UNSIGNED AS (IF(status = 'open', org_id, NULL)) PERSISTENT INVISIBLE,
    PRIMARY KEY (id),
    UNIQUE KEY uq_org_invites_open (open_org, mobile),
    KEY ix_org_invites_org (org_id, status, id),
    KEY ix_org_invites_mobile (mobile, status),
    CONSTRAINT fk_org_invites_org     FOREIGN KEY (org_id)     REFERENCES organisations (id),
    CONSTRAINT fk_org_invites_inviter FOREIGN KEY (invited_by) REFERENCES accounts (id),
    CONSTRAINT fk_org_invites_account FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT ck_org_invites_mobile CHECK (mobile REGEXP '^1[3-9][0-9]{9}$'),
    CONSTRAINT ck_org_invites_closed CHECK ((status = 'open') = (closed_at IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E13 member invitations';

-- ---------------------------------------------------------------------------
-- verification_codes: the one code a mobile may hold at a time (a new one
-- replaces it), for confirming a signup or accepting an invitation.
-- Stored only as a PBKDF2 hash (like passwords), valid until expires_at
-- (10 minutes), tries_left wrong answers before it is void.
CREATE TABLE verification_codes (
    mobile      CHAR(11) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    purpose     ENUM('signup','invite') NOT NULL,
    invite_id   BIGINT UNSIGNED NULL,
    code_hash   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at  DATETIME NOT NULL,
    expires_at  DATETIME NOT NULL,
    tries_left  TINYINT  NOT NULL DEFAULT 5,
    PRIMARY KEY (mobile),
    KEY ix_verification_codes_expires (expires_at),
    CONSTRAINT fk_verification_codes_invite FOREIGN KEY (invite_id) REFERENCES org_invites (id),
    CONSTRAINT ck_verification_codes_tries CHECK (tries_left BETWEEN 0 AND 5),
    CONSTRAINT ck_verification_codes_invite CHECK ((purpose = 'invite') = (invite_id IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9 one-time codes (hashed)';

-- ---------------------------------------------------------------------------
-- throttle: per-subject limits kept by the database (a mobile's code
-- requests, a login's failed attempts): hits in the window that started
-- at window_start, the last one at last_at. Keyed by what was asked, not
-- by an account, so that a mobile or login nobody has is limited alike
-- (no enumeration). Old rows are purged by `voucherctl tidy`.
CREATE TABLE throttle (
    scope         ENUM('code','login') NOT NULL,
    subject       VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    window_start  DATETIME NOT NULL,
    hits          INT      NOT NULL,
    last_at       DATETIME NOT NULL,
    PRIMARY KEY (scope, subject),
    KEY ix_throttle_window (window_start),
    CONSTRAINT ck_throttle_hits CHECK (hits >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E9 rate limits per mobile and login';

-- ---------------------------------------------------------------------------
-- notifications: the outbox. A message is written in the transaction of
-- its event and sent later by `voucherctl notify` through the configured
-- transport, retried with back-off (next_attempt_at) until sent or
-- failed. kind names the message (shared/domain/outbox.c); recipient is
-- the address (a mobile); account_id the account it is for, if any. A
-- message carrying a code is blanked once sent or expired (text, payload).
CREATE TABLE notifications (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind             VARCHAR(32)  NOT NULL,
    channel          ENUM('sms') NOT NULL DEFAULT 'sms',
    account_id       BIGINT UNSIGNED NULL,
    recipient        VARCHAR(64)  NOT NULL,
    text             VARCHAR(1000) NOT NULL,
    payload          LONGTEXT     NULL,
    is_secret        TINYINT(1)   NOT NULL DEFAULT 0,
    status           ENUM('pending','sent','failed','expired') NOT NULL DEFAULT 'pending',
    attempts         SMALLINT     NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME     NOT NULL,
    expires_at       DATETIME     NULL,
    created_at       DATETIME     NOT NULL,
    sent_at          DATETIME     NULL,
    last_error       VARCHAR(500) NULL,
    PRIMARY KEY (id),
    KEY ix_notifications_due (status, next_attempt_at, id),
    KEY ix_notifications_account (account_id, id),
    CONSTRAINT ck_notifications_payload CHECK (payload IS NULL OR JSON_VALID(payload)),
    CONSTRAINT ck_notifications_attempts CHECK (attempts >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='the outbox of outgoing messages';

-- notification_prefs: an account's choice per kind of message (a row
-- only where it differs from the kind's default; codes are always sent).
CREATE TABLE notification_prefs (
    account_id  BIGINT UNSIGNED NOT NULL,
    kind        VARCHAR(32) NOT NULL,
    enabled     TINYINT(1)  NOT NULL,
    updated_at  DATETIME    NOT NULL,
    PRIMARY KEY (account_id, kind),
    CONSTRAINT fk_notification_prefs_account FOREIGN KEY (account_id) REFERENCES accounts (id),
    CONSTRAINT ck_notification_prefs_enabled CHECK (enabled IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='per-member message preferences';

-- ---------------------------------------------------------------------------
-- list_imports: every import of a bureau list (E11, E14), with what it
-- changed; the lists below name the import that wrote each row.
CREATE TABLE list_imports (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    list          ENUM('specialized','little_giant','credit') NOT NULL,
    year          SMALLINT     NULL,                     -- qualification lists
    imported_at   DATETIME     NOT NULL,
    imported_by   BIGINT UNSIGNED NOT NULL,
    encoding      VARCHAR(16)  NOT NULL,
    sha256        CHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    row_count     INT          NOT NULL,
    added         INT          NOT NULL,
    removed       INT          NOT NULL,
    unchanged     INT          NOT NULL,
    enterprises_changed INT    NOT NULL,
    PRIMARY KEY (id),
    KEY ix_list_imports_list (list, year, id),
    CONSTRAINT fk_list_imports_by FOREIGN KEY (imported_by) REFERENCES accounts (id),
    CONSTRAINT ck_list_imports_year CHECK ((list = 'credit') = (year IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E11/E14 imports of the bureau lists';

-- qualification_lists (E11): the bureau's lists of specialized (专精特新)
-- and little-giant (小巨人) enterprises of a year, by USCC.
CREATE TABLE qualification_lists (
    list       ENUM('specialized','little_giant') NOT NULL,
    year       SMALLINT     NOT NULL,
    uscc       CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name       VARCHAR(200) NOT NULL,
    import_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (list, year, uscc),
    KEY ix_qualification_lists_uscc (uscc, year),
    CONSTRAINT fk_qualification_lists_import FOREIGN KEY (import_id) REFERENCES list_imports (id),
    CONSTRAINT ck_qualification_lists_year CHECK (year BETWEEN 2000 AND 2100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E11 specialized and little-giant lists';

-- credit_list (E4, E14): serious dishonesty and dishonest judgment-debtor
-- entries by USCC: source, the day listed, the day it ends (NULL: none).
CREATE TABLE credit_list (
    uscc       CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    source     VARCHAR(200) NOT NULL,
    listed_on  DATE         NOT NULL,
    until      DATE         NULL,
    import_id  BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (uscc),
    CONSTRAINT fk_credit_list_import FOREIGN KEY (import_id) REFERENCES list_imports (id),
    CONSTRAINT ck_credit_list_until CHECK (until IS NULL OR until >= listed_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='E14 credit list';
