-- 003_applications.sql - product collection (征集, A1-A7): what 001's
-- application tables lacked for the collection program.
--
--   * product_applications.preferred (A7): 1 when a product of the last
--     submission served Beijing specialized / little-giant SMEs (checklist
--     product item 5); the review queue is ordered by (preferred DESC,
--     last_submitted_at, id) - rule_a7_cmp() in shared/rules.c.
--   * product_applications.reviewer_comment: the review agency's opinion
--     text (初审意见) beside reviewer_opinion; review_comment stays the
--     bureau's decision text shown to the provider.
--   * a decided application carries who decided and when.
--   * application_attachments: a stored file is never empty.
--   * application_events: every submission, opinion and decision, with
--     who, when and the comment (A5: the provider sees its history).
--     Append-only: the app user may only SELECT and INSERT (grants.sql).
--
-- Applied by sql/migrate.sh, exactly once.

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE product_applications
    ADD COLUMN preferred TINYINT(1) NOT NULL DEFAULT 0 AFTER national_clients_last_year,
    ADD COLUMN reviewer_comment TEXT NULL AFTER reviewed_at,
    ADD KEY ix_applications_queue (state, preferred, last_submitted_at, id),
    ADD CONSTRAINT ck_applications_preferred CHECK (preferred IN (0, 1)),
    ADD CONSTRAINT ck_applications_decided CHECK (
        state NOT IN ('approved', 'rejected') OR (decided_at IS NOT NULL AND decided_by IS NOT NULL)),
    ADD CONSTRAINT ck_applications_opinion CHECK (
        reviewer_opinion IS NULL OR (reviewed_at IS NOT NULL AND reviewed_by IS NOT NULL));

ALTER TABLE application_attachments
    DROP CONSTRAINT ck_application_attachments_size,
    ADD CONSTRAINT ck_application_attachments_size CHECK (size_bytes > 0),
    ADD KEY ix_application_attachments_name (application_id, original_name);

CREATE TABLE application_events (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    application_id    BIGINT UNSIGNED NOT NULL,
    at                DATETIME(6)  NOT NULL,
    actor_account_id  BIGINT UNSIGNED NULL,
    actor_role        VARCHAR(16)  NOT NULL,
    action            ENUM('submit','opinion','approve','return','reject') NOT NULL,
    opinion           ENUM('approve','return','reject') NULL,     -- the reviewer's, for action 'opinion'
    from_state        ENUM('draft','pending','approved','returned','rejected') NOT NULL,
    to_state          ENUM('draft','pending','approved','returned','rejected') NOT NULL,
    comment           TEXT         NULL,
    request_id        VARCHAR(64)  NULL,
    PRIMARY KEY (id),
    KEY ix_application_events_application (application_id, id),
    CONSTRAINT fk_application_events_application FOREIGN KEY (application_id) REFERENCES product_applications (id),
    CONSTRAINT ck_application_events_role CHECK (actor_role IN ('provider','reviewer','bureau','system')),
    CONSTRAINT ck_application_events_opinion CHECK ((action = 'opinion') = (opinion IS NOT NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='A5 application submissions and decisions (append-only)';
